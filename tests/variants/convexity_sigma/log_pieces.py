"""ln(bω²/a) = ln b + 2 ln ω − ln a, and max(·, 0) for the convex case."""
import math


def convexity_sigma(a, b, omega):
    exponent = math.log(b) + 2 * math.log(omega) - math.log(a)
    return math.sqrt(2 * max(exponent, 0.0)) / omega
