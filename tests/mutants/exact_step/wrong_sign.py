"""Steps along +g: x + alpha g."""
# diagnosis: α* has the wrong sign
# mistake: exact_step/wrong-sign

def exact_step(A, x):
    g = A @ x
    alpha = (g @ g) / (g @ A @ g)
    return x + alpha * g
