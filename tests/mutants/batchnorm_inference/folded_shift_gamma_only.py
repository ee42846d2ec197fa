"""Folds into a ⊙ x + b, with the shift b = β − γ ⊙ μ̄ (σ̄ forgotten in the shift)."""
# diagnosis: the shift of the affine map is β − γ ⊙ μ̄
# mistake: batchnorm_inference/folded-shift-gamma-only
import numpy as np


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    a = gamma / np.sqrt(running_var + eps)
    return a * x + (beta - gamma * running_mean)
