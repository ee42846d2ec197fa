"""Uses one example's noise variance σ² for the minibatch."""
# diagnosis: the noise variance is σ², that of one example
# mistake: sgd_noise_floor/no-batch
import math


def sgd_noise_floor(lam, lr, sigma, m):
    if lr * lam >= 2:
        return math.inf
    return lr * sigma**2 / (2 * (2 - lr * lam))
