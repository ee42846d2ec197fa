"""A row of controls above a figure that is redrawn whenever a control moves."""

from __future__ import annotations

import base64
import math
from typing import Any, Callable, Mapping, Sequence

import ipywidgets
from matplotlib.figure import Figure

from course import validation as check
from course.plotting import figure_png

DrawFn = Callable[..., Figure]


class Explorer(ipywidgets.VBox):
    """Named controls, and an ``Output`` showing the figure ``draw(**values)`` returns.

    Moving any control calls ``draw`` with the current values of all controls
    (as keyword arguments named like the controls) and replaces the picture.
    The figure is a plain ``matplotlib.figure.Figure`` rendered to PNG by Agg,
    so drawing never opens a window, never waits for input and leaves no
    pyplot state behind.

    Displayed as a cell's last expression, an explorer offers two
    representations: the live widget (JupyterLab, Notebook, VS Code) and a
    PNG of its current figure, which front ends without a widget manager
    (nbconvert HTML, nbgrader feedback, GitHub) show instead.

    Parameters
    ----------
    controls : mapping of str to ipywidgets widget
        The controls, each with a ``value`` trait, in display order.
    draw : callable
        ``draw(**values) -> Figure``, where ``values`` maps every control's name
        to its value.
    dpi : int
        Resolution of the PNG.

    Attributes
    ----------
    controls : dict
        The controls by name; set ``explorer.controls["lr"].value = ...`` to move one.
    output : ipywidgets.Output
        Where the figure is shown.
    figure : matplotlib.figure.Figure
        The last figure drawn.
    draws : int
        How many times the figure has been drawn (1 after construction).
    """

    def __init__(self, controls: Mapping[str, ipywidgets.Widget], draw: DrawFn, dpi: int = 90) -> None:
        for name, control in controls.items():
            if not control.has_trait("value"):
                raise TypeError(f"control {name!r} ({type(control).__name__}) has no value to observe")
        output = ipywidgets.Output()
        panel = ipywidgets.HBox(list(controls.values()), layout=ipywidgets.Layout(flex_flow="row wrap"))
        super().__init__(children=[panel, output])
        self.controls = dict(controls)
        self.output = output
        self.figure: Figure | None = None
        self.draws = 0
        self._draw = draw
        self._dpi = check.integer("dpi", dpi, minimum=10)
        self._png = b""
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def redraw(self) -> Figure:
        """Draw the figure for the current values and show it; return it."""
        figure = self._draw(**self.values)
        if not isinstance(figure, Figure):
            raise TypeError(f"draw must return a matplotlib Figure, got {type(figure).__name__}")
        self.figure = figure
        self.draws += 1
        self._png = figure_png(figure, dpi=self._dpi)
        self.output.outputs = (
            {
                "output_type": "display_data",
                "data": {"image/png": base64.b64encode(self._png).decode("ascii"), "text/plain": self._text()},
                "metadata": {},
            },
        )
        return figure

    def _on_change(self, change: Mapping[str, Any]) -> None:
        self.redraw()

    def _text(self) -> str:
        settings = ", ".join(
            f"{name}={value:.3g}" if isinstance(value, float) else f"{name}={value!r}"
            for name, value in self.values.items()
        )
        return f"<{type(self).__name__}: {settings}; interactive in JupyterLab>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The widget view, plus a PNG and text for front ends without widgets."""
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["image/png"] = base64.b64encode(self._png).decode("ascii")
        bundle["text/plain"] = self._text()
        return bundle


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
