"""Lecture 03: minibatch SGD, learning-rate schedules, and the noise of minibatch gradients."""

from __future__ import annotations

import functools
from typing import Any, Callable, Iterator

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from course import validation as check
from course.backend import asarray, to_numpy
from course.optim import SGD, linear_decay, minibatches, run, warmup
from course.plotting import colors_for, loss_curves, new_figure
from course.problems import LogisticRegression, logistic_regression
from course.widgets.explorer import Explorer, choice, log_slider, options_slider

SCHEDULES = {"constant": "constant", "linear decay": "linear decay", "warm-up": "warm-up"}
BATCH_SIZES = tuple(2**i for i in range(9))  # 1, 2, 4, ..., 256

LearningRate = float | Callable[[int], float]


def learning_rate(schedule: str, lr: float, steps: int) -> LearningRate:
    """The learning rate of a run of ``steps`` steps under ``schedule``, peaking at ``lr``.

    ``"constant"``: ε_k = ε. ``"linear decay"``: ε_k = (1 − k/τ) ε₀ + (k/τ) ε_τ
    with ε₀ = ε, ε_τ = ε/100, τ = ¾ · steps, then ε_τ. ``"warm-up"``: a linear
    ramp up to ε over the first tenth of the steps.
    """
    if schedule == "constant":
        return lr
    if schedule == "linear decay":
        return functools.partial(linear_decay, eps0=lr, eps_tau=lr / 100, tau=max(1, 3 * steps // 4))
    if schedule == "warm-up":
        return functools.partial(warmup, eps=lr, steps=max(1, steps // 10))
    raise ValueError(f"schedule must be one of {', '.join(map(repr, SCHEDULES))}, got {schedule!r}")


def minibatch_gradients(problem: LogisticRegression, batch_size: int, seed: int) -> Callable[[Any], Any]:
    """A ``grad_fn`` whose every call returns the gradient on the next minibatch.

    The minibatches come from :func:`course.optim.minibatches`: the examples
    are shuffled and cut into batches of ``batch_size``, epoch after epoch.
    """
    rng = np.random.default_rng(seed)

    def epochs() -> Iterator[np.ndarray]:
        while True:
            yield from minibatches(problem.n_samples, batch_size, rng)

    batches = epochs()
    return lambda theta: problem.minibatch_grad(theta, next(batches))


def sgd_explorer(
    lr: float = 0.5, schedule: str = "constant", batch_size: int = 8, steps: int = 200, seed: int = 0
) -> Explorer:
    """Minibatch SGD θ ← θ − ε_k g on logistic regression, under a learning-rate schedule.

    Left: the gap f(θ_k) − f* of minibatch SGD (m examples per step), and of
    full-batch gradient descent with the same ε_k for comparison. Right: the
    schedule ε_k. The data (N = 512, two features) and the minibatches are
    fixed by ``seed``.

    Controls: ``"lr"`` (ε, log scale), ``"schedule"`` (``"constant"``,
    ``"linear decay"``, ``"warm-up"``), ``"batch_size"`` (m = 1, 2, 4, …, 256).
    """
    steps = check.integer("steps", steps, minimum=1)
    problem = logistic_regression(n_samples=512, n_features=2, seed=seed)
    optimum = float(problem.value(asarray(problem.minimizer)))
    theta0 = asarray(np.zeros(problem.dim))
    k = np.arange(steps)

    def draw(lr: float, schedule: str, batch_size: int) -> Figure:
        rate = learning_rate(schedule, lr, steps)
        runs = {
            f"minibatch SGD, m = {batch_size}": run(
                SGD(rate), problem, theta0, steps, grad_fn=minibatch_gradients(problem, batch_size, seed)
            ),
            "full-batch gradient descent": run(SGD(rate), problem, theta0, steps),
        }
        colors = colors_for(list(runs))
        fig, (left, right) = new_figure(2)
        loss_curves(left, runs, optimum=optimum, colors=colors,
                    styles={"full-batch gradient descent": {"linestyle": "--", "linewidth": 1.2}})
        left.set_title(f"logistic regression (N = {problem.n_samples}): {schedule} ε = {lr:.3g}")
        for name in SCHEDULES:
            rates = learning_rate(name, lr, steps)
            eps = [rates(i) for i in k] if callable(rates) else np.full(steps, rates)
            chosen = name == schedule
            right.plot(k, eps, label=name, color="tab:blue" if chosen else "grey",
                       linewidth=2.2 if chosen else 1.0, alpha=1.0 if chosen else 0.4)
        right.set_ylim(bottom=0)
        right.set_xlabel("step k")
        right.set_ylabel("learning rate ε_k")
        right.set_title("learning-rate schedules (chosen in blue)")
        right.grid(True, alpha=0.3)
        right.legend(fontsize=8)
        return fig

    return Explorer(
        {
            "lr": log_slider("learning rate ε", lr, 1e-3, 10.0),
            "schedule": choice("schedule", schedule, SCHEDULES),
            "batch_size": options_slider("batch size m", batch_size, BATCH_SIZES),
        },
        draw,
    )


def minibatch_estimates(
    problem: LogisticRegression, theta: Any, batch_size: int, samples: int, seed: int
) -> np.ndarray:
    """``samples`` minibatch gradients ĝ at ``theta``, one per row, from successive minibatches."""
    rng = np.random.default_rng(seed)
    estimates: list[np.ndarray] = []
    while len(estimates) < samples:
        for idx in minibatches(problem.n_samples, batch_size, rng):
            estimates.append(to_numpy(problem.minibatch_grad(theta, idx)))
            if len(estimates) == samples:
                break
    return np.stack(estimates)


def batch_size_explorer(batch_size: int = 4, samples: int = 200, seed: int = 0) -> Explorer:
    """The spread of minibatch gradient estimates shrinks like σ/√m.

    At the fixed point θ = 0 of logistic regression (N = 4096), ``samples``
    minibatch gradients ĝ are drawn for every m = 1, 2, 4, …, 256. Left: the
    first two components of the estimates for the chosen m, around the full
    gradient ∇f(θ). Right: their spread √(mean ‖ĝ − ∇f(θ)‖²) against m on
    log–log axes, with the line σ/√m, σ being the spread of single-example
    gradients over the whole data set.

    Controls: ``"batch_size"`` (m = 1, 2, 4, …, 256).
    """
    samples = check.integer("samples", samples, minimum=2)
    problem = logistic_regression(n_samples=4096, n_features=2, seed=seed)
    theta = asarray(np.zeros(problem.dim))
    full = to_numpy(problem.grad(theta))
    singles = np.stack([to_numpy(problem.minibatch_grad(theta, np.array([i]))) for i in range(problem.n_samples)])
    sigma = float(np.sqrt(np.mean(np.sum((singles - full) ** 2, axis=1))))
    estimates = {m: minibatch_estimates(problem, theta, m, samples, seed + m) for m in BATCH_SIZES}
    spreads = np.array([np.sqrt(np.mean(np.sum((estimates[m] - full) ** 2, axis=1))) for m in BATCH_SIZES])
    reach = 3.5 * np.std(estimates[1][:, :2], axis=0).max()
    ms = np.array(BATCH_SIZES, dtype=float)

    def draw(batch_size: int) -> Figure:
        fig, (left, right) = new_figure(2)
        cloud = estimates[batch_size]
        left.scatter(cloud[:, 0], cloud[:, 1], s=10, alpha=0.5, color="tab:blue",
                     label=f"{samples} minibatch gradients ĝ")
        left.plot(*full[:2], marker="+", markersize=24, markeredgewidth=2, color="black",
                  linestyle="none", label="full gradient ∇f(θ)")
        left.set_xlim(full[0] - reach, full[0] + reach)
        left.set_ylim(full[1] - reach, full[1] + reach)
        left.set_aspect("equal")
        left.set_xlabel("ĝ₁ = ∂f/∂θ₁ estimate")
        left.set_ylabel("ĝ₂ = ∂f/∂θ₂ estimate")
        left.set_title(f"minibatch gradients at θ = 0, m = {batch_size}")
        left.legend(loc="upper right", fontsize=8, markerscale=0.6)

        right.loglog(ms, sigma / np.sqrt(ms), color="grey", linestyle="--", label="σ/√m")
        right.loglog(ms, spreads, "o-", color="tab:blue", label="measured spread")
        current = BATCH_SIZES.index(batch_size)
        right.plot(ms[current], spreads[current], "o", markersize=14, markerfacecolor="none",
                   markeredgecolor="tab:red", markeredgewidth=2, label=f"m = {batch_size}")
        right.set_xscale("log", base=2)
        right.set_xticks(ms, [str(m) for m in BATCH_SIZES])
        levels = sigma / np.sqrt(ms[::2])  # σ, σ/2, σ/4, ...: one tick per 4× the batch
        right.set_yticks(levels, [f"{v:.2g}" for v in levels])
        right.xaxis.set_minor_locator(NullLocator())
        right.yaxis.set_minor_locator(NullLocator())
        right.set_xlabel("batch size m")
        right.set_ylabel("spread √(mean ‖ĝ − ∇f‖²)")
        right.set_title("the noise falls like 1/√m: 4× the batch, ½ the spread")
        right.grid(True, which="both", alpha=0.3)
        right.legend(fontsize=8)
        return fig

    return Explorer({"batch_size": options_slider("batch size m", batch_size, BATCH_SIZES)}, draw)
