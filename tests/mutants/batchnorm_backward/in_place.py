"""Centres dout in place."""
# diagnosis: modified its argument `dout` in place
# mistake: batchnorm_backward/in-place


def batchnorm_backward(dout, cache):
    x_hat, inv_sigma, gamma = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dout -= dout.mean(axis=0) + x_hat * dgamma / dout.shape[0]
    return gamma * inv_sigma * dout, dgamma, dbeta
