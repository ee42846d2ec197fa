"""Takes the running σ̄ = √running_var and puts it under the root again."""
# diagnosis: the root was taken twice
# mistake: batchnorm_inference/sigma-for-variance

import numpy as np


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    running_std = np.sqrt(running_var)
    return gamma * (x - running_mean) / np.sqrt(running_std + eps) + beta
