"""Treats μ and σ as constants: dx = γ dout/σ."""
# diagnosis: dx treats μ and σ as constants
# mistake: batchnorm_backward/statistics-constant


def batchnorm_backward(dout, cache):
    x_hat, inv_sigma, gamma = cache
    return gamma * inv_sigma * dout, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
