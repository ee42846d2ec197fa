"""Leaves out the path through σ: no −x̂ mean(dout ⊙ x̂) term in dx."""
# diagnosis: the variance's contribution to dx is missing
# mistake: batchnorm_backward/no-variance-term


def batchnorm_backward(dout, cache):
    x_hat, inv_sigma, gamma = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = gamma * inv_sigma * (dout - dout.mean(axis=0))
    return dx, dgamma, dbeta
