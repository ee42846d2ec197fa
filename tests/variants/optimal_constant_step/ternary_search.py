"""Minimises max(|1 - eps lam_min|, |1 - eps lam_max|) numerically (ternary search)."""


def optimal_constant_step(lam_min, lam_max):
    def rate(eps):
        return max(abs(1 - eps * lam_min), abs(1 - eps * lam_max))

    low, high = 0.0, 2.0 / lam_max
    for _ in range(200):
        a, b = low + (high - low) / 3, high - (high - low) / 3
        if rate(a) < rate(b):
            high = b
        else:
            low = a
    return (low + high) / 2
