"""Lecture 06: exact line search, conjugate gradients, BFGS and Newton's method.

* :func:`zigzag_explorer`: steepest descent with exact line search on ½(x² + b y²)
  from (b, 1) or another start, its closed form, f_k = ρ²ᵏ f₀ (the Kantorovich bound,
  met from (b, 1)) and gradient descent with the best constant step;
* :func:`methods_explorer`: gradient descent, nonlinear CG, BFGS and Newton on a
  2-D quadratic and on Rosenbrock;
* :func:`cg_residual_explorer`: the residual of linear CG per iteration on an
  n-dimensional system, for spread or clustered eigenvalues;
* :func:`saddle_explorer`: Newton's method pulled into the saddle of (1 − w₁w₂)²,
  while gradient descent escapes.

Every run is computed by :mod:`course.secondorder` once per setting and cached;
what moves is drawn on animated artists over figures drawn once.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from course import validation as check
from course.plotting import colors_for, contours, log_scale, new_figure
from course.problems import Quadratic, rosenbrock, saddle
from course.secondorder import OptimizeResult, bfgs, conjugate_gradient, newton, nonlinear_cg, steepest_descent_exact
from course.widgets.explorer import Explorer, choice, linear_slider, log_slider, options_slider

# --- 1. The zig-zag of exact line search ------------------------------------------------

#: Window of the zig-zag: every start lies on the level set through (b, 1), inside it.
ZIGZAG_WINDOW = ((-1.5, 1.5), (-1.5, 1.5))
#: How many of the ellipses f = f_k (through the iterates) are drawn.
LEVELS = 8
#: The stops of the start slider: the ratio g_y/g_x = b y₀/x₀ of the gradient at the start
#: (1 is the start (b, 1)).
START_RATIOS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)


def zigzag_rho(b: float) -> float:
    """ρ = (b − 1)/(b + 1), the factor of the iterates of exact line search on ½(x² + b y²)."""
    return (b - 1) / (b + 1)


def zigzag_start(b: float, ratio: float) -> np.ndarray:
    """The start on the level set of ½(x² + b y²) through (b, 1) where the gradient (x, b y)
    has g_y/g_x = ``ratio``: (b, 1) itself for ratio 1."""
    if ratio == 1:
        return np.array([b, 1.0])
    scale = b * np.sqrt((1 + b) / (b + ratio**2))
    return np.array([scale, scale * ratio / b])


def _ellipse(f: float, b: float, points: int = 120) -> tuple[np.ndarray, np.ndarray]:
    """The level set ½(x² + b y²) = f."""
    t = np.linspace(0, 2 * np.pi, points)
    return np.sqrt(2 * f) * np.cos(t), np.sqrt(2 * f / b) * np.sin(t)


def zigzag_explorer(b: float = 0.2, start: float = 1.0, steps: int = 25) -> Explorer:
    """Steepest descent with exact line search on f = ½(x² + b y²), next to gradient
    descent with the best constant step ε* = 2/(λ_min + λ_max) = 2/(1 + b).

    Left: the iterates of exact line search (:func:`course.secondorder.steepest_descent_exact`)
    and of gradient descent with ε*, the ellipses f = f_k through the first iterates
    (each exact step ends where it touches one, so the next gradient is orthogonal to
    the last), and, from (b, 1), the closed-form points (b ρᵏ, (−ρ)ᵏ) with
    ρ = (b − 1)/(b + 1). Right: f_k per step on a log axis for both, and the
    Kantorovich bound ρ²ᵏ f₀ = ((κ − 1)/(κ + 1))²ᵏ f₀ of exact line search. From (b, 1),
    the worst start, exact line search *is* gradient descent with ε* and meets the bound;
    from any other start on the same ellipse it does better, by a constant factor per step.

    Controls: ``"b"`` (0.01 to 1 in steps of 0.01) and ``"start"``, the ratio
    g_y/g_x = b y₀/x₀ of the gradient at the start (:data:`START_RATIOS`; 1 is (b, 1)).
    """
    steps = check.integer("steps", steps, minimum=1)
    b = check.positive("b", b)
    if b > 1:
        raise ValueError(f"b must lie in (0, 1], got {b}")
    if start not in START_RATIOS:
        raise ValueError(f"start must be one of {', '.join(map(repr, START_RATIOS))}, got {start!r}")
    k = np.arange(steps + 1)

    @functools.lru_cache(maxsize=1024)
    def run(b: float, start: float) -> tuple[np.ndarray, np.ndarray]:
        """The iterates of exact line search and of gradient descent with ε* = 2/(1 + b)."""
        x0 = zigzag_start(b, start)
        exact = steepest_descent_exact(np.diag([1.0, b]), x0, steps).path
        eps = 2 / (1 + b)
        constant = x0 * (1 - eps * np.array([1.0, b])) ** k[:, None]
        return exact, constant

    fig, (left, right) = new_figure(2, width=5.0, height=4.4, width_ratios=(1.1, 1))
    left.set_xlim(*ZIGZAG_WINDOW[0])
    left.set_ylim(*ZIGZAG_WINDOW[1])
    left.set_aspect("equal")
    left.set_xlabel("$x$")
    left.set_ylabel("$y$")
    left.plot(0, 0, marker="*", markersize=14, color="gold", markeredgecolor="black", linestyle="none",
              label="minimum", zorder=5)
    levels = [left.plot([], [], color="0.75", linewidth=0.8, animated=True)[0] for _ in range(LEVELS)]
    (best,) = left.plot([], [], "x--", color="tab:green", markersize=5, linewidth=1.0, animated=True,
                        label=r"constant step $\varepsilon^* = 2/(1+b)$")
    (path,) = left.plot([], [], "o-", color="tab:blue", markersize=3.5, linewidth=1.3, animated=True,
                        label="exact line search")
    (closed,) = left.plot([], [], "o", markersize=8, markerfacecolor="none", markeredgecolor="tab:red",
                          animated=True, label=r"closed form $(b\rho^k, (-\rho)^k)$")
    left.legend(loc="lower left", fontsize=7, framealpha=1)
    left.title.set_animated(True)

    right.set_xlim(0, steps)
    right.set_ylim(1e-30, 2.0)
    log_scale(right)
    right.set_xlabel("step $k$")
    right.set_ylabel("$f(x_k, y_k)$")
    right.grid(True, alpha=0.3)
    (values,) = right.plot([], [], "o", color="tab:blue", markersize=4, animated=True,
                           label="$f_k$, exact line search")
    (best_values,) = right.plot([], [], "-", color="tab:green", linewidth=1.2, animated=True,
                                label=r"$f_k$, constant $\varepsilon^*$")
    (rate,) = right.plot([], [], "--", color="tab:red", animated=True,
                         label=r"bound $\rho^{2k} f_0$")
    right.legend(loc="upper right", fontsize=8)
    right.title.set_animated(True)

    def update(b: float, start: float) -> None:
        points, constant = run(b, start)
        rho = zigzag_rho(b)
        f = 0.5 * (points[:, 0] ** 2 + b * points[:, 1] ** 2)
        for line, level in zip(levels, f[:LEVELS]):
            line.set_data(*_ellipse(level, b))
        for line in levels[len(f):]:
            line.set_data([], [])
        path.set_data(points[:, 0], points[:, 1])
        best.set_data(constant[:, 0], constant[:, 1])
        shown = k[: len(points)] if start == 1 else k[:0]  # the closed form is that of the start (b, 1)
        closed.set_data(b * rho**shown, (-rho) ** shown)
        values.set_data(np.arange(len(f)), f)
        best_values.set_data(k, 0.5 * (constant[:, 0] ** 2 + b * constant[:, 1] ** 2))
        rate.set_data(k, rho ** (2 * k) * f[0])
        x0, y0 = points[0]
        left.title.set_text(f"½(x² + {b:.2f} y²) from ({x0:.3g}, {y0:.3g})")
        right.title.set_text(f"f₁/f₀ = {f[1] / f[0]:.3f};  bound ρ² = {rho * rho:.3f}")

    return Explorer(
        {"b": linear_slider("b", b, 0.01, 1.0, 0.01), "start": options_slider("start, g_y/g_x", start, START_RATIOS)},
        fig,
        update,
    )


# --- 2. Four methods on a quadratic and on Rosenbrock -----------------------------------

METHODS = ("gradient descent", "nonlinear CG", "BFGS", "Newton")
#: Iterations per run: enough for BFGS, CG and Newton; gradient descent stops there.
MAX_ITER = 200
PROBLEMS = {"quadratic ½(x² + b y²)": "quadratic", "Rosenbrock": "rosenbrock"}
STARTS = {  # label -> start on the quadratic and on Rosenbrock
    "A": ((-2.0, 1.5), (-1.2, 1.0)),
    "B": ((1.5, 2.0), (-0.5, 2.5)),
    "C": ((-0.3, -2.0), (1.8, 0.5)),
}
WINDOWS = {"quadratic": ((-2.5, 2.5), (-2.5, 2.5)), "rosenbrock": ((-2.0, 2.0), (-1.0, 3.0))}
#: The gap f − f* and ‖g‖ axes.
GAPS, NORMS = (1e-16, 1e3), (1e-10, 1e4)


def _objective(problem: str, b: float) -> Any:
    return Quadratic(np.diag([1.0, b])) if problem == "quadratic" else rosenbrock


def method_run(problem: str, b: float, start: str, method: str) -> OptimizeResult:
    """One method's run from the start ``start`` on ``problem`` (b only matters for the quadratic).

    Gradient descent is steepest descent with the same strong-Wolfe line search as
    nonlinear CG (nonlinear CG restarted at every step); Newton takes full steps.
    """
    objective = _objective(problem, b)
    x0 = np.array(STARTS[start][problem == "rosenbrock"])

    def f(x: np.ndarray) -> float:
        return float(objective.value(x))

    if method == "gradient descent":
        return nonlinear_cg(f, objective.grad, x0, restart=1, tol=1e-8, maxiter=MAX_ITER)
    if method == "nonlinear CG":
        return nonlinear_cg(f, objective.grad, x0, tol=1e-8, maxiter=MAX_ITER)
    if method == "BFGS":
        return bfgs(f, objective.grad, x0, tol=1e-8, maxiter=MAX_ITER)
    return newton(f, objective.grad, objective.hessian, x0, tol=1e-8, maxiter=50)


def methods_explorer(problem: str = "quadratic", b: float = 0.1, start: str = "A") -> Explorer:
    """Gradient descent, nonlinear CG (Polak–Ribière), BFGS and Newton side by side.

    Left: the iterates over the contours of ½(x² + b y²) or Rosenbrock. Middle:
    f(θ_k) − f* per iteration. Right: ‖g_k‖ per iteration. On the quadratic,
    Newton lands on the minimum in one step; CG would in two (n = 2) with exact line
    searches and takes a few with the strong-Wolfe search; BFGS learns the curvature
    in a few; gradient descent zig-zags, slowly for small b.

    Controls: ``"problem"`` (``"quadratic"`` or ``"rosenbrock"``), ``"b"`` (log scale,
    0.01 to 1; the quadratic only: disabled while Rosenbrock is shown), ``"start"``
    (``"A"``, ``"B"`` or ``"C"``).
    """
    choice("problem", problem, PROBLEMS)
    choice("start", start, {s: s for s in STARTS})
    b = check.positive("b", b)
    colors = colors_for(METHODS)

    @functools.lru_cache(maxsize=1024)
    def cached_runs(problem: str, b: float, start: str) -> dict[str, OptimizeResult]:
        return {method: method_run(problem, b, start, method) for method in METHODS}

    def runs(problem: str, b: float, start: str) -> dict[str, OptimizeResult]:
        return cached_runs(problem, b if problem == "quadratic" else 1.0, start)

    for label in STARTS:  # Rosenbrock does not depend on b: its runs are ready before any move
        runs("rosenbrock", b, label)

    fig, (left, middle, right) = new_figure(3, width=4.2, height=4.2, width_ratios=(1.2, 1, 1))
    before = set(left.get_children())
    contours(left, rosenbrock, *WINDOWS["rosenbrock"])
    rosenbrock_layer = [a for a in left.get_children() if a not in before]
    left.title.set_animated(True)
    ellipses = [left.plot([], [], color="0.7", linewidth=0.7, animated=True)[0] for _ in range(10)]
    (minimum,) = left.plot([], [], marker="*", markersize=14, color="gold", markeredgecolor="black",
                           linestyle="none", zorder=5, animated=True)
    lines = {}
    for method in METHODS:
        (line,) = left.plot([], [], "o-", color=colors[method], markersize=2.5, linewidth=1.2,
                            label=method, animated=True)
        gap = middle.plot([], [], color=colors[method], linewidth=1.5, label=method, animated=True)[0]
        norm = right.plot([], [], color=colors[method], linewidth=1.5, animated=True)[0]
        lines[method] = (line, gap, norm)
    left.legend(loc="upper right", fontsize=7, framealpha=1)
    for ax, limits, label, title in ((middle, GAPS, r"$f(\theta_k) - f^*$", "loss gap per iteration"),
                                     (right, NORMS, r"$\|g_k\|$", "gradient norm per iteration")):
        ax.set_xlim(0, 60)
        ax.set_ylim(*limits)
        log_scale(ax)
        ax.set_xlabel("iteration $k$")
        ax.set_ylabel(label)
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
    middle.legend(loc="upper right", fontsize=7)
    shown = {"problem": None}

    def update(problem: str, b: float, start: str) -> None:
        if problem != shown["problem"]:  # other contours and window: a whole redraw
            for artist in rosenbrock_layer:
                artist.set_visible(problem == "rosenbrock")
            left.set_xlim(*WINDOWS[problem][0])
            left.set_ylim(*WINDOWS[problem][1])
            shown["problem"] = problem
        objective = _objective(problem, b)
        if problem == "quadratic":
            for line, level in zip(ellipses, np.geomspace(1e-3, 3.0, len(ellipses))):
                line.set_data(*_ellipse(float(level), b))
            minimum.set_data([0.0], [0.0])
        else:
            for line in ellipses:
                line.set_data([], [])
            minimum.set_data([], [])
        f_star = float(objective.value(np.asarray(objective.minimizer, dtype=float)))
        for method, result in runs(problem, b, start).items():
            path, gap, norm = lines[method]
            points = result.path
            path.set_data(points[:, 0], points[:, 1])
            k = np.arange(len(points))
            values = np.array([float(objective.value(p)) for p in points]) - f_star
            norms = np.linalg.norm(np.array([objective.grad(p) for p in points]), axis=1)
            gap.set_data(k, np.where(values > 0, values, np.nan))
            norm.set_data(k, np.where(norms > 0, norms, np.nan))
        title = f"½(x² + {b:.3g} y²)" if problem == "quadratic" else "Rosenbrock"
        left.title.set_text(f"{title}, start {start}")

    explorer = Explorer(
        {
            "problem": choice("problem", problem, PROBLEMS),
            "start": choice("start", start, {s: s for s in STARTS}),
            "b": log_slider("b (quadratic)", b, 0.01, 1.0),
        },
        fig,
        update,
    )
    b_slider = explorer.controls["b"]
    b_slider.disabled = problem == "rosenbrock"  # b only shapes the quadratic
    explorer.controls["problem"].observe(
        lambda change: setattr(b_slider, "disabled", change["new"] == "rosenbrock"), names="value")
    return explorer


# --- 3. Linear CG: the residual per iteration -------------------------------------------

SPECTRA = {"spread eigenvalues 1, …, 10n": "spread", "k clustered eigenvalues": "clustered"}
#: The largest n, and the iteration axis (CG may need more than n steps in floating point).
N_MAX = 100
RESIDUALS = (1e-17, 10.0)


def cg_system(n: int, spectrum: str, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A symmetric positive definite n × n system (A, b) with random eigenvectors.

    ``"spread"``: n distinct eigenvalues evenly spaced in [1, 10n]; ``"clustered"``:
    k distinct values evenly spaced in [1, 100], each shared by about n/k eigenvalues.
    """
    rng = np.random.default_rng(seed)
    if spectrum == "spread":
        eigenvalues = np.linspace(1.0, 10.0 * n, n)
    else:
        eigenvalues = np.linspace(1.0, 100.0, k)[np.arange(n) % k]
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = (Q * eigenvalues) @ Q.T
    return (A + A.T) / 2, rng.normal(size=n)


def cg_residual_explorer(n: int = 50, spectrum: str = "spread", k: int = 5) -> Explorer:
    """The relative residual ‖r_j‖/‖b‖ of linear CG per iteration j on an n × n system.

    With n distinct eigenvalues CG needs (at most) n steps: the residual falls to
    round-off by step n. With k distinct eigenvalues it is done after k steps,
    whatever n is: the Krylov space of k steps holds the exact solution.

    Controls: ``"n"`` (10 to 100 in steps of 10), ``"spectrum"`` (``"spread"`` or
    ``"clustered"``), ``"k"`` (1 to 10, the clustered spectrum only: disabled for the spread one).
    """
    sizes = list(range(10, N_MAX + 1, 10))
    options_slider("n", n, sizes)
    choice("spectrum", spectrum, SPECTRA)
    options_slider("k", k, list(range(1, 11)))

    def solve(n: int, spectrum: str, k: int) -> np.ndarray:
        A, b = cg_system(n, spectrum, k)
        result = conjugate_gradient(A, b, tol=1e-15, maxiter=2 * N_MAX, record_path=False)
        return result.residual_norms / np.linalg.norm(b)

    # Every setting, computed once (about a second): the spread spectrum ignores k.
    table = {(size, "spread"): solve(size, "spread", 1) for size in sizes}
    table.update({(size, "clustered", j): solve(size, "clustered", j) for size in sizes for j in range(1, 11)})

    def residuals(n: int, spectrum: str, k: int) -> np.ndarray:
        return table[(n, "spread")] if spectrum == "spread" else table[(n, "clustered", k)]

    fig, ax = new_figure(1, width=8.0, height=4.0)
    ax.set_xlim(0, 2 * N_MAX)
    ax.set_ylim(*RESIDUALS)
    log_scale(ax)
    ax.set_xlabel("iteration $j$")
    ax.set_ylabel(r"$\|r_j\| / \|b\|$")
    ax.grid(True, alpha=0.3)
    ax.axhline(1e-10, color="grey", linestyle=":", linewidth=1)
    (curve,) = ax.plot([], [], "o-", color="tab:blue", markersize=2.5, animated=True, label="linear CG")
    limit = ax.axvline(0, color="tab:red", linestyle="--", animated=True, label="step $n$ (spread) or $k$ (clustered)")
    ax.legend(loc="upper right", fontsize=9)
    ax.title.set_animated(True)

    def update(n: int, spectrum: str, k: int) -> None:
        r = residuals(n, spectrum, k)
        curve.set_data(np.arange(len(r)), r)
        steps = n if spectrum == "spread" else min(k, n)
        limit.set_xdata([steps, steps])
        what = f"{n} distinct eigenvalues" if spectrum == "spread" else f"{min(k, n)} distinct eigenvalues"
        ax.title.set_text(f"n = {n}, {what}: ‖r‖/‖b‖ ≤ 1e-10 after {_first_below(r, 1e-10)} steps")

    explorer = Explorer(
        {
            "n": options_slider("n", n, sizes),
            "spectrum": choice("spectrum", spectrum, SPECTRA),
            "k": options_slider("k (clustered)", k, list(range(1, 11))),
        },
        fig,
        update,
    )
    k_slider = explorer.controls["k"]
    k_slider.disabled = spectrum == "spread"  # k only shapes the clustered spectrum
    explorer.controls["spectrum"].observe(lambda change: setattr(k_slider, "disabled", change["new"] == "spread"),
                                          names="value")
    return explorer


def _first_below(values: np.ndarray, level: float) -> int | str:
    below = np.flatnonzero(values <= level)
    return int(below[0]) if below.size else "more than the iterations shown"


# --- 4. Newton is attracted to the saddle -----------------------------------------------

SADDLE_WINDOW = ((-2.0, 2.0), (-2.0, 2.0))
#: Gradient descent on the saddle problem: learning rate and steps.
SADDLE_LR, SADDLE_STEPS = 0.1, 60


#: A Hessian whose condition number exceeds this is taken as singular: the Newton step
#: solved with it would be made of rounding errors (cond · 2⁻⁵² ≳ 10⁻⁴).
SINGULAR = 1e12


def newton_path(x0: np.ndarray, steps: int = 20) -> np.ndarray:
    """Full Newton steps θ ← θ − H⁻¹g on (1 − w₁w₂)² from x0, until a gradient of zero, a
    singular or ill-conditioned Hessian (cond H > :data:`SINGULAR`: no Newton step is
    defined there), or a point outside the window (the path is cut there)."""
    points = [np.asarray(x0, dtype=float)]
    for _ in range(steps):
        x = points[-1]
        g = saddle.grad(x)
        if not np.any(g):
            break
        H = saddle.hessian(x)
        with np.errstate(all="ignore"):
            well_conditioned = np.linalg.cond(H) <= SINGULAR  # False for inf or nan: singular
        if not well_conditioned:
            break
        x = x - np.linalg.solve(H, g)
        points.append(x)
        if not np.all(np.abs(x) < 10):
            break
    return np.array(points)


def gradient_descent_path(x0: np.ndarray, lr: float = SADDLE_LR, steps: int = SADDLE_STEPS) -> np.ndarray:
    """Gradient descent θ ← θ − εg on (1 − w₁w₂)² from x0."""
    points = [np.asarray(x0, dtype=float)]
    for _ in range(steps):
        points.append(points[-1] - lr * saddle.grad(points[-1]))
    return np.array(points)


def saddle_explorer(w1: float = 0.4, w2: float = 0.3) -> Explorer:
    """Newton's method and gradient descent on L = (1 − w₁w₂)² from a start near the saddle (0, 0).

    The Hessian at the saddle has eigenvalues ±2. Newton jumps to the stationary
    point of the local quadratic model, which near (0, 0) is the saddle itself;
    gradient descent (ε = 0.1) follows −g and slides down to the valley of minima
    w₁w₂ = 1. Left: the paths over the contours; right: L per step.

    Controls: ``"w1"`` and ``"w2"`` (the start, −1.5 to 1.5 in steps of 0.05).
    """
    colors = colors_for(("gradient descent", "Newton"))

    @functools.lru_cache(maxsize=4096)
    def paths(w1: float, w2: float) -> dict[str, np.ndarray]:
        x0 = np.array([w1, w2])
        return {"gradient descent": gradient_descent_path(x0), "Newton": newton_path(x0)}

    fig, (left, right) = new_figure(2, width=4.8, height=4.2, width_ratios=(1.1, 1))
    contours(left, saddle, *SADDLE_WINDOW, levels=14, log=False)
    w = np.linspace(0.5, 2.0, 100)
    left.plot(w, 1 / w, color="tab:green", linewidth=1, linestyle=":", label="minima $w_1w_2 = 1$")
    left.plot(-w, -1 / w, color="tab:green", linewidth=1, linestyle=":")
    left.plot(0, 0, marker="X", markersize=10, color="black", linestyle="none", label="saddle (0, 0)")
    left.set_xlabel("$w_1$")
    left.set_ylabel("$w_2$")
    left.set_aspect("equal")
    artists = {}
    for name in colors:
        (line,) = left.plot([], [], "o-", color=colors[name], markersize=3, linewidth=1.3, label=name,
                            animated=True)
        (loss,) = right.plot([], [], "o-", color=colors[name], markersize=3, label=name, animated=True)
        artists[name] = (line, loss)
    left.legend(loc="lower left", fontsize=7, framealpha=1)
    right.set_xlim(0, SADDLE_STEPS)
    right.set_ylim(1e-12, 10.0)
    log_scale(right)
    right.set_xlabel("step $k$")
    right.set_ylabel(r"$L(w_1, w_2)$")
    right.grid(True, alpha=0.3)
    right.legend(loc="lower left", fontsize=8)
    right.title.set_animated(True)

    def update(w1: float, w2: float) -> None:
        ends = {}
        for name, points in paths(round(w1, 4), round(w2, 4)).items():
            line, loss = artists[name]
            line.set_data(points[:, 0], points[:, 1])
            values = (1 - points[:, 0] * points[:, 1]) ** 2
            loss.set_data(np.arange(len(points)), np.where(values > 0, values, np.nan))
            ends[name] = values[-1]
        right.title.set_text(f"final L: GD {ends['gradient descent']:.2g}, Newton {ends['Newton']:.2g}")

    return Explorer(
        {"w1": linear_slider("start w₁", w1, -1.5, 1.5, 0.05), "w2": linear_slider("start w₂", w2, -1.5, 1.5, 0.05)},
        fig,
        update,
    )


__all__ = ["cg_residual_explorer", "methods_explorer", "saddle_explorer", "zigzag_explorer"]
