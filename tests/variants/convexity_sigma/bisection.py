"""Finds the smallest σ with a − b ω² e^{−ω²σ²/2} ≥ 0 by bisection instead of the closed form."""
import math


def convexity_sigma(a, b, omega):
    def worst_curvature(sigma):
        return a - b * omega**2 * math.exp(-0.5 * omega**2 * sigma**2)

    if worst_curvature(0.0) >= 0:
        return 0.0
    low, high = 0.0, 1.0
    while worst_curvature(high) < 0:
        high *= 2
    for _ in range(200):
        mid = 0.5 * (low + high)
        if worst_curvature(mid) >= 0:
            high = mid
        else:
            low = mid
    return high
