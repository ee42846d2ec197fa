"""The closed form, also where SGD diverges."""
# diagnosis: for ελ ≥ 2 SGD diverges
# mistake: sgd_noise_floor/no-divergence


def sgd_noise_floor(lam, lr, sigma, m):
    return lr * sigma**2 / (2 * m * (2 - lr * lam))
