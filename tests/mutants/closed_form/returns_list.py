"""Returns a list instead of a NumPy array."""

def closed_form(b, k):
    rho = (b - 1) / (b + 1)
    return [b * rho**k, (-rho) ** k]
