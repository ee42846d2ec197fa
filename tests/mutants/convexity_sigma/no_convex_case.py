"""Applies the formula also where J is convex already: NaN there."""
# diagnosis: when b ω² ≤ a, J is convex already and σ* = 0
# mistake: convexity_sigma/no-convex-case
import numpy as np


def convexity_sigma(a, b, omega):
    return np.sqrt(2 * np.log(b * omega**2 / a)) / omega
