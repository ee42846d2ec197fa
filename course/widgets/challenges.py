"""Lecture 02: saddle points, ill-conditioning, cliffs and products of many matrices."""

from __future__ import annotations

import functools

import numpy as np

from course.backend import to_numpy
from course.challenges import (
    Cliff, descend, eigen_factors, hessian_eigs, power_norms, product_norms, saddle_descent, step_increases_cost,
)
from course.plotting import colors_for, new_figure
from course.problems import saddle
from course.widgets.explorer import Explorer, choice, linear_slider, log_slider, options_slider

#: Half the length of the eigenvector segments of :func:`saddle_explorer`.
ARROW = 0.45


def _eigenpairs(w1: float, w2: float) -> tuple[np.ndarray, np.ndarray]:
    lam, U = hessian_eigs(w1, w2, xp=np)
    return to_numpy(lam), to_numpy(U)


def hessian_explorer(w1: float = 0.0, w2: float = 0.0) -> Explorer:
    """The Hessian's eigenvalues and eigenvectors at a point of L(w₁, w₂) = (1 − w₁w₂)².

    Left: the contours of L, its minima (the hyperbola w₁w₂ = 1) and the point
    (w₁, w₂) with the Hessian's two eigenvectors drawn through it, red for a
    negative eigenvalue (L curves down), blue for a positive one; the arrow is
    the step −∇L. Right: L along each eigenvector, L(w + t uᵢ) − L(w), next to its
    second-order model t gᵀuᵢ + ½ λᵢ t².

    Controls: ``"w1"``, ``"w2"`` (in [−2, 2], steps of 0.05).
    """
    fig, (left, right) = new_figure(2)
    grid = np.linspace(-2, 2, 201)
    a, b = np.meshgrid(grid, grid)
    values = (1 - a * b) ** 2
    left.contourf(a, b, np.log10(values + 1e-3), levels=20, cmap="Greys", alpha=0.5)
    left.contour(a, b, values, levels=[0.1, 0.5, 1, 2, 4, 8], colors="grey", linewidths=0.6)
    for branch in (grid[grid > 0.45], grid[grid < -0.45]):
        left.plot(branch, 1 / branch, color="black", linestyle="--", linewidth=1)
    left.plot([], [], color="black", linestyle="--", linewidth=1, label=r"minima $w_1 w_2 = 1$")
    left.plot([], [], color="tab:red", linewidth=3, label=r"eigenvector, $\lambda < 0$")
    left.plot([], [], color="tab:blue", linewidth=3, label=r"eigenvector, $\lambda > 0$")
    vectors = [left.plot([], [], linewidth=3, solid_capstyle="round", animated=True)[0] for _ in range(2)]
    (step,) = left.plot([], [], color="tab:green", linewidth=1.5, marker=">", markevery=[-1], animated=True,
                        label=r"$-\nabla L$ (scaled)")
    (point,) = left.plot([], [], "o", color="black", markersize=7, animated=True)
    left.set_xlim(-2, 2)
    left.set_ylim(-2, 2)
    left.set_aspect("equal")
    left.set_xlabel("$w_1$")
    left.set_ylabel("$w_2$")
    left.title.set_animated(True)
    left.legend(loc="lower left", fontsize=7, framealpha=0.9)

    t = np.linspace(-1, 1, 101)
    profiles = [right.plot([], [], linewidth=2, animated=True)[0] for _ in range(2)]
    models = [right.plot([], [], linewidth=1, linestyle="--", animated=True)[0] for _ in range(2)]
    right.axhline(0, color="grey", linewidth=0.8)
    right.set_xlim(-1, 1)
    right.set_ylim(-1.5, 3)
    right.set_xlabel(r"$t$ along the eigenvector $u_i$")
    right.set_ylabel(r"$L(w + t\,u_i) - L(w)$")
    right.set_title("L along each eigenvector (dashed: quadratic model)")
    right.grid(True, alpha=0.3)

    def update(w1: float, w2: float) -> None:
        w = np.array([w1, w2])
        lam, U = _eigenpairs(w1, w2)
        g = to_numpy(saddle.grad(w))
        base = float(to_numpy(saddle.value(w)))
        for i in range(2):
            color = "tab:red" if lam[i] < 0 else "tab:blue"
            ends = np.stack([w - ARROW * U[:, i], w + ARROW * U[:, i]])
            vectors[i].set_data(ends[:, 0], ends[:, 1])
            vectors[i].set_color(color)
            line = w[None] + t[:, None] * U[:, i][None]
            profiles[i].set_data(t, to_numpy(saddle.values(line)) - base)
            profiles[i].set_color(color)
            models[i].set_data(t, t * float(g @ U[:, i]) + 0.5 * lam[i] * t**2)
            models[i].set_color(color)
        scaled = -g / max(1.0, float(np.linalg.norm(g)) / 0.8)
        step.set_data([w1, w1 + scaled[0]], [w2, w2 + scaled[1]])
        point.set_data([w1], [w2])
        kind = "saddle-like (λ of both signs)" if lam[0] < 0 < lam[1] else "curved up (λ ≥ 0)" \
            if lam[0] >= 0 else "curved down"
        left.title.set_text(f"λ₁ = {lam[0]:.3f}, λ₂ = {lam[1]:.3f}: {kind}")

    return Explorer(
        {"w1": linear_slider("w₁", w1, -2.0, 2.0, 0.05), "w2": linear_slider("w₂", w2, -2.0, 2.0, 0.05)},
        fig, update,
    )


# --- gradient descent at a saddle ---------------------------------------------------

#: The start of :func:`saddle_escape_explorer` on the anti-diagonal, and the steps it runs.
ESCAPE_START = np.array([1.5, -1.5])
ESCAPE_STEPS = 400
#: Distances δ of the start from the anti-diagonal (along (1, 1)/√2), gradient noises σ, rates ε.
OFFSETS = (0.0, 1e-12, 1e-9, 1e-6, 1e-3, 1e-1)
NOISES = {"none": 0.0, "σ = 1e-8": 1e-8, "σ = 1e-4": 1e-4, "σ = 0.01": 1e-2}
ESCAPE_RATES = {"ε = 0.05": 0.05, "ε = 0.1": 0.1, "ε = 0.2": 0.2}
#: "Near the saddle": within this distance of (0, 0).
NEAR = 0.1


def _short(x: float) -> str:
    return f"{x:.0e}" if x else "0"


def escape_path(offset: float, noise: float, lr: float) -> np.ndarray:
    """Gradient descent on (1 − w₁w₂)² from :data:`ESCAPE_START` moved ``offset`` along
    (1, 1)/√2, with gradient noise σ = ``noise`` (:func:`course.challenges.saddle_descent`)."""
    start = ESCAPE_START + offset * np.array([1.0, 1.0]) / np.sqrt(2.0)
    return to_numpy(saddle_descent(np.asarray(start), lr, ESCAPE_STEPS, noise=noise))


def saddle_escape_explorer(offset: float = 0.0, noise: float = 0.0, lr: float = 0.1) -> Explorer:
    """Gradient descent meets the saddle of L(w₁, w₂) = (1 − w₁w₂)²: trapped on its stable
    manifold, slow to leave near it.

    From (1.5, −1.5) on the anti-diagonal w₁ = −w₂ the gradient points along the
    anti-diagonal, so gradient descent stays on it and converges to the saddle
    (0, 0): the anti-diagonal is the saddle's stable manifold. A start δ off it, or
    gradient noise of standard deviation σ, leaves the saddle along (1, 1)/√2,
    but only after the distance from the anti-diagonal has grown from δ (or σ) to
    order 1 by the factor 1 + 2ε per step: about ln(1/δ)/ln(1 + 2ε) steps.
    Left: the path over the contours of L. Right: L(w_k), log scale, with the steps
    spent within 0.1 of the saddle highlighted.

    Controls: ``"offset"`` (δ = 0, 1e-12, …, 0.1), ``"noise"`` (σ = 0, 1e-8, 1e-4, 0.01),
    ``"lr"`` (ε = 0.05, 0.1, 0.2).
    """
    if noise not in NOISES.values():
        raise ValueError(f"noise must be one of {', '.join(map(repr, NOISES.values()))}, got {noise!r}")
    paths = functools.lru_cache(maxsize=128)(escape_path)
    fig, (left, right) = new_figure(2)
    grid = np.linspace(-2, 2, 201)
    a, b = np.meshgrid(grid, grid)
    values = (1 - a * b) ** 2
    left.contourf(a, b, np.log10(values + 1e-3), levels=20, cmap="Greys", alpha=0.5)
    left.contour(a, b, values, levels=[0.1, 0.5, 1, 2, 4, 8], colors="grey", linewidths=0.6)
    for branch in (grid[grid > 0.45], grid[grid < -0.45]):
        left.plot(branch, 1 / branch, color="black", linestyle="--", linewidth=1)
    left.plot([], [], color="black", linestyle="--", linewidth=1, label=r"minima $w_1 w_2 = 1$")
    left.plot(grid, -grid, color="tab:red", linestyle=":", linewidth=1.5,
              label=r"stable manifold $w_1 = -w_2$")
    left.plot(0, 0, marker="X", markersize=10, color="black", linestyle="none", label="saddle (0, 0)")
    (path,) = left.plot([], [], "o-", color="tab:blue", markersize=2.5, linewidth=1, label="gradient descent",
                        animated=True)
    left.set_xlim(-2, 2)
    left.set_ylim(-2, 2)
    left.set_aspect("equal")
    left.set_xlabel("$w_1$")
    left.set_ylabel("$w_2$")
    left.legend(loc="lower left", fontsize=7, framealpha=0.9)
    left.set_title("start (1.5, −1.5) + δ (1, 1)/√2")

    k = np.arange(ESCAPE_STEPS + 1)
    (loss,) = right.plot([], [], color="tab:blue", linewidth=1.5, label=r"$L(w_k)$", animated=True)
    (near,) = right.plot([], [], color="tab:red", linewidth=4, alpha=0.5, label=f"within {NEAR} of the saddle",
                         animated=True)
    right.axhline(1.0, color="grey", linewidth=0.8, linestyle="--", label="L at the saddle = 1")
    right.set_xlim(0, ESCAPE_STEPS)
    right.set_ylim(1e-10, 30)
    right.set_yscale("log")
    right.set_xlabel("step $k$")
    right.set_ylabel(r"$L(w_k) = (1 - w_1 w_2)^2$")
    right.title.set_animated(True)
    right.grid(True, alpha=0.3)
    right.legend(loc="lower left", fontsize=8)

    def update(offset: float, noise: float, lr: float) -> None:
        w = paths(offset, noise, lr)
        values = np.maximum((1 - w[:, 0] * w[:, 1]) ** 2, 1e-10)
        path.set_data(w[:, 0], w[:, 1])
        loss.set_data(k, values)
        close = np.linalg.norm(w, axis=1) < NEAR
        inside = np.nonzero(close)[0]  # one stretch: the path passes the saddle once
        window = slice(inside[0], inside[-1] + 1) if inside.size else slice(0, 0)
        near.set_data(k[window], values[window])
        if close[-1]:
            verdict = f"still at the saddle after {ESCAPE_STEPS} steps (L = {values[-1]:.3g})"
        else:
            verdict = f"{int(close.sum())} steps within {NEAR} of the saddle, then escapes"
        right.title.set_text(f"δ = {_short(offset)}, σ = {_short(noise)}, ε = {lr}:\n{verdict}")

    return Explorer(
        {"offset": options_slider("start off the anti-diagonal by δ", offset, OFFSETS),
         "noise": choice("gradient noise", noise, NOISES),
         "lr": choice("learning rate", lr, ESCAPE_RATES)},
        fig, update,
    )


# --- gradient descent per eigendirection --------------------------------------------

CURVATURES = {"κ = 2": 0.5, "κ = 10": 0.1, "κ = 50": 0.02}
DECAY_STEPS = 40
#: The start θ of :func:`eigendecay_explorer`.
DECAY_START = np.array([1.0, 1.0])


def eigendecay_explorer(lr: float = 0.5, b: float = 0.1) -> Explorer:
    """Gradient descent on f(θ) = ½(θ₁² + b θ₂²) in the eigenbasis of H = diag(1, b).

    Left: the factors (1 − ελᵢ)^τ by which τ steps multiply each eigen-coordinate,
    for λ = 1 and λ = b (condition number κ = 1/b). Right: the second-order
    change of f along −g from θ = (1, 1), −ε gᵀg + ½ ε² gᵀHg (exact for a
    quadratic), against ε, with the best step ε* = gᵀg / gᵀHg and the point 2ε*
    beyond which the step increases the cost
    (:func:`course.challenges.step_increases_cost`).

    Controls: ``"lr"`` (ε in [0.05, 2.5], steps of 0.05), ``"b"`` (κ = 2, 10, 50).
    """
    fig, (left, right) = new_figure(2)
    tau = np.arange(DECAY_STEPS + 1)
    names = ("steep: λ = 1", "flat: λ = b")
    colors = colors_for(names)
    factor_lines = [left.plot([], [], "o-", markersize=3, color=colors[n], label=n, animated=True)[0]
                    for n in names]
    left.axhspan(-1, 1, color="tab:green", alpha=0.08, label="|factor| ≤ 1")
    left.axhline(0, color="grey", linewidth=0.8)
    left.set_xlim(0, DECAY_STEPS)
    left.set_ylim(-2, 2)
    left.set_xlabel(r"step $\tau$")
    left.set_ylabel(r"$(1 - \varepsilon\lambda_i)^\tau = \alpha_i^\tau / \alpha_i^0$")
    left.title.set_animated(True)
    left.legend(loc="lower right", fontsize=8)

    eps = np.linspace(0, 2.5, 251)
    (change,) = right.plot([], [], color="tab:purple", label=r"$-\varepsilon g^\top g + \frac{1}{2}\varepsilon^2 g^\top H g$",
                           animated=True)
    (best,) = right.plot([], [], color="tab:green", linestyle="--", label=r"best step $\varepsilon^*$", animated=True)
    (limit,) = right.plot([], [], color="tab:red", linestyle=":", linewidth=2, label=r"$2\varepsilon^*$",
                          animated=True)
    (current,) = right.plot([], [], "o", color="black", markersize=9, label=r"chosen $\varepsilon$", animated=True)
    right.axhline(0, color="grey", linewidth=0.8)
    right.set_xlim(0, 2.5)
    right.set_ylim(-1.5, 1.5)
    right.set_xlabel(r"learning rate $\varepsilon$")
    right.set_ylabel(r"$f(\theta - \varepsilon g) - f(\theta)$")
    right.title.set_animated(True)
    right.grid(True, alpha=0.3)
    right.legend(loc="upper left", fontsize=8)

    def update(lr: float, b: float) -> None:
        lam = np.array([1.0, b])
        factors = to_numpy(eigen_factors(lam, lr, DECAY_STEPS))
        for i, line in enumerate(factor_lines):
            line.set_data(tau, np.clip(factors[:, i], -10, 10))
        H = np.diag(lam)
        g = H @ DECAY_START
        gg, gHg = float(g @ g), float(g @ H @ g)
        change.set_data(eps, -eps * gg + 0.5 * eps**2 * gHg)
        best.set_data([gg / gHg] * 2, [-1.5, 1.5])
        limit.set_data([2 * gg / gHg] * 2, [-1.5, 1.5])
        current.set_data([lr], [-lr * gg + 0.5 * lr**2 * gHg])
        verdict = "diverges" if lr > 2 else "zig-zags" if lr > 1 else "converges"
        left.title.set_text(f"ε = {lr:.2f}, κ = {1 / b:.0f}: GD {verdict} (ε < 2/λ_max = 2)")
        rises = step_increases_cost(g, H, lr)
        right.title.set_text(f"from θ = (1, 1) this step {'INCREASES' if rises else 'decreases'} f")

    return Explorer(
        {"lr": linear_slider("learning rate ε", lr, 0.05, 2.5, 0.05), "b": choice("curvature", b, CURVATURES)},
        fig, update,
    )


# --- cliffs and gradient clipping ---------------------------------------------------

CLIFF_STEPS = 40
CLIFF_START = 3.0


def clipping_explorer(lr: float = 0.5, max_norm: float = 1.0) -> Explorer:
    """Gradient descent on a loss with a cliff (:class:`course.challenges.Cliff`), with and
    without gradient clipping (:func:`course.optim.clip_by_norm`).

    Left: the loss f(w) and the iterates of both runs from w = 3. On the cliff's
    face the gradient is about 25: an unclipped step flings w far to the left.
    Right: f(w_k) per step, log scale.

    Controls: ``"lr"`` (ε in [0.1, 1], steps of 0.05), ``"max_norm"`` (the clipping threshold, log scale).
    """
    cliff = Cliff()
    w = np.linspace(-26, 5, 800)
    names = ("no clipping", "clipped")
    colors = colors_for(names)

    @functools.lru_cache(maxsize=512)
    def runs(lr: float, max_norm: float) -> dict[str, np.ndarray]:
        start = np.array([CLIFF_START])
        return {names[0]: to_numpy(descend(cliff, start, lr, CLIFF_STEPS))[:, 0],
                names[1]: to_numpy(descend(cliff, start, lr, CLIFF_STEPS, max_norm=max_norm))[:, 0]}

    fig, (left, right) = new_figure(2)
    left.plot(w, to_numpy(cliff.value(w)), color="black", linewidth=1.5, label="loss f(w)")
    paths = {n: left.plot([], [], "o-", markersize=4, linewidth=0.8, color=colors[n], label=n,
                          alpha=0.8, animated=True)[0] for n in names}
    left.set_xlim(-26, 5)
    left.set_ylim(-2, 60)
    left.set_xlabel("parameter $w$")
    left.set_ylabel("$f(w)$")
    left.title.set_animated(True)
    left.legend(loc="upper right", fontsize=8)

    losses = {n: right.plot([], [], "o-", markersize=3, color=colors[n], label=n, animated=True)[0] for n in names}
    right.set_xlim(0, CLIFF_STEPS)
    right.set_ylim(1e-6, 1e3)
    right.set_yscale("log")
    right.set_xlabel("step $k$")
    right.set_ylabel(r"$f(w_k) - f^*$")
    right.set_title("loss per step")
    right.grid(True, alpha=0.3)
    right.legend(loc="upper right", fontsize=8)
    optimum = float(np.min(to_numpy(cliff.value(np.linspace(-4, -2, 2001)))))

    def update(lr: float, max_norm: float) -> None:
        found = runs(lr, max_norm)
        for name, iterates in found.items():
            values = to_numpy(cliff.value(iterates))
            paths[name].set_data(iterates, values)
            losses[name].set_data(np.arange(len(values)), np.maximum(values - optimum, 1e-6))
        jump = float(np.max(np.abs(np.diff(found[names[0]]))))
        left.title.set_text(f"ε = {lr:.2f}, threshold {max_norm:.3g}: longest unclipped step {jump:.1f}")

    return Explorer(
        {"lr": linear_slider("learning rate ε", lr, 0.1, 1.0, 0.05),
         "max_norm": log_slider("clip threshold", max_norm, 0.1, 10.0)},
        fig, update,
    )


# --- products of many matrices ------------------------------------------------------

POWER_STEPS = 60
#: The eigenvectors V (columns) of W = V diag(λ) V⁻¹ in :func:`power_explorer`.
POWER_BASIS = np.array([[1.0, 0.8], [0.0, 0.6]])
EIGENVALUES = {"real: ρ and ρ/2": "real", "complex: ρe^{±0.4i}": "complex"}
PRODUCTS = {"the same W every step (recurrent)": "same", "a new W_l per layer (feedforward)": "different"}


def _bases(count: int, seed: int = 0) -> list[np.ndarray]:
    """``count`` random bases of the plane: unit columns at angles a and b with
    0.35 ≤ b − a ≤ π − 0.35 (so that no basis is close to singular)."""
    rng = np.random.default_rng(seed)
    bases = []
    for _ in range(count):
        a = rng.uniform(0, np.pi)
        b = a + rng.uniform(0.35, np.pi - 0.35)
        bases.append(np.array([[np.cos(a), np.cos(b)], [np.sin(a), np.sin(b)]]))
    return bases


#: The eigenvector bases V_l of the layers' matrices W_l = V_l D V_l⁻¹ of :func:`power_explorer`.
LAYER_BASES = _bases(POWER_STEPS)


def power_matrix(radius: float, kind: str, basis: np.ndarray = POWER_BASIS) -> np.ndarray:
    """W = V D V⁻¹ with spectral radius ``radius``: D = diag(ρ, ρ/2) (``"real"``) or ρ times
    a rotation by 0.4 rad (``"complex"``, eigenvalues ρe^{±0.4i}); V = ``basis``."""
    if kind == "real":
        D = np.diag([radius, radius / 2])
    else:
        c, s = np.cos(0.4), np.sin(0.4)
        D = radius * np.array([[c, -s], [s, c]])
    return basis @ D @ np.linalg.inv(basis)


def layer_matrices(radius: float, kind: str, product: str) -> list[np.ndarray]:
    """The matrices W_1, …, W_60 that :func:`power_explorer` multiplies by: one W
    (:data:`POWER_BASIS`) 60 times, or W_l = V_l D V_l⁻¹ with the same eigenvalues D and
    a different basis V_l (:data:`LAYER_BASES`) per layer."""
    if product == "same":
        return [power_matrix(radius, kind)] * POWER_STEPS
    return [power_matrix(radius, kind, basis) for basis in LAYER_BASES]


def power_explorer(radius: float = 0.9, kind: str = "real", product: str = "same") -> Explorer:
    """‖W_t ⋯ W_1 v‖ over t: a recurrent network's Wᵗ against a feedforward network's W_t ⋯ W_1.

    The same W every step (a recurrent network): W = V diag(λ) V⁻¹, so
    Wᵗ = V diag(λ)ᵗ V⁻¹ and the norms vanish or explode with the spectral radius ρ
    (:func:`power_matrix`). A different W_l per layer (a feedforward network), each
    with the same eigenvalues but its own eigenvectors (:func:`layer_matrices`): the
    eigenvalues of the factors no longer decide; the product of their norms
    ‖W_l‖ bounds the result. Left: the vectors W_t ⋯ W_1 v in the plane for
    t = 0, …, 60. Right: their norms (log scale, :func:`course.challenges.product_norms`)
    next to ρᵗ ‖v‖ and the bound ‖W_t‖ ⋯ ‖W_1‖ ‖v‖.

    Controls: ``"radius"`` (ρ in [0.5, 1.5], steps of 0.01), ``"kind"`` (``"real"``, ``"complex"``),
    ``"product"`` (``"same"``, ``"different"``).
    """
    v = np.array([1.0, 1.0])
    t = np.arange(POWER_STEPS + 1)
    fig, (left, right) = new_figure(2)
    (points,) = left.plot([], [], "o-", markersize=3, linewidth=0.8, color="tab:blue",
                          label=r"$W_t \cdots W_1 v$", animated=True)
    left.plot(*v, "o", markersize=8, color="white", markeredgecolor="black", label="$v$ (t = 0)")
    left.set_xlim(-4, 4)
    left.set_ylim(-4, 4)
    left.set_aspect("equal")
    left.grid(True, alpha=0.3)
    left.set_title(r"the vectors $W_t \cdots W_1 v$")
    left.legend(loc="upper left", fontsize=8)

    (norms,) = right.plot([], [], "o-", markersize=3, color="tab:blue", label=r"$\|W_t \cdots W_1 v\|$",
                          animated=True)
    (bound,) = right.plot([], [], "--", color="grey", label=r"$\rho^t \|v\|$", animated=True)
    (norm_bound,) = right.plot([], [], ":", color="tab:red", linewidth=1.5,
                               label=r"$\|W_t\| \cdots \|W_1\|\,\|v\|$ (a bound)", animated=True)
    right.set_xlim(0, POWER_STEPS)
    right.set_ylim(1e-8, 1e8)
    right.set_yscale("log")
    right.set_xlabel("$t$")
    right.title.set_animated(True)
    right.grid(True, alpha=0.3)
    right.legend(loc="upper left", fontsize=8)

    def update(radius: float, kind: str, product: str) -> None:
        Ws = layer_matrices(radius, kind, product)
        vectors = [v]
        for W in Ws:
            vectors.append(W @ vectors[-1])
        vectors = np.stack(vectors)
        points.set_data(vectors[:, 0], vectors[:, 1])
        measured = to_numpy(product_norms(Ws, v))
        norms.set_data(t, np.clip(measured, 1e-12, 1e12))
        bound.set_data(t, np.clip(radius**t * np.linalg.norm(v), 1e-12, 1e12))
        spectral = np.concatenate([[1.0], np.cumprod([np.linalg.norm(W, 2) for W in Ws])])
        norm_bound.set_data(t, np.clip(spectral * np.linalg.norm(v), 1e-12, 1e12))
        if product == "same":
            what = "vanishes" if radius < 1 else "explodes" if radius > 1 else "keeps its size"
            right.title.set_text(f"ρ = {radius:.2f}, the same W: ‖W⁶⁰v‖ = {measured[-1]:.2g}, {what}")
        else:
            right.title.set_text(f"ρ = {radius:.2f}, W_l differ: ‖W₆₀⋯W₁v‖ = {measured[-1]:.2g}")

    return Explorer(
        {"radius": linear_slider("spectral radius ρ", radius, 0.5, 1.5, 0.01),
         "kind": choice("eigenvalues", kind, EIGENVALUES),
         "product": choice("multiply by", product, PRODUCTS)},
        fig, update,
    )
