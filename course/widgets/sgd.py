"""Lecture 03: minibatch SGD, learning-rate schedules, and the noise of minibatch gradients."""

from __future__ import annotations

import functools
from typing import Any, Callable, Iterator

import numpy as np
from matplotlib.ticker import NullLocator

from course import validation as check
from course.backend import asarray, to_numpy
from course.optim import SGD, Trajectory, linear_decay, minibatches, run, warmup
from course.plotting import DivergenceNote, LossLine, colors_for, loss_axes, new_figure
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


#: The gap f(θ_k) − f* on the loss axis of :func:`sgd_explorer`: from f(0) − f* ≈ 0.5,
#: above it for the first steps of a large rate, down to a well-converged run.
SGD_GAPS = (1e-7, 10.0)


def sgd_explorer(
    lr: float = 0.5, schedule: str = "constant", batch_size: int = 8, steps: int = 200, seed: int = 0
) -> Explorer:
    """Minibatch SGD θ ← θ − ε_k g on logistic regression, under a learning-rate schedule.

    Left: the gap f(θ_k) − f* of minibatch SGD (m examples per step), and of
    full-batch gradient descent with the same ε_k for comparison. Right: the
    three schedules relative to their peak ε, the chosen one in bold. The data
    (N = 512, two features) and the minibatches are fixed by ``seed``. Rates
    up to 100 are offered: around ε = 20 a constant rate overshoots in its
    first steps, where a warm-up does not.

    Controls: ``"lr"`` (ε, log scale), ``"schedule"`` (``"constant"``,
    ``"linear decay"``, ``"warm-up"``), ``"batch_size"`` (m = 1, 2, 4, …, 256).
    """
    steps = check.integer("steps", steps, minimum=1)
    learning_rate(schedule, check.positive("lr", lr), steps)  # names a bad schedule
    problem = logistic_regression(n_samples=512, n_features=2, seed=seed)
    optimum = float(problem.value(asarray(problem.minimizer)))
    theta0 = asarray(np.zeros(problem.dim))
    k = np.arange(steps)

    @functools.lru_cache(maxsize=512)
    def full_batch(lr: float, schedule: str) -> Trajectory:
        return run(SGD(learning_rate(schedule, lr, steps)), problem, theta0, steps)

    @functools.lru_cache(maxsize=512)
    def minibatch(lr: float, schedule: str, batch_size: int) -> Trajectory:
        return run(SGD(learning_rate(schedule, lr, steps)), problem, theta0, steps,
                   grad_fn=minibatch_gradients(problem, batch_size, seed))

    fig, (left, right) = new_figure(2)
    names = ("minibatch SGD", "full-batch gradient descent")
    colors = colors_for(names)
    sgd_loss = LossLine(left, f"{names[0]} (batch size m)", colors[names[0]], optimum, animated=True)
    gd_loss = LossLine(left, names[1], colors[names[1]], optimum, animated=True, linestyle="--", linewidth=1.2)
    left.set_xlim(0, steps)
    left.set_ylim(*SGD_GAPS)
    loss_axes(left, optimum=True)
    left.set_ylabel(rf"logistic regression (N = {problem.n_samples}): $f(\theta_k) - f^*$")
    left.title.set_animated(True)
    left.legend(loc="upper right", fontsize=8)
    note = DivergenceNote(left, animated=True)

    schedule_colors = colors_for(list(SCHEDULES))
    relative = {
        name: right.plot(k, _relative_rates(name, steps), color=schedule_colors[name], label=name,
                         animated=True)[0]
        for name in SCHEDULES
    }
    right.set_xlim(0, steps)
    right.set_ylim(0, 1.08)
    right.set_xlabel("step $k$")
    right.set_ylabel(r"$\varepsilon_k / \varepsilon$")
    right.set_title("learning-rate schedules (chosen: bold)")
    right.grid(True, alpha=0.3)
    right.legend(loc="center right", fontsize=8)

    def update(lr: float, schedule: str, batch_size: int) -> None:
        runs = {f"minibatch SGD, m = {batch_size}": minibatch(lr, schedule, batch_size),
                names[1]: full_batch(lr, schedule)}
        sgd_loss.show(runs[f"minibatch SGD, m = {batch_size}"])
        gd_loss.show(runs[names[1]])
        note.show(runs)
        left.title.set_text(f"{schedule}, ε = {lr:.3g}, m = {batch_size}")
        for name, line in relative.items():
            chosen = name == schedule
            line.set_linewidth(2.6 if chosen else 1.0)
            line.set_linestyle("-" if chosen else "--")
            line.set_alpha(1.0 if chosen else 0.6)

    return Explorer(
        {
            "lr": log_slider("learning rate ε", lr, 1e-3, 100.0),
            "schedule": choice("schedule", schedule, SCHEDULES),
            "batch_size": options_slider("batch size m", batch_size, BATCH_SIZES),
        },
        fig,
        update,
    )


def _relative_rates(schedule: str, steps: int) -> np.ndarray:
    """ε_k / ε for k = 0, …, steps − 1 under ``schedule`` (its shape does not depend on ε)."""
    rates = learning_rate(schedule, 1.0, steps)
    return np.array([rates(i) for i in range(steps)]) if callable(rates) else np.full(steps, rates)


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

    fig, (left, right) = new_figure(2)
    cloud = left.scatter([], [], s=10, alpha=0.5, color="tab:blue", label=f"{samples} minibatch gradients ĝ",
                         animated=True)
    left.plot(*full[:2], marker="+", markersize=24, markeredgewidth=2, color="black",
              linestyle="none", label=r"full gradient $\nabla f(\theta)$")
    left.set_xlim(full[0] - reach, full[0] + reach)
    left.set_ylim(full[1] - reach, full[1] + reach)
    left.set_aspect("equal")
    left.set_xlabel(r"$\hat g_1$, estimate of $\partial f/\partial\theta_1$")
    left.set_ylabel(r"$\hat g_2$, estimate of $\partial f/\partial\theta_2$")
    left.title.set_animated(True)
    left.legend(loc="upper right", fontsize=8, markerscale=0.6)

    right.loglog(ms, sigma / np.sqrt(ms), color="grey", linestyle="--", label=r"$\sigma/\sqrt{m}$")
    right.loglog(ms, spreads, "o-", color="tab:blue", label="measured spread")
    (current,) = right.plot([], [], "o", markersize=14, markerfacecolor="none", markeredgecolor="tab:red",
                            markeredgewidth=2, label="chosen m", animated=True)
    right.set_xscale("log", base=2)
    right.set_xticks(ms, [str(m) for m in BATCH_SIZES])
    levels = sigma / np.sqrt(ms[::2])  # σ, σ/2, σ/4, ...: one tick per 4× the batch
    right.set_yticks(levels, [f"{v:.2g}" for v in levels])
    right.xaxis.set_minor_locator(NullLocator())
    right.yaxis.set_minor_locator(NullLocator())
    right.set_xlabel("batch size $m$")
    right.set_ylabel(r"spread $\sqrt{\mathrm{mean}\,\|\hat g - \nabla f\|^2}$")
    right.set_title("the noise falls like 1/√m: 4× the batch, ½ the spread")
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8)

    def update(batch_size: int) -> None:
        cloud.set_offsets(estimates[batch_size][:, :2])
        left.title.set_text(f"minibatch gradients at θ = 0, m = {batch_size}")
        i = BATCH_SIZES.index(batch_size)
        current.set_data(ms[i:i + 1], spreads[i:i + 1])

    return Explorer({"batch_size": options_slider("batch size m", batch_size, BATCH_SIZES)}, fig, update)
