"""Calls the course's reference implementation."""
# diagnosis: calls course.optim.sgd_noise_floor
# mistake: sgd_noise_floor/calls-reference


def sgd_noise_floor(lam, lr, sigma, m):
    from course.optim import sgd_noise_floor as _ref

    return _ref(lam, lr, sigma, m)
