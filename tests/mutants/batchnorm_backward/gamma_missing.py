"""Forgets the factor γ in dx."""
# diagnosis: γ is missing from dx
# mistake: batchnorm_backward/gamma-missing


def batchnorm_backward(dout, cache):
    x_hat, inv_sigma, gamma = cache
    m = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = inv_sigma * (dout - (dbeta + x_hat * dgamma) / m)
    return dx, dgamma, dbeta
