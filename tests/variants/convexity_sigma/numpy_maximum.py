"""NumPy throughout, the convex case by np.maximum."""
import numpy as np


def convexity_sigma(a, b, omega):
    return float(np.sqrt(2 * np.maximum(np.log(b * omega**2 / a), 0.0)) / omega)
