"""Takes the gradient of 1/2 x'Ax to be x."""
# diagnosis: the gradient of f = ½ xᵀAx is taken as x
# mistake: exact_step/gradient-is-x

def exact_step(A, x):
    g = x
    alpha = (g @ g) / (g @ A @ g)
    return x - alpha * g
