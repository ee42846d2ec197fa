"""The sign of the second-order change −εgᵀg + ½ε²gᵀHg."""

import numpy as np


def step_increases_cost(g, H, eps):
    change = -eps * np.einsum("i,i->", g, g) + 0.5 * eps**2 * np.einsum("i,ij,j->", g, H, g)
    return bool(change > 0)
