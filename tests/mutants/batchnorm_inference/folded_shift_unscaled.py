"""Folds into a ⊙ x + b, with the shift b = β − μ̄ (the mean not scaled)."""
# diagnosis: the shift of the affine map is β − μ̄
# mistake: batchnorm_inference/folded-shift-unscaled
import numpy as np


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    a = gamma / np.sqrt(running_var + eps)
    b = beta - running_mean
    return a * x + b
