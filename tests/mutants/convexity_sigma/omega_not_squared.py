"""Takes the ripple's curvature as b ω (one derivative of the chain rule)."""
# diagnosis: it uses b ω instead of b ω²
# mistake: convexity_sigma/omega-not-squared
import math


def convexity_sigma(a, b, omega):
    ratio = b * omega / a
    return math.sqrt(2 * math.log(ratio)) / omega if ratio > 1 else 0.0
