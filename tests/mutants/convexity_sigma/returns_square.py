"""Returns σ² = 2 ln(bω²/a)/ω²."""
# diagnosis: it returns σ², not σ
# mistake: convexity_sigma/returns-square
import math


def convexity_sigma(a, b, omega):
    ratio = b * omega**2 / a
    return 2 * math.log(ratio) / omega**2 if ratio > 1 else 0.0
