"""alpha computed with integer division k // tau."""
# diagnosis: computed with integer division
# mistake: linear_decay/integer-division


def linear_decay(k, eps0, eps_tau, tau):
    alpha = min(k // tau, 1)
    return (1 - alpha) * eps0 + alpha * eps_tau
