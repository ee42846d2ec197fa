"""Lecture 01: minibatch noise, the order of the examples, and early stopping."""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.ticker import NullLocator

from course import validation as check
from course.challenges import early_stopping_step, minibatch_gradient
from course.plotting import colors_for, new_figure
from course.problems import logistic_regression
from course.widgets.explorer import Explorer, choice, log_slider, options_slider

BATCH_SIZES = tuple(2**i for i in range(9))  # 1, 2, 4, ..., 256
SAMPLINGS = {"random (shuffled)": "random", "consecutive rows of sorted data": "sorted"}
ORDERS = {"sorted by label": "sorted", "shuffled once": "shuffled"}

#: The point θ where :func:`gradient_noise_explorer` draws its minibatch gradients.
NOISE_THETA = np.array([0.5, 0.5, 0.0])


def _sorted_data(n_samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The logistic-regression data of ``seed`` (NumPy), its rows sorted by label."""
    problem = logistic_regression(n_samples=n_samples, n_features=2, seed=seed, xp=np)
    order = np.argsort(problem.y_numpy, kind="stable")
    return problem.X_numpy[order], problem.y_numpy[order]


def noise_estimates(X: np.ndarray, y: np.ndarray, theta: np.ndarray, batch_size: int, sampling: str,
                    samples: int, rng: np.random.Generator) -> np.ndarray:
    """``samples`` minibatch gradients ĝ (rows) at ``theta``.

    ``"random"``: each epoch shuffles the rows and cuts them into batches of m.
    ``"sorted"``: batches of m consecutive rows in the stored (sorted) order, epoch after epoch.
    """
    n = len(y)
    batches: list[np.ndarray] = []
    while len(batches) < samples:
        order = rng.permutation(n) if sampling == "random" else np.arange(n)
        batches += [order[i:i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]
    return np.stack([minibatch_gradient(X, y, theta, idx) for idx in batches[:samples]])


def gradient_noise_explorer(batch_size: int = 4, sampling: str = "random", samples: int = 400,
                            seed: int = 0) -> Explorer:
    """The spread of one component of minibatch gradients, against the standard error σ/√m.

    Logistic regression (N = 4096, two features and a bias) at the fixed point
    θ = (0.5, 0.5, 0). For every batch size m = 1, 2, …, 256 and both ways of
    drawing the batches, ``samples`` minibatch gradients ĝ are drawn. Left: the
    histogram of their bias component ĝ₃ (scaled to peak 1) around the full
    gradient, with the normal curve of standard deviation σ/√m that the central
    limit theorem predicts for random batches. Right: the measured standard error
    √(mean (ĝ₃ − g₃)²) against m, log–log, next to σ/√m (σ: the spread of the
    single-example gradients). Batches of consecutive rows of data sorted by label
    hold one class only: their estimates are biased and their error does not shrink.

    Controls: ``"batch_size"`` (m = 1, 2, 4, …, 256), ``"sampling"`` (``"random"``, ``"sorted"``).
    """
    samples = check.integer("samples", samples, minimum=10)
    if sampling not in SAMPLINGS.values():
        raise ValueError(f"sampling must be one of {', '.join(map(repr, SAMPLINGS.values()))}, got {sampling!r}")
    X, y = _sorted_data(4096, seed)
    component = X.shape[1] - 1  # the bias
    singles = (1 / (1 + np.exp(-(X @ NOISE_THETA))) - y) * X[:, component]  # per-example gradients
    full, sigma = float(np.mean(singles)), float(np.std(singles))
    rng = np.random.default_rng(seed)
    estimates = {(m, s): noise_estimates(X, y, NOISE_THETA, m, s, samples, rng)[:, component]
                 for s in SAMPLINGS.values() for m in BATCH_SIZES}
    errors = {key: float(np.sqrt(np.mean((e - full) ** 2))) for key, e in estimates.items()}
    ms = np.array(BATCH_SIZES, dtype=float)
    edges = np.linspace(full - 4 * sigma, full + 4 * sigma, 121)
    centres = (edges[:-1] + edges[1:]) / 2

    fig, (left, right) = new_figure(2)
    bars = left.bar(centres, np.zeros_like(centres), width=edges[1] - edges[0], color="tab:blue", alpha=0.6,
                    label=f"{samples} minibatch estimates ĝ₃", animated=True)
    (normal,) = left.plot([], [], color="black", linestyle="--", linewidth=1.2,
                          label=r"normal, std $\sigma/\sqrt{m}$", animated=True)
    left.axvline(full, color="tab:red", linewidth=1.5, label=r"full gradient $g_3$")
    left.set_xlim(edges[0], edges[-1])
    left.set_ylim(0, 1.25)
    left.set_xlabel(r"$\hat g_3$, estimate of $\partial J/\partial\theta_3$ (the bias)")
    left.set_ylabel("frequency (peak = 1)")
    left.title.set_animated(True)
    left.legend(loc="upper left", fontsize=8)

    colors = colors_for(list(SAMPLINGS.values()))
    right.loglog(ms, sigma / np.sqrt(ms), color="grey", linestyle="--", label=r"$\sigma/\sqrt{m}$")
    for label, s in SAMPLINGS.items():
        right.loglog(ms, [errors[m, s] for m in BATCH_SIZES], "o-", color=colors[s], label=f"measured: {label}")
    (current,) = right.plot([], [], "o", markersize=14, markerfacecolor="none", markeredgecolor="black",
                            markeredgewidth=2, animated=True)
    right.set_xscale("log", base=2)
    right.set_xticks(ms, [str(m) for m in BATCH_SIZES])
    right.xaxis.set_minor_locator(NullLocator())
    right.set_xlabel("batch size $m$")
    right.set_ylabel(r"standard error $\sqrt{\mathrm{mean}\,(\hat g_3 - g_3)^2}$")
    right.set_title(r"random batches: 4× the examples, ½ the error")
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8, loc="lower left")

    def update(batch_size: int, sampling: str) -> None:
        values = estimates[batch_size, sampling]
        counts, _ = np.histogram(values, bins=edges)
        for bar, height in zip(bars, counts / max(counts.max(), 1)):
            bar.set_height(height)
        spread = sigma / np.sqrt(batch_size)
        normal.set_data(centres, np.exp(-0.5 * ((centres - full) / spread) ** 2))
        current.set_data([batch_size], [errors[batch_size, sampling]])
        left.title.set_text(f"m = {batch_size}: error {errors[batch_size, sampling]:.3f}, "
                            f"σ/√m = {spread:.3f}")

    return Explorer(
        {"batch_size": options_slider("batch size m", batch_size, BATCH_SIZES),
         "sampling": choice("batches", sampling, SAMPLINGS)},
        fig, update,
    )


# --- SGD on sorted and shuffled data ------------------------------------------------


def _loss(X: np.ndarray, y: np.ndarray, thetas: np.ndarray, l2: float) -> np.ndarray:
    """The penalised mean logistic loss at each row of ``thetas``."""
    z = thetas @ X.T
    return np.mean(np.logaddexp(0.0, z) - y * z, axis=1) + 0.5 * l2 * np.sum(thetas**2, axis=1)


def sgd_in_order(X: np.ndarray, y: np.ndarray, order: np.ndarray, lr: float, batch_size: int, steps: int,
                 l2: float) -> np.ndarray:
    """The iterates of minibatch SGD from θ = 0 that takes the rows in ``order``, epoch after
    epoch, in batches of m = ``batch_size`` (the gradient includes the penalty λθ)."""
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    theta = np.zeros(X.shape[1])
    iterates = [theta]
    for k in range(steps):
        theta = theta - lr * (minibatch_gradient(X, y, theta, batches[k % len(batches)]) + l2 * theta)
        iterates.append(theta)
    return np.stack(iterates)


def shuffling_explorer(lr: float = 0.5, batch_size: int = 16, steps: int = 192, seed: int = 0) -> Explorer:
    """Minibatch SGD on logistic regression with the examples sorted by label or shuffled once.

    N = 512 examples, stored sorted by label (all zeros, then all ones). SGD
    takes them in batches of m, in the stored order or in an order shuffled once,
    and starts again after each epoch. Left: the gap J(θ_k) − J* on the whole
    training set. Right: the path of (θ₁, θ₃) (a weight and the bias), with the
    minimizer θ*. Sorted batches hold one class at a time: each epoch drags the
    bias one way, then the other.

    Controls: ``"lr"`` (ε, log scale), ``"batch_size"`` (m = 1, 2, 4, …, 256).
    """
    steps = check.integer("steps", steps, minimum=1)
    problem = logistic_regression(n_samples=512, n_features=2, seed=seed, xp=np)
    X, y = _sorted_data(512, seed)
    optimum, theta_star = float(_loss(X, y, problem.minimizer[None], problem.l2)[0]), problem.minimizer
    orders = {"sorted": np.arange(len(y)), "shuffled": np.random.default_rng(seed).permutation(len(y))}

    @functools.lru_cache(maxsize=256)
    def runs(lr: float, batch_size: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        found = {}
        for name, order in orders.items():
            with np.errstate(all="ignore"):
                thetas = sgd_in_order(X, y, order, lr, batch_size, steps, problem.l2)
                gaps = _loss(X, y, thetas, problem.l2) - optimum
            finite = np.isfinite(gaps) & np.all(np.isfinite(thetas), axis=1)
            keep = int(np.argmin(finite)) if not finite.all() else len(gaps)
            found[name] = thetas[:keep], gaps[:keep]
        return found

    fig, (left, right) = new_figure(2)
    colors = colors_for(list(ORDERS.values()))
    gap_lines = {s: left.plot([], [], color=colors[s], label=label, animated=True)[0] for label, s in ORDERS.items()}
    left.set_xlim(0, steps)
    left.set_ylim(1e-5, 10)
    left.set_yscale("log")
    left.yaxis.set_minor_locator(NullLocator())
    left.set_xlabel("step $k$")
    left.set_ylabel(r"$J(\theta_k) - J^*$ on all N = 512 examples")
    left.grid(True, alpha=0.3)
    left.title.set_animated(True)
    left.legend(loc="upper right", fontsize=8)

    path_lines = {s: right.plot([], [], color=colors[s], linewidth=1.0, marker="o", markersize=2,
                                label=label, animated=True)[0] for label, s in ORDERS.items()}
    right.plot(theta_star[0], theta_star[2], marker="*", markersize=16, color="black", linestyle="none",
               label=r"minimizer $\theta^*$")
    right.plot(0, 0, marker="o", markersize=7, color="white", markeredgecolor="black", linestyle="none",
               label="start")
    right.set_xlim(-0.5, theta_star[0] + 1.5)
    right.set_ylim(-2.5, 2.5)
    right.set_xlabel(r"weight $\theta_1$")
    right.set_ylabel(r"bias $\theta_3$")
    right.set_title("path of SGD")
    right.grid(True, alpha=0.3)
    right.legend(loc="upper right", fontsize=8)

    def update(lr: float, batch_size: int) -> None:
        for name, (thetas, gaps) in runs(lr, batch_size).items():
            gap_lines[name].set_data(np.arange(len(gaps)), gaps)
            path_lines[name].set_data(thetas[:, 0], thetas[:, 2])
        epochs = steps * batch_size / len(y)
        left.title.set_text(f"ε = {lr:.3g}, m = {batch_size}: {epochs:.3g} epochs")

    return Explorer(
        {"lr": log_slider("learning rate ε", lr, 0.01, 10.0),
         "batch_size": options_slider("batch size m", batch_size, BATCH_SIZES)},
        fig, update,
    )


# --- early stopping -----------------------------------------------------------------

PENALTIES = {"none": 0.0, "λ = 0.01": 0.01, "λ = 0.1": 0.1}
PATIENCES = (1, 2, 3, 5, 10, 20, 30, 50)


def overfitting_data(n_train: int, n_val: int, n_features: int, seed: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Two classes that differ only in their first two features (means ±0.5), the other
    features pure noise, with a bias column: few training examples and many features
    make logistic regression overfit. Returns X_train, y_train, X_val, y_val."""
    rng = np.random.default_rng(seed)
    n = n_train + n_val
    y = (np.arange(n) % 2).astype(float)
    rng.shuffle(y)
    X = rng.standard_normal((n, n_features))
    X[:, :2] += 0.5 * (2 * y[:, None] - 1)
    X = np.hstack([X, np.ones((n, 1))])
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def training_curves(l2: float, epochs: int, lr: float = 0.01, batch_size: int = 10, seed: int = 0
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation losses (without the penalty) after each epoch of minibatch
    SGD with weight decay λ = ``l2`` on :func:`overfitting_data` (epoch 0: θ = 0)."""
    X, y, X_val, y_val = overfitting_data(80, 200, 40, seed)
    rng = np.random.default_rng(seed)
    theta, thetas = np.zeros(X.shape[1]), [np.zeros(X.shape[1])]
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for i in range(0, len(y), batch_size):
            theta = theta - lr * (minibatch_gradient(X, y, theta, order[i:i + batch_size]) + l2 * theta)
        thetas.append(theta)
    thetas = np.stack(thetas)
    return _loss(X, y, thetas, 0.0), _loss(X_val, y_val, thetas, 0.0)


def first_stop(val_losses: np.ndarray, patience: int) -> tuple[int, int]:
    """(the evaluation where the early-stopping rule first stops, its best step), or the
    last evaluation and its best step if it never stops."""
    values = list(val_losses)
    for k in range(1, len(values) + 1):
        stop, best = early_stopping_step(values[:k], patience)
        if stop:
            return k - 1, best
    return len(values) - 1, early_stopping_step(values, patience)[1]


def early_stopping_explorer(patience: int = 10, penalty: float = 0.0, epochs: int = 200,
                            seed: int = 0) -> Explorer:
    """Training and validation loss of an overfitting model, and where early stopping ends it.

    Logistic regression with 40 features, only two of them informative, trained
    by minibatch SGD (ε = 0.01, m = 10) on 80 examples; the validation loss is
    measured on 200 others after every epoch. The training loss keeps falling;
    the validation loss falls, bottoms out and rises. The early-stopping rule
    (:func:`course.challenges.early_stopping_step`) stops when ``patience``
    evaluations in a row did not improve on the best, and keeps the parameters of
    the best one. Weight decay (λ/2 ‖θ‖²) is the alternative regulariser.

    Controls: ``"patience"`` (p), ``"penalty"`` (λ = 0, 0.01, 0.1).
    """
    epochs = check.integer("epochs", epochs, minimum=2)
    curves = {l2: training_curves(l2, epochs, seed=seed) for l2 in PENALTIES.values()}
    lowest = {l2: float(np.min(val)) for l2, (_, val) in curves.items()}
    stops = functools.lru_cache(maxsize=64)(lambda l2, p: first_stop(curves[l2][1], p))
    k = np.arange(epochs + 1)

    fig, ax = new_figure(1, width=8.0)
    (train_line,) = ax.plot([], [], color="tab:blue", label="training loss", animated=True)
    (val_line,) = ax.plot([], [], color="tab:orange", label="validation loss", animated=True)
    (best_line,) = ax.plot([], [], color="tab:green", linestyle="--", label="best step (kept)", animated=True)
    (stop_line,) = ax.plot([], [], color="tab:red", linestyle=":", linewidth=2, label="training stops",
                           animated=True)
    (best_dot,) = ax.plot([], [], "o", color="tab:green", markersize=9, animated=True)
    ax.set_xlim(0, epochs)
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean negative log-likelihood")
    ax.grid(True, alpha=0.3)
    ax.title.set_animated(True)
    ax.legend(loc="lower left", fontsize=8)

    def update(patience: int, penalty: float) -> None:
        train, val = curves[penalty]
        stop, best = stops(penalty, patience)
        train_line.set_data(k, train)
        val_line.set_data(k, val)
        best_line.set_data([best, best], [0.0, 1.0])
        stop_line.set_data([stop, stop], [0.0, 1.0])
        best_dot.set_data([best], [val[best]])
        ax.title.set_text(f"p = {patience}: stops at epoch {stop}, keeps epoch {best} "
                          f"(validation {val[best]:.3f}; lowest {lowest[penalty]:.3f})")

    return Explorer(
        {"patience": options_slider("patience p", patience, PATIENCES),
         "penalty": choice("weight decay", penalty, PENALTIES)},
        fig, update,
    )
