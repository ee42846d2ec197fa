"""Folds into a ⊙ x + b, with the shift b = β + a ⊙ μ̄."""
# diagnosis: the shift of the affine map has the wrong sign
# mistake: batchnorm_inference/folded-shift-sign
import numpy as np


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    a = gamma / np.sqrt(running_var + eps)
    b = beta + a * running_mean
    return a * x + b
