"""‖g‖ instead of gᵀg in the first-order term."""
# diagnosis: the first-order term uses ‖g‖ instead of gᵀg
# mistake: step_increases_cost/norm-not-squared

import numpy as np


def step_increases_cost(g, H, eps):
    return 0.5 * eps**2 * (g @ H @ g) > eps * np.linalg.norm(g)
