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
    "loss_axes",
    "loss_curves",
    "divergence_note",
    "PathLine",
    "LossLine",
    "DivergenceNote",
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


class PathLine:
    """The iterates θ₀, θ₁, … of one run as a line through the (θ₁, θ₂) plane.

    The start is a white circle, the last iterate a filled square, or a cross
    when the run diverged; a diverged run is drawn until it leaves the window
    (when the axes have fixed limits, e.g. from :func:`contours`). ``markers``
    (default: when a run has ≤ 150 steps) puts a dot on every iterate.

    Created empty; :meth:`show` sets its data. With ``animated=True`` (for an
    :class:`~course.widgets.Explorer`) its artists are redrawn on their own.
    """

    def __init__(self, ax: Axes, label: str, color: str, animated: bool = False,
                 markers: bool | None = None) -> None:
        self.ax = ax
        self.markers = markers
        (self.line,) = ax.plot([], [], color=color, linewidth=1.3, label=label, markersize=2.5,
                               animated=animated)
        (self.start,) = ax.plot([], [], marker="o", markersize=7, color="white", markeredgecolor=color,
                                linestyle="none", zorder=6, animated=animated)
        (self.end,) = ax.plot([], [], marker="s", markersize=7, color=color, markeredgecolor="black",
                              linestyle="none", zorder=6, animated=animated)

    def show(self, trajectory: Trajectory) -> None:
        """Draw ``trajectory`` (recorded with its iterates)."""
        if trajectory.iterates is None:
            raise ValueError("the trajectory has no iterates: run it with record_iterates=True")
        points = _finite_rows(np.asarray(trajectory.iterates)[:, :2])
        if not trajectory.success and not self.ax.get_autoscale_on():
            points = _until_outside(points, self.ax.get_xlim(), self.ax.get_ylim())
        dots = len(points) <= 151 if self.markers is None else self.markers
        self.line.set_data(points[:, 0], points[:, 1])
        self.line.set_marker("o" if dots else "None")
        self.start.set_data(points[:1, 0], points[:1, 1])
        self.end.set_data(points[-1:, 0], points[-1:, 1])
        self.end.set_marker("s" if trajectory.success else "X")


class LossLine:
    """The loss f(θ_k) of one run per step k, or the gap f(θ_k) − f* when ``optimum`` = f* is given.

    Non-finite losses of a diverged run are left out. Created empty; :meth:`show`
    sets its data. ``style`` holds extra ``Axes.plot`` keywords (e.g. a dashed line).
    """

    def __init__(self, ax: Axes, label: str, color: str, optimum: float | None = None,
                 animated: bool = False, **style: Any) -> None:
        self.optimum = optimum
        (self.line,) = ax.plot([], [], label=label, **{"color": color, "linewidth": 1.5, **style},
                               animated=animated)

    def show(self, trajectory: Trajectory) -> None:
        """Draw the losses of ``trajectory``."""
        losses = _finite_rows(np.asarray(trajectory.losses, dtype=float))
        if self.optimum is not None:
            losses = losses - self.optimum
        self.line.set_data(np.arange(len(losses)), losses)


class DivergenceNote:
    """The messages of the diverged runs, in red in the middle of the axes; empty when none diverged."""

    def __init__(self, ax: Axes, animated: bool = False) -> None:
        self.text = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                            fontsize=8.5, color="darkred", zorder=10, animated=animated,
                            bbox=dict(boxstyle="round", facecolor="white", edgecolor="darkred", alpha=0.9))

    def show(self, trajectories: Mapping[str, Trajectory]) -> None:
        """Write the message of every diverged run of ``trajectories``."""
        lines = [
            textwrap.fill(f"{name}: {traj.message}", width=48, subsequent_indent="   ")
            for name, traj in trajectories.items()
            if not traj.success
        ]
        self.text.set_text("\n".join(lines))
        self.text.set_visible(bool(lines))


def paths(
    ax: Axes,
    trajectories: Mapping[str, Trajectory],
    colors: Mapping[str, str] | None = None,
    markers: bool | None = None,
) -> Axes:
    """Each trajectory as a :class:`PathLine`, with a legend; a diverged run's label says when it diverged."""
    colors = colors or colors_for(list(trajectories))
    for name, traj in trajectories.items():
        if traj.iterates is None:
            raise ValueError(f"the trajectory {name!r} has no iterates: run it with record_iterates=True")
        label = name if traj.success else f"{name}: diverged at step {traj.diverged_at}"
        PathLine(ax, label, colors[name], markers=markers).show(traj)
    ax.legend(loc="best", fontsize=8)
    return ax


def loss_axes(ax: Axes, log: bool = True, optimum: bool = False, title: str = "loss per step") -> Axes:
    """Label ``ax`` for loss curves: step k against f(θ_k) (or f(θ_k) − f* with ``optimum``)."""
    if log:
        log_scale(ax)
    ax.set_xlabel("step $k$")
    ax.set_ylabel(r"$f(\theta_k) - f^*$" if optimum else r"$f(\theta_k)$")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    return ax


def loss_curves(
    ax: Axes,
    trajectories: Mapping[str, Trajectory],
    log: bool = True,
    optimum: float | None = None,
    colors: Mapping[str, str] | None = None,
    styles: Mapping[str, Mapping[str, Any]] | None = None,
) -> Axes:
    """Each trajectory as a :class:`LossLine`, with a legend and a :class:`DivergenceNote`.

    ``log`` uses a logarithmic loss axis (non-positive values are left out);
    ``styles`` maps a name to extra ``Axes.plot`` keywords.
    """
    colors = colors or colors_for(list(trajectories))
    styles = styles or {}
    for name, traj in trajectories.items():
        LossLine(ax, name, colors[name], optimum, **styles.get(name, {})).show(traj)
    ax.relim()
    ax.autoscale_view()
    loss_axes(ax, log=log, optimum=optimum is not None)
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

    Adds nothing when all runs finished.
    """
    if any(not traj.success for traj in trajectories.values()):
        DivergenceNote(ax).show(trajectories)
    return ax
