"""Averages dγ and dβ over the batch instead of summing them."""
# diagnosis: dγ and dβ are averaged over the batch
# mistake: batchnorm_backward/averaged


def batchnorm_backward(dout, cache):
    x_hat, inv_sigma, gamma = cache
    dbeta = dout.mean(axis=0)
    dgamma = (dout * x_hat).mean(axis=0)
    dx = gamma * inv_sigma * (dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
