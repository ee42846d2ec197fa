"""Applies the unbiased factor m/(m − 1) to the running variance at inference."""
# diagnosis: the unbiased factor m/(m − 1) is applied at inference
# mistake: batchnorm_inference/unbiased-factor

import numpy as np


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    m = x.shape[0]
    var = running_var * m / (m - 1)
    return gamma * (x - running_mean) / np.sqrt(var + eps) + beta
