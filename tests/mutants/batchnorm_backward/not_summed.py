"""Returns dγ and dβ per example, not summed over the batch."""
# diagnosis: dγ and dβ are not summed over the batch
# mistake: batchnorm_backward/not-summed


def batchnorm_backward(dout, cache):
    x_hat, inv_sigma, gamma = cache
    m = dout.shape[0]
    dbeta = dout
    dgamma = dout * x_hat
    dx = gamma * inv_sigma * (dout - (dbeta.sum(axis=0) + x_hat * dgamma.sum(axis=0)) / m)
    return dx, dgamma, dbeta
