"""Normalizes with the batch's statistics, as in training."""
# diagnosis: batch statistics are used at inference
# mistake: batchnorm_inference/batch-statistics

import numpy as np


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta
