"""Returns a list instead of a NumPy array."""
# diagnosis: must return the new iterate as one array, not a list
# mistake: closed_form/wrong-return-type

def closed_form(b, k):
    rho = (b - 1) / (b + 1)
    return [b * rho**k, (-rho) ** k]
