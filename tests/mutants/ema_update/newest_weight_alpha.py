"""α (θ̂_{t−1} + (1 − α) θ_t): the newest iterate decayed once too often."""
# diagnosis: the newest iterate gets the weight (1 − α)α
# mistake: ema_update/newest-weight-alpha


def ema_update(prev, theta, alpha):
    return alpha * (prev + (1 - alpha) * theta)
