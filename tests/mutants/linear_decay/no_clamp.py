"""No clamp after tau: the rate keeps decaying and turns negative."""
# diagnosis: keeps decaying after step τ (no clamp)
# mistake: linear_decay/no-clamp


def linear_decay(k, eps0, eps_tau, tau):
    alpha = k / tau
    return (1 - alpha) * eps0 + alpha * eps_tau
