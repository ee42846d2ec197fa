"""Divides by σ̄² + δ."""
# diagnosis: the square root is missing
# mistake: batchnorm_inference/no-sqrt


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (x - running_mean) / (running_var + eps) + beta
