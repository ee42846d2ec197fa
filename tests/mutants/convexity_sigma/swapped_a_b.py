"""Compares the bowl's curvature with the ripple's the wrong way round."""
# diagnosis: a and b are swapped
# mistake: convexity_sigma/swapped-a-b
import math


def convexity_sigma(a, b, omega):
    ratio = a * omega**2 / b
    return math.sqrt(2 * math.log(ratio)) / omega if ratio > 1 else 0.0
