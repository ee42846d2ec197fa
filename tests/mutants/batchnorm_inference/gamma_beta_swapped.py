"""Scales by β and shifts by γ."""
# diagnosis: γ and β are swapped
# mistake: batchnorm_inference/gamma-beta-swapped

import numpy as np


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return beta * (x - running_mean) / np.sqrt(running_var + eps) + gamma
