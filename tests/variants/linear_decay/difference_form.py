"""eps0 + (eps_tau - eps0) * min(k, tau) / tau: another order of operations."""


def linear_decay(k, eps0, eps_tau, tau):
    return eps0 + (eps_tau - eps0) * min(k, tau) / tau
