"""z times its conjugate: the squared modulus."""
# diagnosis: this is |z|²
# mistake: momentum_rate/squared-modulus

import cmath


def momentum_rate(lam, lr, alpha):
    t = 1 + alpha - lr * lam
    root = cmath.sqrt(t * t - 4 * alpha)
    return max(((t + s * root) / 2 * ((t + s * root) / 2).conjugate()).real for s in (1, -1))
