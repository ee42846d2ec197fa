"""Leaves out the path through μ: no −mean(dout) term in dx."""
# diagnosis: the mean's contribution to dx is missing
# mistake: batchnorm_backward/no-mean-term


def batchnorm_backward(dout, cache):
    x_hat, inv_sigma, gamma = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = gamma * inv_sigma * (dout - x_hat * (dout * x_hat).mean(axis=0))
    return dx, dgamma, dbeta
