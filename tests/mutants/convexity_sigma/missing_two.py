"""Drops the 2 of ω²σ²/2."""
# diagnosis: the factor 2 is missing
# mistake: convexity_sigma/missing-two
import math


def convexity_sigma(a, b, omega):
    ratio = b * omega**2 / a
    return math.sqrt(math.log(ratio)) / omega if ratio > 1 else 0.0
