"""Heavy-ball momentum's best step 4/(sqrt(lam_min) + sqrt(lam_max))^2, remembered from lecture 04."""
# diagnosis: the best ε of the heavy-ball method
# mistake: optimal_constant_step/momentum

import math


def optimal_constant_step(lam_min, lam_max):
    return 4 / (math.sqrt(lam_min) + math.sqrt(lam_max)) ** 2
