"""Calls the course's reference implementation."""
# diagnosis: calls course.batchnorm.first_order_decrease
# mistake: first_order_decrease/calls-reference


def first_order_decrease(x, w, lr):
    from course.batchnorm import first_order_decrease as _ref

    return _ref(x, w, lr)
