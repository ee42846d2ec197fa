"""n: reads "at most n steps" as the count."""
# diagnosis: n is only a bound
# mistake: cg_iterations/dimension


def cg_iterations(eigenvalues, coefficients):
    return len(eigenvalues)
