"""Applies the formula with math.sqrt also where J is convex already: a ValueError there."""
# diagnosis: When b ω² ≤ a, J is convex already and the answer is σ = 0
# mistake: convexity_sigma/no-convex-case
import math


def convexity_sigma(a, b, omega):
    return math.sqrt(2 * math.log(b * omega**2 / a)) / omega
