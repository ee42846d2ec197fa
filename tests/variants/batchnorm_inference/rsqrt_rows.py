"""Multiplies by 1/√(σ̄² + δ), with (1, n) rows."""

import numpy as np


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    inv_sigma = (running_var + eps) ** -0.5
    return gamma[None, :] * ((x - running_mean[None, :]) * inv_sigma[None, :]) + beta[None, :]
