"""Forgets to divide by ω when solving ω²σ²/2 = ln(bω²/a) for σ."""
# diagnosis: the division by ω is missing
# mistake: convexity_sigma/no-division
import math


def convexity_sigma(a, b, omega):
    ratio = b * omega**2 / a
    return math.sqrt(2 * math.log(ratio)) if ratio > 1 else 0.0
