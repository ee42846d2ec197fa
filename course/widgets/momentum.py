"""Lecture 04: momentum's speed on a slope, the three methods in a narrow valley (with
gradient noise), and the rate of momentum on a quadratic."""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Any, Callable

import numpy as np
from matplotlib.figure import Figure

from course import validation as check
from course.backend import asarray
from course.optim import (
    SGD, Momentum, Nesterov, Trajectory, largest_stable_momentum_lr, momentum_rate, optimal_gradient_descent,
    optimal_momentum, run, stationary_loss,
)
from course.plotting import (
    PALETTE, DivergenceNote, LossLine, PathLine, colors_for, contours, log_scale, loss_axes, new_figure,
)
from course.problems import Quadratic
from course.widgets.explorer import Explorer, choice, linear_slider
from course.widgets.sgd import learning_rate

#: Start and plotting window of the valley: far out along its flat direction.
VALLEY_START = (-9.0, 2.0)
VALLEY_WINDOW = ((-10.0, 10.0), (-4.5, 4.5))
#: Eigenvalues of the valley's Hessian: λ_min and λ_max.
VALLEY_CURVATURES = (0.2, 4.0)
#: The loss axis of the valley's runs: from f(θ₀) ≈ 16 down to a converged run,
#: and up to where run() declares divergence.
VALLEY_LOSSES = (1e-10, 1e9)
#: The loss axis with gradient noise: around the noise floors (f(θ₀) ≈ 16 at the top).
NOISY_LOSSES = (1e-4, 1e2)
METHODS = ("gradient descent", "momentum", "Nesterov")
#: The learning-rate schedules of :func:`momentum_explorer` (see course.widgets.sgd.learning_rate).
SCHEDULES = {"constant": "constant", "decaying": "linear decay"}
#: Seed of the gradient noise of :func:`momentum_explorer`: one sequence for every setting.
NOISE_SEED = 0


def valley() -> Quadratic:
    """The ill-conditioned quadratic f(θ) = 0.1 θ₁² + 2 θ₂² = ½ θᵀ diag(0.2, 4) θ.

    Eigenvalues 0.2 and 4 (condition number 20): gradient descent diverges for
    ε > 2/4 = 0.5 and zig-zags across the valley for ε > 1/4.
    """
    return Quadratic(asarray(np.diag(VALLEY_CURVATURES)), name="f(θ) = 0.1 θ₁² + 2 θ₂²")


class NoisyGradient:
    """``grad_fn`` of a run with gradient noise: call k returns ∇f(x) + σ ξ_k.

    ξ₀, ξ₁, … are a fixed sequence of standard normal arrays (``noise[k]``), the
    same for every σ and every method, so that runs compare like with like.
    Each optimizer of the course calls ``grad_fn`` once per step (Nesterov at its
    look-ahead point), so ξ_k is the noise of step k.
    """

    def __init__(self, grad: Callable[[Any], Any], sigma: float, noise: Any) -> None:
        self.grad, self.sigma, self.noise, self.calls = grad, sigma, noise, 0

    def __call__(self, x: Any) -> Any:
        g = self.grad(x) + self.sigma * self.noise[self.calls]
        self.calls += 1
        return g


class ValleyEnsemble:
    """:func:`valley` for ``runs`` independent copies at once: θ has one row (θ₁, θ₂) per
    copy, ``grad`` is each copy's own gradient and ``value`` the mean of f over the
    copies (an estimate of E f(θ_k) when each copy sees its own gradient noise)."""

    dim = 2
    name = "f(θ) = 0.1 θ₁² + 2 θ₂²"
    minimizer = np.zeros(2)

    def __init__(self) -> None:
        self.curvatures = asarray(VALLEY_CURVATURES)

    def value(self, x: Any) -> Any:
        terms = self.curvatures * x * x  # NumPy's and CuPy's own sum: no namespace lookup per call
        return 0.5 * terms.sum() / (terms.size // 2)

    def grad(self, x: Any) -> Any:
        return self.curvatures * x


#: Copies of each run of :func:`momentum_explorer` with gradient noise, each with its own
#: noise: the loss curves are their mean, and their last iterates show the spread.
NOISY_RUNS = 32


def momentum_explorer(lr: float = 0.1, alpha: float = 0.9, sigma: float = 0.0, schedule: str = "constant",
                      steps: int = 200) -> Explorer:
    """Gradient descent, momentum and Nesterov momentum on :func:`valley`, from (−9, 2).

    Left: the iterates over the contours of f. Right: f(θ_k) per step (log
    scale). Momentum (v ← αv − εg; θ ← θ + v) builds up speed along the flat
    θ₁ direction, where plain gradient descent crawls; Nesterov takes the
    gradient at the look-ahead point θ + αv, which damps the oscillation.

    With gradient noise (σ > 0) every step sees ∇f(θ) + σξ_k, ξ_k standard
    normal. Each method then runs :data:`NOISY_RUNS` times from the same start,
    each copy with its own noise (a fixed seeded sequence, the same for every
    setting): the path drawn is the first copy's, the dots are where all copies
    ended, and the loss curve is the mean of f over the copies. At a constant ε
    each method settles at a noise floor, drawn dashed: the stationary E f(θ) of
    its linear iteration (:func:`noise_floor`), about εσ²/(2(1 − α)) here, since
    ελ is small. The decaying schedule (linear to ε/100 at ¾ of the steps, as in
    lecture 03) brings the floors down with ε.

    Controls: ``"lr"`` (ε in steps of 0.005, so that the stability limits
    0.375, 0.5 and 0.75 of the lecture can be reached), ``"alpha"`` (α in
    [0, 0.99]), ``"sigma"`` (σ in [0, 3]), ``"schedule"`` (``"constant"`` or
    ``"decaying"``).
    """
    steps = check.integer("steps", steps, minimum=1)
    check.unit_interval("alpha", alpha)
    check.positive("lr", lr)
    check.non_negative("sigma", sigma)
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(map(repr, SCHEDULES))}, got {schedule!r}")
    problem, ensemble = valley(), ValleyEnsemble()
    theta0 = asarray(VALLEY_START)
    starts = asarray(np.tile(VALLEY_START, (NOISY_RUNS, 1)))
    noise = asarray(np.random.default_rng(NOISE_SEED).standard_normal((steps, NOISY_RUNS, 2)))

    @functools.lru_cache(maxsize=512)
    def runs(lr: float, alpha: float, sigma: float, schedule: str) -> dict[str, Trajectory]:
        rate = learning_rate(SCHEDULES[schedule], lr, steps)
        optimizers = (SGD(rate), Momentum(rate, alpha), Nesterov(rate, alpha))
        if not sigma:  # one copy (the ensemble's problem skips Quadratic's input checks: 4× faster)
            return {name: run(optimizer, ensemble, theta0, steps) for name, optimizer in zip(METHODS, optimizers)}
        return {name: run(optimizer, ensemble, starts, steps, grad_fn=NoisyGradient(ensemble.grad, sigma, noise))
                for name, optimizer in zip(METHODS, optimizers)}

    fig, (left, right) = new_figure(2, width=5.4, height=4.0, width_ratios=(1.6, 1))
    contours(left, problem, *VALLEY_WINDOW, levels=12, log=False)
    left.set_aspect("equal")
    left.title.set_animated(True)
    colors = colors_for(METHODS)
    paths = {name: PathLine(left, name, colors[name], animated=True) for name in METHODS}
    clouds = {name: left.scatter([], [], s=9, color=colors[name], alpha=0.6, zorder=4, animated=True)
              for name in METHODS}
    losses = {name: LossLine(right, name, colors[name], animated=True) for name in METHODS}
    floors = {name: right.plot([], [], color=colors[name], linestyle="--", linewidth=1.0, alpha=0.8,
                               animated=True)[0] for name in METHODS}
    right.plot([], [], color="grey", linestyle="--", linewidth=1.0, label="noise floor at ε_k (theory)")
    floor_steps = np.unique(np.linspace(0, steps, 21).round().astype(int))

    @functools.lru_cache(maxsize=512)
    def floor_curves(lr: float, alpha: float, schedule: str) -> dict[str, np.ndarray]:
        """The noise floor at the rate ε_k of each step of ``floor_steps``, for σ = 1 (it grows like σ²)."""
        rate = learning_rate(SCHEDULES[schedule], lr, steps)
        rates_k = [rate(k) if callable(rate) else rate for k in floor_steps]
        return {name: np.array([noise_floor(e, 0.0 if name == "gradient descent" else alpha, 1.0,
                                            name == "Nesterov") for e in rates_k]) for name in METHODS}
    right.set_xlim(0, steps)
    right.set_ylim(*VALLEY_LOSSES)
    loss_axes(right)
    right.title.set_animated(True)
    right.legend(loc="upper right", fontsize=8)
    note = DivergenceNote(right, animated=True)

    def update(lr: float, alpha: float, sigma: float, schedule: str) -> None:
        trajectories = runs(lr, alpha, sigma, schedule)
        for name, trajectory in trajectories.items():
            iterates = trajectory.iterates
            paths[name].show(dataclasses.replace(trajectory, iterates=iterates[:, 0]) if sigma else trajectory)
            clouds[name].set_offsets(iterates[-1] if sigma else np.empty((0, 2)))
            losses[name].show(trajectory)
        note.show(trajectories)
        for name, levels in floor_curves(lr, alpha, schedule).items():
            shown = bool(sigma) and bool(np.all(np.isfinite(levels)))
            floors[name].set_data(floor_steps, sigma**2 * levels if shown else np.ones(len(floor_steps)))
            floors[name].set_visible(shown)
        noisy = f", σ = {sigma:.2g}" if sigma else ""
        left.title.set_text(f"{problem.name}: ε = {lr:.3g} ({schedule}), α = {alpha:.2f}{noisy}")
        right.title.set_text(f"mean loss of {NOISY_RUNS} noisy runs" if sigma else "loss per step")
        limits = NOISY_LOSSES if sigma else VALLEY_LOSSES
        if right.get_ylim() != limits:  # only when noise is switched on or off: a whole redraw
            right.set_ylim(*limits)

    return Explorer(
        {
            "lr": linear_slider("learning rate ε", lr, 0.005, 1.0, 0.005),
            "alpha": linear_slider("momentum α", alpha, 0.0, 0.99, 0.01),
            "sigma": linear_slider("gradient noise σ", sigma, 0.0, 3.0, 0.1),
            "schedule": choice("learning rate", schedule, {name: name for name in SCHEDULES}),
        },
        fig,
        update,
    )


def noise_floor(lr: float, alpha: float, sigma: float, nesterov: bool = False) -> float:
    """The stationary E f(θ) of momentum (α = 0: gradient descent) on :func:`valley` with
    gradient noise σ per coordinate: the sum of :func:`course.optim.stationary_loss`
    over its two eigen-directions (``inf`` if the run diverges, 0 without noise)."""
    if sigma == 0:
        return 0.0
    return sum(stationary_loss(lam, lr, alpha, sigma, nesterov) for lam in VALLEY_CURVATURES)


# --- Terminal velocity: a long slope into a bowl ------------------------------------


#: Where the runs of :func:`terminal_velocity_explorer` start, high on the slope.
SLOPE_START = 30.0


def slope_run(lr: float, alpha: float, steps: int) -> np.ndarray:
    """θ₀, θ₁, …, θ_steps of Algorithm 8.2 (α = 0: gradient descent) from θ₀ = :data:`SLOPE_START`
    on the Huber function f(θ) = ½θ² for |θ| ≤ 1, |θ| − ½ beyond: a bowl at the foot of two
    straight slopes, whose gradient is ±1 on the slopes (‖g‖ = 1) and θ in the bowl.

    One-dimensional, so a loop over Python floats: 300 steps in well under a millisecond.
    """
    theta, v, path = SLOPE_START, 0.0, [SLOPE_START]
    for _ in range(steps):
        v = alpha * v - lr * min(max(theta, -1.0), 1.0)
        theta += v
        path.append(theta)
    return np.array(path)


def terminal_velocity_explorer(lr: float = 0.1, alpha: float = 0.9, steps: int = 300) -> Explorer:
    """Momentum runs down a long slope (‖g‖ = 1) into a bowl: speed, arrival, overshoot.

    f is the slope of :func:`slope_run`, from θ₀ = 30. Left: θ_k of gradient descent and
    of momentum, the bowl |θ| ≤ 1 shaded. Right: the speed |v_k| = |θ_k − θ_{k−1}|
    (log scale) with the terminal velocity ε‖g‖/(1 − α) and gradient descent's
    step ε. On the slope the speed climbs to the terminal velocity in about
    1/(1 − α) steps; at the bottom the ball overshoots up the far slope, by more
    the larger α is, and rings (inside the bowl ελ = ε, so the swings shrink by √α
    per step once ε > (1 − √α)²). The box reports when each method first reaches
    the bowl and how far momentum overshoots: what the formula alone does not say.

    Controls: ``"lr"`` (ε in [0.01, 0.3]), ``"alpha"`` (α in [0, 0.99]).
    """
    steps = check.integer("steps", steps, minimum=1)
    check.unit_interval("alpha", alpha)
    check.positive("lr", lr)
    k = np.arange(steps + 1)
    position = functools.lru_cache(maxsize=1024)(functools.partial(slope_run, steps=steps))

    fig, (left, right) = new_figure(2, width=5.0, height=3.8)
    left.axhspan(-1, 1, color="gold", alpha=0.3, label="the bowl |θ| ≤ 1")
    left.axhline(0, color="grey", linewidth=0.8)
    (gd_line,) = left.plot([], [], color=PALETTE[0], linewidth=1.3, label="gradient descent", animated=True)
    (momentum_line,) = left.plot([], [], color=PALETTE[1], linewidth=1.5, label="momentum", animated=True)
    left.set_xlim(0, steps)
    left.set_ylim(-1.15 * SLOPE_START, 1.15 * SLOPE_START)
    left.set_xlabel("step $k$")
    left.set_ylabel(r"position $\theta_k$")
    left.set_title(f"down the slope from θ₀ = {SLOPE_START:g}")
    left.legend(loc="lower left", fontsize=8)
    report = left.text(0.98, 0.97, "", transform=left.transAxes, ha="right", va="top", fontsize=8.5,
                       animated=True, bbox=dict(boxstyle="round", facecolor="white", edgecolor="grey"))

    (gd_speed,) = right.plot([], [], color=PALETTE[0], linewidth=1.3, label=r"gradient descent: $\varepsilon\|g\|$",
                             animated=True)
    (speed,) = right.plot([], [], color=PALETTE[1], linewidth=1.5, label=r"momentum: speed $|v_k|$", animated=True)
    terminal = right.axhline(1.0, color="tab:red", linestyle="--", animated=True,
                             label=r"terminal velocity $\varepsilon\|g\|/(1-\alpha)$")
    right.set_xlim(0, steps)
    right.set_ylim(1e-4, 50)
    log_scale(right)
    right.set_xlabel("step $k$")
    right.set_ylabel(r"$|v_k| = |\theta_k - \theta_{k-1}|$")
    right.title.set_animated(True)
    right.grid(True, which="major", alpha=0.3)
    right.legend(loc="lower left", fontsize=8)

    def update(lr: float, alpha: float) -> None:
        gd, theta = position(lr, 0.0), position(lr, alpha)
        gd_line.set_data(k[:len(gd)], gd)
        momentum_line.set_data(k[:len(theta)], theta)
        gd_speed.set_data(k[1:len(gd)], np.abs(np.diff(gd)))
        speed.set_data(k[1:len(theta)], np.abs(np.diff(theta)))
        terminal.set_ydata([lr / (1 - alpha)] * 2)
        right.title.set_text(f"speed: terminal velocity ε/(1 − α) = {lr / (1 - alpha):.3g} = {1 / (1 - alpha):.3g} ε")
        report.set_text("\n".join([
            f"reaches the bowl at step: GD {_arrival(gd)}, momentum {_arrival(theta)}",
            f"momentum overshoots to θ = {theta.min():.3g}" if theta.min() < -1 else "momentum does not overshoot",
        ]))

    return Explorer(
        {
            "lr": linear_slider("learning rate ε", lr, 0.01, 0.3, 0.01),
            "alpha": linear_slider("momentum α", alpha, 0.0, 0.99, 0.01),
        },
        fig,
        update,
    )


def _arrival(theta: np.ndarray) -> str:
    """The first step at which |θ_k| ≤ 1, or "—" if the run never gets there."""
    inside = np.flatnonzero(np.abs(theta) <= 1)
    return str(int(inside[0])) if inside.size else "—"


# --- The rate of momentum on a quadratic ----------------------------------------------

#: The grid of the rate map of :func:`momentum_rate_explorer`: α across, ε up.
RATE_MAP_ALPHAS = np.linspace(0.0, 0.99, 100)
RATE_MAP_LRS = np.linspace(0.005, 1.0, 100)
#: The top of the rate map's ε axis.
RATE_MAP_TOP = 1.6
#: Rates at or above this are drawn as divergence.
RATE_CEILING = 1.0


def rates(lam: float, lrs: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """:func:`course.optim.momentum_rate` of curvature ``lam`` on the broadcast grid of ``lrs`` and ``alphas``."""
    lrs, alphas = np.broadcast_arrays(np.asarray(lrs, dtype=float), np.asarray(alphas, dtype=float))
    return np.array([momentum_rate(lam, float(e), float(a)) for e, a in zip(lrs.ravel(), alphas.ravel())]
                    ).reshape(lrs.shape)


def momentum_rate_explorer(lr: float = 0.1, alpha: float = 0.9, steps: int = 60) -> Explorer:
    """The rate of momentum on :func:`valley` (λ = 0.2 and 4), and the run it predicts.

    On f = ½λθ² momentum is the 2×2 linear map M = [[1 − ελ, α], [−ελ, α]] of
    (θ, v); the error shrinks like ρᵏ, ρ the spectral radius of M
    (:func:`course.optim.momentum_rate`). The valley has two such directions;
    the slower one sets the rate of the run.

    Top left: the rate max(ρ(λ_min), ρ(λ_max)) over the (α, ε) plane, with the
    stability limit ε = 2(1 + α)/λ_max, the two critical-damping curves
    ε = (1 − √α)²/λ_min and ε = (1 + √α)²/λ_max, the optimum (α*, ε*) where they
    cross (:func:`course.optim.optimal_momentum`), gradient descent's best
    constant step and the current setting. Top right: ρ(λ_min) and ρ(λ_max)
    against α at the current ε, above the floor √α. Bottom left: the run from
    (−9, 2), and the run at the optimum (grey). Bottom right: |θ₁| and |θ₂|
    per step (log scale) and the slopes ρᵏ the rates predict (dashed: C ρᵏ,
    C chosen so that the line just covers the run).

    Controls: ``"lr"`` (ε in [0.005, 1]), ``"alpha"`` (α in [0, 0.99]).
    """
    steps = check.integer("steps", steps, minimum=1)
    check.unit_interval("alpha", alpha)
    check.positive("lr", lr)
    lam_min, lam_max = VALLEY_CURVATURES
    problem = valley()
    theta0 = asarray(VALLEY_START)
    best_lr, best_alpha = optimal_momentum(lam_min, lam_max)
    gd_lr, gd_rate = optimal_gradient_descent(lam_min, lam_max)
    best_rate = math.sqrt(best_alpha)
    k = np.arange(steps + 1)

    @functools.lru_cache(maxsize=512)
    def trajectory(lr: float, alpha: float) -> Trajectory:
        return run(Momentum(lr, alpha), problem, theta0, steps)

    fig = Figure(figsize=(10.4, 7.6), layout="constrained")
    (rate_map, against_alpha), (path_axes, error_axes) = fig.subplots(2, 2)
    _draw_rate_map(rate_map)
    (current,) = rate_map.plot([], [], "o", markersize=9, markerfacecolor="none", markeredgecolor="tab:red",
                               markeredgewidth=2, label="your (α, ε)", animated=True)
    rate_map.legend(loc="upper left", fontsize=6.5, framealpha=0.9, handlelength=1.6, labelspacing=0.25)

    alphas = RATE_MAP_ALPHAS
    against_alpha.plot(alphas, np.sqrt(alphas), color="grey", linestyle=":", linewidth=2,
                       label=r"floor $\sqrt{\alpha}$ (complex eigenvalues)")
    against_alpha.axhline(RATE_CEILING, color="black", linewidth=0.8)
    names = {lam_min: f"flat θ₁ (λ = {lam_min:g})", lam_max: f"steep θ₂ (λ = {lam_max:g})"}
    colors = {lam_min: PALETTE[0], lam_max: PALETTE[1]}
    curves = {lam: against_alpha.plot([], [], color=colors[lam], linewidth=1.8, label=names[lam], animated=True)[0]
              for lam in names}
    dots = {lam: against_alpha.plot([], [], "o", color=colors[lam], markeredgecolor="black", animated=True)[0]
            for lam in names}
    marker = against_alpha.axvline(0.0, color="tab:red", linewidth=1.0, animated=True)
    against_alpha.set_xlim(0, 1)
    against_alpha.set_ylim(0, 1.3)
    against_alpha.set_xlabel("momentum α")
    against_alpha.set_ylabel(r"rate $\rho$ (error × ρ per step)")
    against_alpha.title.set_animated(True)
    against_alpha.grid(True, alpha=0.3)
    against_alpha.legend(loc="lower left", fontsize=8)

    contours(path_axes, problem, *VALLEY_WINDOW, levels=12, log=False)
    path_axes.set_aspect("equal")
    best = trajectory(best_lr, best_alpha)
    path_axes.plot(best.iterates[:, 0], best.iterates[:, 1], color="grey", linewidth=1.0, alpha=0.8,
                   label=f"optimum ε* = {best_lr:.3f}, α* = {best_alpha:.3f}")
    path = PathLine(path_axes, "momentum, your (α, ε)", "tab:red", animated=True)
    path_axes.title.set_animated(True)
    path_axes.legend(loc="lower right", fontsize=7.5)

    errors = {lam: error_axes.plot([], [], color=colors[lam], linewidth=1.5, marker="o", markersize=2.5,
                                   label=f"|θ{1 if lam == lam_min else 2}| ({names[lam].split(' (')[0]})",
                                   animated=True)[0]
              for lam in names}
    envelopes = {lam: error_axes.plot([], [], color=colors[lam], linestyle="--", linewidth=1.2, animated=True)[0]
                 for lam in names}
    error_axes.plot(k, abs(VALLEY_START[0]) * best_rate ** k, color="grey", linewidth=1.0,
                    label=f"optimum's rate {best_rate:.3f}ᵏ")
    error_axes.plot([], [], color="black", linestyle="--", linewidth=1.2, label=r"$C\rho^k$ predicted")
    error_axes.set_xlim(0, steps)
    error_axes.set_ylim(1e-10, 1e3)
    log_scale(error_axes)
    error_axes.set_xlabel("step $k$")
    error_axes.set_ylabel(r"distance to the minimum, $|\theta_{i,k}|$")
    error_axes.set_title("each direction shrinks like ρᵏ")
    error_axes.grid(True, which="major", alpha=0.3)
    error_axes.legend(loc="lower left", fontsize=7.5)

    def update(lr: float, alpha: float) -> None:
        rho = {lam: momentum_rate(lam, lr, alpha) for lam in names}
        current.set_data([alpha], [lr])
        for lam in names:
            curves[lam].set_data(alphas, rates(lam, lr, alphas))
            dots[lam].set_data([alpha], [rho[lam]])
        marker.set_xdata([alpha, alpha])
        worst = max(rho.values())
        verdict = "does not converge" if worst >= 1 else f"rate {worst:.3f}"
        against_alpha.title.set_text(f"ε = {lr:.3g}, α = {alpha:.2f}: {verdict}\n"
                                     f"flat θ₁ {rho[lam_min]:.3f}, steep θ₂ {rho[lam_max]:.3f}")
        run_ = trajectory(lr, alpha)
        path.show(run_)
        path_axes.title.set_text(f"the run: f after {run_.steps} steps = {run_.losses[-1]:.2g}")
        for i, lam in enumerate(names):
            size = np.abs(run_.iterates[:, i])
            errors[lam].set_data(k[:len(size)], size)
            envelope = _envelope(size, rho[lam])
            envelopes[lam].set_visible(envelope is not None)
            envelopes[lam].set_data(k[:len(size)], size if envelope is None else envelope)

    return Explorer(
        {
            "lr": linear_slider("learning rate ε", lr, 0.005, 1.0, 0.005),
            "alpha": linear_slider("momentum α", alpha, 0.0, 0.99, 0.01),
        },
        fig,
        update,
    )


def _envelope(size: np.ndarray, rho: float) -> np.ndarray | None:
    """C ρᵏ for k = 0, 1, … with the smallest C ≥ every |θ_k|/ρᵏ (None if ρ or the run is 0)."""
    k = np.arange(len(size))
    seen = size > 0
    if rho <= 0 or not seen.any():
        return None
    log_c = float(np.max(np.log(size[seen]) - k[seen] * math.log(rho)))
    return np.exp(log_c + k * math.log(rho))


def _draw_rate_map(ax: Any) -> None:
    """The rate of the valley over the (α, ε) plane, with its landmarks (drawn once)."""
    lam_min, lam_max = VALLEY_CURVATURES
    A, E = np.meshgrid(RATE_MAP_ALPHAS, RATE_MAP_LRS)
    worst = np.maximum(rates(lam_min, E, A), rates(lam_max, E, A))
    shown = np.ma.masked_greater_equal(worst, RATE_CEILING)
    ax.pcolormesh(A, E, shown, cmap="Greys", vmin=0.3, vmax=1.0, shading="auto")
    ax.set_facecolor("mistyrose")  # ρ ≥ 1: diverges
    levels = ax.contour(A, E, worst, levels=[0.7, 0.8, 0.9, 0.95], colors="0.3", linewidths=0.6)
    ax.clabel(levels, fontsize=7, fmt="ρ = %.2g")
    a = RATE_MAP_ALPHAS
    ax.plot(a, [largest_stable_momentum_lr(lam_max, x) for x in a], color="darkred", linewidth=1.5,
            label=r"stability limit $2(1+\alpha)/\lambda_{\max}$")
    ax.plot(a, (1 - np.sqrt(a)) ** 2 / lam_min, color=PALETTE[0], linestyle="--", linewidth=1.8,
            label=r"flat θ₁ critically damped: $(1-\sqrt{\alpha})^2/\lambda_{\min}$")
    ax.plot(a, (1 + np.sqrt(a)) ** 2 / lam_max, color=PALETTE[1], linestyle="--", linewidth=1.8,
            label=r"steep θ₂ critically damped: $(1+\sqrt{\alpha})^2/\lambda_{\max}$")
    best_lr, best_alpha = optimal_momentum(lam_min, lam_max)
    gd_lr, gd_rate = optimal_gradient_descent(lam_min, lam_max)
    ax.plot([best_alpha], [best_lr], marker="*", markersize=16, color="gold", markeredgecolor="black",
            linestyle="none", label=f"optimum: ρ = {math.sqrt(best_alpha):.3f}")
    ax.plot([0.0], [gd_lr], marker="D", markersize=8, color="white", markeredgecolor="black", linestyle="none",
            clip_on=False, label=f"best gradient descent: ρ = {gd_rate:.3f}")
    ax.set_xlim(0, RATE_MAP_ALPHAS[-1])
    ax.set_ylim(0, RATE_MAP_TOP)  # above ε = 1 everything diverges: room for the legend
    ax.set_xlabel("momentum α")
    ax.set_ylabel("learning rate ε")
    ax.set_title("rate of momentum on the valley\n(darker: slower; pink: diverges)")
