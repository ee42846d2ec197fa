"""Calls the course's reference implementation."""
# diagnosis: calls course.optim.uncorrected_step_length
# mistake: uncorrected_step_length/calls-reference


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    from course.optim import uncorrected_step_length as _ref

    return _ref(t, rho1, rho2)
