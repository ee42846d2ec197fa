"""The schedule is inverted: it increases from eps_tau to eps0."""
# diagnosis: the schedule is inverted
# mistake: linear_decay/inverted


def linear_decay(k, eps0, eps_tau, tau):
    alpha = min(k / tau, 1.0)
    return alpha * eps0 + (1 - alpha) * eps_tau
