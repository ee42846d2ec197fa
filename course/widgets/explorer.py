"""The course's widget pattern: a panel of controls above a picture that follows them.

An :class:`Explorer` keeps one figure alive. What does not depend on the
controls (contours, reference curves, axes, legends) is drawn into it once;
``update(**values)`` changes only what does, on artists created with
``animated=True``. Every move then costs a paste of the kept pixels, the
animated artists drawn over them, and a PNG: tens of milliseconds rather
than the hundreds that building and rasterising a new figure takes.
"""

from __future__ import annotations

import asyncio
import base64
import io
import math
from typing import Any, Callable, Hashable, Iterator, Mapping, Sequence

import ipywidgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from course import validation as check

UpdateFn = Callable[..., None]

#: Controls per row of the panel above the picture.
COLUMNS = 2


class Explorer(ipywidgets.VBox):
    """Named controls above a picture of ``figure``, kept in step with them by ``update``.

    Moving any control calls ``update`` with the current values of all
    controls (keyword arguments named like the controls) and shows the new
    picture. ``update`` changes the figure in place: the data of lines, the
    text of labels. Artists it changes must be *animated*
    (``animated=True``): the explorer draws everything else once, keeps those
    pixels, and on each move pastes them back and draws only the animated
    artists over them. Anything else that ``update`` changes (a limit, a
    non-animated artist) marks the figure stale in Matplotlib, and the
    explorer then redraws it whole.

    Moves that come from the browser are coalesced: while a picture is being
    drawn, further moves only record their value, and one picture for the
    latest values follows, so holding an arrow key never replays a backlog.
    Moves made from Python (``explorer.controls["lr"].value = 0.1``) redraw
    at once.

    Displayed as a cell's last expression, an explorer offers two
    representations: the live widget (JupyterLab, Notebook, VS Code) and a
    PNG of its current picture, which front ends without a widget manager
    (nbconvert HTML, nbgrader feedback, GitHub) show instead.

    Parameters
    ----------
    controls : mapping of str to ipywidgets widget
        The controls, each with a ``value`` trait, in display order.
    figure : matplotlib.figure.Figure
        The figure, with everything that does not move drawn in it.
    update : callable
        ``update(**values)``, where ``values`` maps every control's name to its
        value; changes the figure's animated artists.
    dpi : int
        Resolution of the picture.
    static_key : callable, optional
        ``static_key(**values)``: a hashable name of the state of the figure's
        non-animated part for those values (e.g. which problem's contours are shown),
        when ``update`` switches it between a few states. The kept pixels of each state
        are then reused when the state returns, instead of redrawing the whole figure:
        ``update`` must leave the non-animated part exactly as it was the last time
        the key had that value.

    Attributes
    ----------
    controls : dict
        The controls by name; set ``explorer.controls["lr"].value = ...`` to move one.
    figure : matplotlib.figure.Figure
        The figure shown.
    image : ipywidgets.Image
        Where the picture is shown.
    png : bytes
        The current picture, as PNG.
    draws : int
        How many pictures have been drawn (1 after construction).
    full_draws : int
        How many of them redrew the whole figure (the rest pasted the kept pixels).
    """

    def __init__(self, controls: Mapping[str, ipywidgets.Widget], figure: Figure, update: UpdateFn,
                 dpi: int = 90, static_key: Callable[..., Hashable] | None = None) -> None:
        for name, control in controls.items():
            if not control.has_trait("value"):
                raise TypeError(f"control {name!r} ({type(control).__name__}) has no value to observe")
        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
        figure.set_dpi(check.integer("dpi", dpi, minimum=10))
        width, height = (int(round(v)) for v in figure.bbox.size)
        self.image = ipywidgets.Image(
            format="png", layout=ipywidgets.Layout(width=f"{width}px", max_width="100%", height="auto")
        )
        panel = ipywidgets.GridBox(
            list(controls.values()),
            layout=ipywidgets.Layout(
                grid_template_columns=f"repeat({min(COLUMNS, len(controls))}, max-content)",
                grid_gap="2px 24px",
            ),
        )
        super().__init__(children=[panel, self.image])
        self.controls = dict(controls)
        self.figure = figure
        self.draws = 0
        self.full_draws = 0
        self._update = update
        self._canvas = FigureCanvasAgg(figure)
        self._background: Any = None
        self._static_key = static_key
        self._backgrounds: dict[Hashable, Any] = {}
        self._scheduled = False
        self.png = b""
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def redraw(self) -> Figure:
        """Update the figure for the current values and show its picture; return it."""
        self._scheduled = False
        result = self._update(**self.values)
        if result is not None:
            raise TypeError(f"update must change the figure in place and return None, got {type(result).__name__}")
        self.png = self._render()
        self.image.value = self.png
        self.draws += 1
        return self.figure

    def _render(self) -> bytes:
        """The figure as PNG: the kept pixels and the animated artists, or a whole new drawing."""
        key = self._static_key(**self.values) if self._static_key is not None else None
        if self._background is not None and self.figure.stale and key in self._backgrounds:
            self._background = self._backgrounds[key]  # a state drawn before: its kept pixels
            self.figure.stale = False
        if self._background is None or self.figure.stale:
            self._canvas.draw()  # everything but the animated artists
            # Lay out once; positions stay put afterwards, so kept pixels remain valid.
            self.figure.set_layout_engine("none")
            self.figure.stale = False
            self._background = self._canvas.copy_from_bbox(self.figure.bbox)
            self.full_draws += 1
            if self._static_key is not None:
                self._backgrounds[key] = self._background
        else:
            self._canvas.restore_region(self._background)
        for ax in self.figure.axes:
            for artist in sorted(_animated(ax), key=Artist.get_zorder):
                ax.draw_artist(artist)
        return _png(self._canvas)

    def _on_change(self, change: Mapping[str, Any]) -> None:
        if not _from_browser(change):
            self.redraw()
        elif not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self.redraw)

    def _text(self) -> str:
        settings = ", ".join(
            f"{name}={value:.3g}" if isinstance(value, float) else f"{name}={value!r}"
            for name, value in self.values.items()
        )
        return f"<{type(self).__name__}: {settings}; interactive in JupyterLab>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The widget view, plus a PNG and text for front ends without widgets."""
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        bundle["text/plain"] = self._text()
        return bundle


def _animated(ax: Any) -> Iterator[Artist]:
    return (artist for artist in ax.get_children() if artist.get_animated() and artist.get_visible())


def _from_browser(change: Mapping[str, Any]) -> bool:
    """Whether a change of a control's value came from the front end (while a loop runs).

    ipywidgets applies a front end's state under ``_property_lock``; a value set
    from Python is not in it. Without a running event loop there is nothing
    to coalesce with.
    """
    locked = getattr(change["owner"], "_property_lock", {})
    if change["name"] not in locked:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _png(canvas: FigureCanvasAgg) -> bytes:
    """The canvas's pixels as PNG, without alpha and lightly compressed (fast to write)."""
    pixels = np.asarray(canvas.buffer_rgba())[..., :3]
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _slider_style(description: str) -> dict[str, Any]:
    return dict(
        description=description,
        continuous_update=False,
        style={"description_width": "initial"},
        layout=ipywidgets.Layout(width="340px"),
    )


def log_slider(description: str, value: float, low: float, high: float) -> ipywidgets.FloatLogSlider:
    """A slider for a positive number on a log scale, 10 stops per decade.

    The range [low, high] is widened to include ``value``.
    """
    value = check.positive(description, value)
    return ipywidgets.FloatLogSlider(
        value=value,
        base=10,
        min=math.log10(min(low, value)),
        max=math.log10(max(high, value)),
        step=0.1,
        readout_format=".3g",
        **_slider_style(description),
    )


def linear_slider(description: str, value: float, low: float, high: float, step: float) -> ipywidgets.FloatSlider:
    """A slider for a number in [low, high] (widened to include ``value``)."""
    value = float(value)
    return ipywidgets.FloatSlider(
        value=value, min=min(low, value), max=max(high, value), step=step,
        readout_format=".3g", **_slider_style(description),
    )


def choice(description: str, value: Any, options: Mapping[str, Any]) -> ipywidgets.ToggleButtons:
    """Buttons for one of ``options`` (label -> value); ``value`` must be one of the values."""
    if value not in options.values():
        raise ValueError(
            f"{description} must be one of {', '.join(map(repr, options.values()))}, got {value!r}"
        )
    return ipywidgets.ToggleButtons(
        options=list(options.items()), value=value, description=description,
        style={"description_width": "initial", "button_width": "auto"},
    )


def options_slider(description: str, value: Any, options: Sequence[Any]) -> ipywidgets.SelectionSlider:
    """A slider over the values ``options`` (e.g. the powers of two); ``value`` must be one of them."""
    if value not in options:
        raise ValueError(f"{description} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return ipywidgets.SelectionSlider(options=list(options), value=value, **_slider_style(description))
