"""Plain Python loops over the layers, products without division."""


def first_order_decrease(x, w, lr):
    total = 0.0
    for i in range(len(w)):
        g = x
        for k in range(len(w)):
            if k != i:
                g = g * w[k]
        total += g * g
    return lr * total
