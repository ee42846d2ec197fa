"""The staged backward pass through every intermediate, with a dict cache of its own forward."""

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    m = x.shape[0]
    mu = x.sum(axis=0) / m
    xc = x - mu
    var = (xc**2).sum(axis=0) / m
    sigma = np.sqrt(var + eps)
    x_hat = xc / sigma
    return gamma * x_hat + beta, {"xc": xc, "sigma": sigma, "x_hat": x_hat, "gamma": gamma}


def batchnorm_backward(dout, cache):
    xc, sigma, x_hat, gamma = cache["xc"], cache["sigma"], cache["x_hat"], cache["gamma"]
    m = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dsigma = -(dx_hat * xc).sum(axis=0) / sigma**2
    dvar = dsigma / (2 * sigma)
    dxc = dx_hat / sigma + 2 * xc * dvar / m
    dmu = -dxc.sum(axis=0)
    dx = dxc + dmu / m
    return dx, dgamma, dbeta
