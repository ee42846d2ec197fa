"""Returns E[θ²] instead of the excess loss ½ λ E[θ²]."""
# diagnosis: it returns E[θ²], the spread of θ
# mistake: sgd_noise_floor/returns-variance
import math


def sgd_noise_floor(lam, lr, sigma, m):
    if lr * lam >= 2:
        return math.inf
    return lr**2 * sigma**2 / m / (1 - (1 - lr * lam) ** 2)
