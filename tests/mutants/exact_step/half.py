"""alpha = g'g / (2 g'Ag): the 1/2 of f carried into the step."""
# diagnosis: α* has a factor ½ too many
# mistake: exact_step/half

def exact_step(A, x):
    g = A @ x
    alpha = (g @ g) / (2 * (g @ A @ g))
    return x - alpha * g
