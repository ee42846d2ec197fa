"""Off-by-one: alpha = (k + 1) / tau."""
# diagnosis: an off-by-one in α
# mistake: linear_decay/off-by-one


def linear_decay(k, eps0, eps_tau, tau):
    alpha = min((k + 1) / tau, 1.0)
    return (1 - alpha) * eps0 + alpha * eps_tau
