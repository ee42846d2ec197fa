"""Puts δ outside the square root."""
# diagnosis: δ (eps) is outside the square root
# mistake: batchnorm_inference/eps-outside-sqrt

import numpy as np


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (x - running_mean) / (np.sqrt(running_var) + eps) + beta
