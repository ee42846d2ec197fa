"""Returns eps_tau once k reaches tau, else interpolates."""


def linear_decay(k, eps0, eps_tau, tau):
    if k >= tau:
        return eps_tau
    alpha = k / tau
    return (1 - alpha) * eps0 + alpha * eps_tau
