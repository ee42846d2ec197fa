"""Lecture 03: minibatch SGD, learning-rate schedules, and small against large batches."""

from __future__ import annotations

import functools
from typing import Any, Callable, Iterator

import numpy as np
from matplotlib.ticker import NullLocator

from course import validation as check
from course.backend import asarray, to_numpy
from course.optim import (
    SGD, Trajectory, expected_sgd_loss, linear_decay, minibatches, run, sgd_noise_floor, steps_to_target, warmup,
)
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


# --- small against large batches: the noisy quadratic model -------------------------

#: The noisy quadratic model of :func:`batch_size_explorer`: eigenvalues λᵢ of the Hessian,
#: per-example gradient variances cᵢ = λᵢ (noise shaped like the curvature), start θᵢ = 1.
NQM_LAMS = np.geomspace(0.01, 1.0, 20)
NQM_NOISE = NQM_LAMS.copy()
NQM_START = np.ones(20)
#: The target: 1 % of the starting excess loss.
NQM_TARGET = 0.01 * 0.5 * float(np.sum(NQM_LAMS * NQM_START**2))
NQM_BATCHES = tuple(2**i for i in range(13))  # 1, 2, 4, ..., 4096
NQM_MAX_STEPS = 10**6
RULES = {"the same ε for every m": "same", "ε ∝ m (linear scaling)": "linear", "ε ∝ √m": "sqrt"}


def scaled_lr(rule: str, lr: float, batch_size: int) -> float:
    """The learning rate for batch size m under ``rule``, from ε₁ = ``lr`` at m = 1:
    ε₁ (``"same"``), ε₁ m (``"linear"``) or ε₁ √m (``"sqrt"``)."""
    factors = {"same": 1.0, "linear": float(batch_size), "sqrt": float(np.sqrt(batch_size))}
    if rule not in factors:
        raise ValueError(f"rule must be one of {', '.join(map(repr, factors))}, got {rule!r}")
    return lr * factors[rule]


def nqm_steps(lr: float, batch_size: int) -> float:
    """Steps for SGD to bring the model's expected excess loss to :data:`NQM_TARGET` (inf: never)."""
    return steps_to_target(NQM_LAMS, NQM_NOISE, NQM_START, lr, batch_size, NQM_TARGET, NQM_MAX_STEPS)


def best_steps(batch_size: int, rates: np.ndarray) -> tuple[float, float]:
    """(fewest steps to the target over the constant rates ``rates``, the rate that takes them)."""
    found = [nqm_steps(float(lr), batch_size) for lr in rates]
    i = int(np.argmin(found))
    return found[i], float(rates[i])


def batch_size_explorer(batch_size: int = 16, rule: str = "linear", lr: float = 0.01) -> Explorer:
    """Small against large batches: steps and examples SGD needs, and how to scale ε with m.

    The noisy quadratic model (:mod:`course.optim.noise`): f(θ) = ½ Σᵢ λᵢ θᵢ² with 20
    eigenvalues from 0.01 to 1, and minibatch gradients whose noise along eigenvector i
    has variance λᵢ/m. SGD with a constant ε settles at a floor of about ε Σ λᵢ / (4m);
    the curves are the exact expected loss (:func:`course.optim.expected_sgd_loss`),
    the mean over infinitely many runs. Left: E f(θ_k) − f* against the step k for the
    chosen m and, thin, for m = 1 under the same rule, with the 1 % target and the
    floor. Right: the steps and the examples (m × steps) needed to reach the target,
    for every m under the chosen rule, next to the best constant ε for each m (grey):
    below a critical batch size, doubling m halves the steps for the same examples
    (ε ∝ m); beyond it ε meets the curvature limit 2/λ_max = 2, the steps stop falling
    and the examples grow.

    Controls: ``"batch_size"`` (m = 1, 2, 4, …, 4096), ``"rule"`` (``"same"``, ``"linear"``,
    ``"sqrt"``), ``"lr"`` (ε₁, the rate at m = 1, log scale).
    """
    scaled_lr(rule, check.positive("lr", lr), 1)  # names a bad rule
    ms = np.array(NQM_BATCHES, dtype=float)
    best = [best_steps(m, np.geomspace(1e-3, 1.99, 40)) for m in NQM_BATCHES]
    best_s = np.array([b[0] for b in best])
    k = np.unique(np.geomspace(1, NQM_MAX_STEPS, 300).astype(np.int64))

    @functools.lru_cache(maxsize=256)
    def rule_steps(rule: str, lr: float) -> np.ndarray:
        return np.array([nqm_steps(scaled_lr(rule, lr, m), m) for m in NQM_BATCHES])

    def curve(rule: str, lr: float, m: int) -> tuple[np.ndarray, np.ndarray]:
        """(k, E f(θ_k) − f*) up to where a diverging run leaves the axes."""
        eps = scaled_lr(rule, lr, m)
        with np.errstate(over="ignore", invalid="ignore"):
            values = to_numpy(expected_sgd_loss(NQM_LAMS, NQM_NOISE, NQM_START, eps, m, k))
        inside = np.isfinite(values) & (values < 1e3)
        shown = len(values) if inside.all() else int(np.argmin(inside))
        return k[:shown], values[:shown]

    fig, (left, right) = new_figure(2)
    (chosen,) = left.loglog([], [], color="tab:blue", linewidth=2.2, label="chosen m", animated=True)
    (single,) = left.loglog([], [], color="tab:blue", linewidth=0.9, alpha=0.5, label="m = 1, same rule",
                            animated=True)
    (floor_line,) = left.plot([], [], color="tab:blue", linestyle="--", linewidth=1,
                              label=r"noise floor $\approx \varepsilon\sum_i\lambda_i/(4m)$", animated=True)
    left.axhline(NQM_TARGET, color="tab:green", linestyle=":", linewidth=1.5, label="target: 1 % of the start")
    left.set_xlim(1, NQM_MAX_STEPS)
    left.set_ylim(1e-4, 10)
    left.set_xlabel("step $k$")
    left.set_ylabel(r"expected excess loss $\mathbb{E} f(\theta_k) - f^*$")
    left.title.set_animated(True)
    left.grid(True, which="major", alpha=0.3)
    left.legend(loc="lower left", fontsize=8)

    right.loglog(ms, best_s, color="grey", linewidth=1, marker=".", label="steps, best constant ε for each m")
    right.loglog(ms, best_s * ms, color="grey", linewidth=1, linestyle="--", marker=".",
                 label="examples, best constant ε for each m")
    (rule_line,) = right.loglog([], [], "o-", color="tab:orange", label="steps, chosen rule", animated=True)
    (examples_line,) = right.loglog([], [], "s--", color="tab:purple", markersize=4,
                                    label="examples (m × steps), chosen rule", animated=True)
    (current,) = right.plot([], [], "o", markersize=14, markerfacecolor="none", markeredgecolor="black",
                            markeredgewidth=2, animated=True)
    right.set_xscale("log", base=2)
    right.set_xticks(ms[::2], [str(m) for m in NQM_BATCHES[::2]])
    right.xaxis.set_minor_locator(NullLocator())
    right.set_xlim(0.7, 6000)
    right.set_ylim(5, 1e6)
    right.set_xlabel("batch size $m$")
    right.set_ylabel("to reach the target")
    right.set_title("steps (≈ time) and examples (work)")
    right.grid(True, which="major", alpha=0.3)
    right.legend(loc="upper right", fontsize=7)

    def update(batch_size: int, rule: str, lr: float) -> None:
        eps = scaled_lr(rule, lr, batch_size)
        chosen.set_data(*curve(rule, lr, batch_size))
        single.set_data(*curve(rule, lr, 1))
        floor = sum(sgd_noise_floor(float(l), eps, float(np.sqrt(c)), batch_size) for l, c in zip(NQM_LAMS, NQM_NOISE))
        floor_line.set_data(*(([1, NQM_MAX_STEPS], [floor, floor]) if np.isfinite(floor) else ([], [])))
        steps = rule_steps(rule, lr)
        reached = np.isfinite(steps)  # where the target is reached (not: diverges, or a floor above it)
        rule_line.set_data(ms[reached], steps[reached])
        examples_line.set_data(ms[reached], steps[reached] * ms[reached])
        i = NQM_BATCHES.index(batch_size)
        current.set_data(*((ms[i:i + 1], steps[i:i + 1]) if reached[i] else ([], [])))
        if eps * NQM_LAMS.max() >= 2:
            verdict = f"diverges: ε ≥ 2/λ_max = {2 / NQM_LAMS.max():.3g}"
        elif not np.isfinite(steps[i]):
            verdict = "the floor lies above the target"
        else:
            verdict = f"{steps[i]:.0f} steps, {steps[i] * batch_size:.3g} examples"
        left.title.set_text(f"m = {batch_size}, ε = {eps:.3g}: {verdict}")

    return Explorer(
        {"batch_size": options_slider("batch size m", batch_size, NQM_BATCHES),
         "rule": choice("learning rate", rule, RULES),
         "lr": log_slider("ε₁ (the rate at m = 1)", lr, 1e-3, 0.1)},
        fig, update,
    )
