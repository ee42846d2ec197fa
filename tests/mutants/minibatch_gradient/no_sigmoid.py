"""Forgets the sigmoid: the gradient of the squared error of a linear model."""
# diagnosis: the sigmoid is missing
# mistake: minibatch_gradient/no-sigmoid


def minibatch_gradient(X, y, theta, idx):
    Xb = X[idx]
    return (Xb @ theta - y[idx]) @ Xb / len(idx)
