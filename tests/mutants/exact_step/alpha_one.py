"""The step size is g'g / g'g = 1: a plain gradient step."""
# diagnosis: the step uses gᵀg / gᵀg = 1
# mistake: exact_step/alpha-one

def exact_step(A, x):
    g = A @ x
    alpha = (g @ g) / (g @ g)
    return x - alpha * g
