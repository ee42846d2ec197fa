"""A loop and a Python set."""


def cg_iterations(eigenvalues, coefficients):
    seen = set()
    for lam, c in zip(eigenvalues, coefficients):
        if c != 0:
            seen.add(float(lam))
    return len(seen)
