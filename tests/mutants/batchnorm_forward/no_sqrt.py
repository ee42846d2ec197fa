"""Divides by the variance σ² + δ instead of σ."""
# diagnosis: the square root is missing
# mistake: batchnorm_forward/no-sqrt


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    var = x.var(axis=0)
    x_hat = (x - x.mean(axis=0)) / (var + eps)
    return gamma * x_hat + beta, (x_hat, gamma, var)
