"""Plots of the course: contours, optimizer paths and loss curves.

Every function draws onto a Matplotlib ``Axes`` it is given and returns it;
nothing here touches pyplot's global state or calls ``plt.show``, so the
same helpers serve widgets, notebooks and tests. Figures come from
:func:`new_figure` (a plain ``matplotlib.figure.Figure``, rendered by Agg)
and become PNG bytes with :func:`figure_png`.

>>> fig, (left, right) = new_figure(2)
>>> contours(left, problem, xlim=(-2, 2), ylim=(-1, 3))
>>> paths(left, {"Adam": trajectory})
>>> loss_curves(right, {"Adam": trajectory})
"""

from __future__ import annotations

import io
import textwrap
from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from course.backend import default_namespace, to_numpy
from course.optim.trajectory import Trajectory

__all__ = [
    "new_figure",
    "figure_png",
    "grid_values",
    "contours",
    "paths",
    "loss_curves",
    "divergence_note",
    "log_scale",
    "colors_for",
]

#: Colors for the lines of one figure, in order (Matplotlib's "tab10").
PALETTE = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown")


def new_figure(
    ncols: int = 1, width: float = 5.0, height: float = 4.2, width_ratios: Sequence[float] | None = None
) -> tuple[Figure, Any]:
    """A figure with ``ncols`` side-by-side axes, ``width`` inches each on average, ``height`` tall.

    ``width_ratios`` sets the relative widths of the columns. Returns
    ``(fig, axes)``: one ``Axes`` when ``ncols == 1``, else an array of them.
    """
    fig = Figure(figsize=(width * ncols, height), layout="constrained")
    return fig, fig.subplots(1, ncols, width_ratios=width_ratios)


def figure_png(fig: Figure, dpi: int = 90) -> bytes:
    """The figure rendered as PNG bytes (by the Agg backend)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def colors_for(names: Sequence[str]) -> dict[str, str]:
    """One color per name, in order, so that all panels of a figure agree."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def grid_values(
    problem: Any, xlim: tuple[float, float], ylim: tuple[float, float], n: int = 150
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f on an ``n × n`` grid over ``xlim × ylim`` for a 2-D objective.

    The grid's points are evaluated in one call of ``problem.values``.

    Returns
    -------
    X, Y, Z : numpy.ndarray
        Meshgrid coordinates and the values f(X, Y), each of shape (n, n).
    """
    if problem.dim != 2:
        raise ValueError(f"contours need a 2-D objective, {problem.name} has dim = {problem.dim}")
    X, Y = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    xp = problem.xp or default_namespace()
    points = xp.asarray(np.stack([X.ravel(), Y.ravel()], axis=1), dtype=xp.float64)
    return X, Y, to_numpy(problem.values(points)).reshape(X.shape)


def contours(
    ax: Axes,
    problem: Any,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    levels: int | Sequence[float] = 20,
    log: bool = True,
) -> Axes:
    """Level sets of a 2-D objective, its minimizer marked with a star.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    problem
        An objective of :mod:`course.problems` with ``dim == 2``.
    xlim, ylim : (float, float)
        The window; the axes keep these limits, so paths that leave it are clipped.
    levels : int or sequence of float
        The levels themselves, or how many to space between min f and max f on the window.
    log : bool
        Space the levels geometrically (f* + span · 10⁻⁴ … f* + span), which
        resolves the floor of a narrow valley like Rosenbrock's; else evenly
        in √(f − f*), i.e. evenly spaced ellipses for a quadratic.
    """
    X, Y, Z = grid_values(problem, xlim, ylim)
    if np.isscalar(levels):
        low, span = float(Z.min()), float(Z.max() - Z.min())
        if log:
            levels = low + np.geomspace(span * 1e-4, span, int(levels))
        else:
            levels = low + span * np.linspace(0, 1, int(levels) + 1)[1:] ** 2
    ax.contour(X, Y, Z, levels=levels, cmap="Greys_r", linewidths=0.7, alpha=0.7)
    minimizer = problem.minimizer
    if minimizer is not None:
        ax.plot(*np.asarray(minimizer)[:2], marker="*", markersize=14, color="gold",
                markeredgecolor="black", linestyle="none", label="minimum", zorder=5)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("θ₁")
    ax.set_ylabel("θ₂")
    ax.set_title(problem.name)
    return ax


def _finite_rows(points: np.ndarray) -> np.ndarray:
    """The leading rows of ``points`` before the first non-finite one."""
    bad = ~np.all(np.isfinite(points.reshape(len(points), -1)), axis=1)
    return points[: int(np.argmax(bad))] if bad.any() else points


def _until_outside(points: np.ndarray, xlim: tuple[float, float], ylim: tuple[float, float]) -> np.ndarray:
    """The leading rows of ``points`` up to and including the first one outside the window."""
    inside = (
        (points[:, 0] >= min(xlim)) & (points[:, 0] <= max(xlim))
        & (points[:, 1] >= min(ylim)) & (points[:, 1] <= max(ylim))
    )
    return points if inside.all() else points[: int(np.argmin(inside)) + 1]


def paths(
    ax: Axes,
    trajectories: Mapping[str, Trajectory],
    colors: Mapping[str, str] | None = None,
    markers: bool | None = None,
) -> Axes:
    """Iterates θ₀, θ₁, … of each trajectory as a line through the (θ₁, θ₂) plane.

    The start is a white circle, the last iterate a filled square. A run that
    diverged is drawn until it leaves the window (when the axes have fixed
    limits, e.g. from :func:`contours`), ends in a cross, and is labelled with the step at which it diverged. ``markers`` (default: when a run has ≤ 150 steps)
    puts a dot on every iterate.
    """
    colors = colors or colors_for(list(trajectories))
    for name, traj in trajectories.items():
        if traj.iterates is None:
            raise ValueError(f"the trajectory {name!r} has no iterates: run it with record_iterates=True")
        points = _finite_rows(np.asarray(traj.iterates)[:, :2])
        if not traj.success and not ax.get_autoscale_on():
            points = _until_outside(points, ax.get_xlim(), ax.get_ylim())
        color = colors[name]
        label = name if traj.success else f"{name}: diverged at step {traj.diverged_at}"
        dots = len(points) <= 151 if markers is None else markers
        ax.plot(points[:, 0], points[:, 1], color=color, linewidth=1.3, label=label,
                marker="o" if dots else None, markersize=2.5)
        ax.plot(*points[0], marker="o", markersize=7, color="white", markeredgecolor=color, zorder=6)
        ax.plot(*points[-1], marker="X" if not traj.success else "s", markersize=7,
                color=color, markeredgecolor="black", zorder=6)
    ax.legend(loc="best", fontsize=8)
    return ax


def loss_curves(
    ax: Axes,
    trajectories: Mapping[str, Trajectory],
    log: bool = True,
    optimum: float | None = None,
    colors: Mapping[str, str] | None = None,
    styles: Mapping[str, Mapping[str, Any]] | None = None,
) -> Axes:
    """The loss f(θ_k) (or the gap f(θ_k) − f* when ``optimum`` = f* is given) per step k.

    ``log`` uses a logarithmic loss axis (non-positive values are left out).
    ``styles`` maps a name to extra ``Axes.plot`` keywords (e.g. a dashed line).
    Diverged runs are drawn up to their last finite loss, and their messages
    are written into the axes by :func:`divergence_note`.
    """
    colors = colors or colors_for(list(trajectories))
    styles = styles or {}
    for name, traj in trajectories.items():
        losses = _finite_rows(np.asarray(traj.losses, dtype=float))
        if optimum is not None:
            losses = losses - optimum
        style = {"color": colors[name], "linewidth": 1.5, **styles.get(name, {})}
        ax.plot(np.arange(len(losses)), losses, label=name, **style)
    if log:
        log_scale(ax)
    ax.set_xlabel("step k")
    ax.set_ylabel("f(θ_k) − f*" if optimum is not None else "f(θ_k)")
    ax.set_title("loss per step")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    divergence_note(ax, trajectories)
    return ax


def log_scale(ax: Axes) -> Axes:
    """A logarithmic y axis (non-positive values left out), ticks at the decades only.

    Minor ticks are kept when the data span fewer than three decades, where
    the decades alone would leave too few labels; across many decades they
    only cost drawing time.
    """
    ax.set_yscale("log", nonpositive="mask")
    low, high = ax.get_ylim()
    if high > 1e3 * low:
        ax.yaxis.set_minor_locator(NullLocator())
    return ax


def divergence_note(ax: Axes, trajectories: Mapping[str, Trajectory]) -> Axes:
    """Write the message of every diverged trajectory into the axes, in red.

    Does nothing when all runs finished.
    """
    lines = [
        textwrap.fill(f"{name}: {traj.message}", width=48, subsequent_indent="   ")
        for name, traj in trajectories.items()
        if not traj.success
    ]
    if lines:
        ax.text(0.5, 0.5, "\n".join(lines), transform=ax.transAxes, ha="center", va="center",
                fontsize=8.5, color="darkred", zorder=10,
                bbox=dict(boxstyle="round", facecolor="white", edgecolor="darkred", alpha=0.9))
    return ax
