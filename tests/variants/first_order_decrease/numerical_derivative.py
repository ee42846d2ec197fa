"""The slope at ε = 0 of ŷ(w − ε g), a polynomial in ε, times −ε."""
import numpy as np


def first_order_decrease(x, w, lr):
    w = np.asarray(w, dtype=np.float64)
    g = np.array([x * np.prod(np.delete(w, i)) for i in range(len(w))])
    coefficients = np.poly1d([1.0])
    for wi, gi in zip(w, g):
        coefficients = coefficients * np.poly1d([-gi, wi])   # the factor wᵢ − ε gᵢ as a polynomial in ε
    slope = np.polyder(coefficients)(0.0)                   # d/dε of ∏(wᵢ − ε gᵢ) at ε = 0
    return -lr * x * slope
