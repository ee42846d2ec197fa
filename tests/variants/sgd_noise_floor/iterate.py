"""Iterates the recursion for E[θ²] until it settles (from 0), then ½ λ E[θ²]."""

import math


def sgd_noise_floor(lam, lr, sigma, m):
    factor = (1 - lr * lam) ** 2
    if factor >= 1:
        return math.inf
    moment, kick = 0.0, lr * lr * sigma * sigma / m
    for _ in range(1_000_000):
        new = factor * moment + kick
        if new == moment:
            break
        moment = new
    return lam * moment / 2
