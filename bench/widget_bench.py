"""Time every control of every lecture's widget: from a new value to a finished picture.

For each explorer in :mod:`course.widgets` (built with its defaults) and each of its
controls, the control is moved ``--moves`` times to its next stops (sliders step by
step, buttons through their options) and each move is timed from setting the value in
Python to the new PNG. In the same run the benchmark times a **whole redraw** of the
same figure (everything drawn anew, no kept pixels: what every move cost before the
explorers kept their figure), and reports move / whole redraw.

Where the browser tests have run (``tests/browser``, which write
``test-artifacts/browser/latency.json``), the latency measured in JupyterLab in
Chromium, from the key press or click to the new picture painted, is shown next to it.
Run from the repository root::

    python bench/widget_bench.py             # 5 moves per control (~30 s)
    python bench/widget_bench.py --moves 2   # a smoke run
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TextIO

import ipywidgets

from course import widgets
from course.widgets import Explorer

REPO = Path(__file__).resolve().parents[1]
BROWSER_LATENCIES = REPO / "test-artifacts" / "browser" / "latency.json"
#: The lecture of each widget module, for the table.
LECTURES = {"sgd": "03", "momentum": "04", "adaptive": "05", "secondorder": "06", "batchnorm": "07",
            "initialization": "08", "learning": "01", "challenges": "02", "strategies": "09"}


@dataclass
class Row:
    """The timings of one control (milliseconds)."""

    lecture: str
    widget: str
    control: str
    moves: list[float]
    whole_redraw: float
    browser: list[float] | None

    @property
    def median(self) -> float:
        return statistics.median(self.moves)

    @property
    def ratio(self) -> float:
        return self.median / self.whole_redraw


def explorer_factories() -> dict[str, Callable[[], Explorer]]:
    """Every explorer of :mod:`course.widgets`, by name."""
    return {name: getattr(widgets, name) for name in widgets.__all__ if name.endswith("_explorer")}


def next_values(control: ipywidgets.Widget, moves: int) -> list[Any]:
    """The values of ``moves`` successive moves: slider stops in the direction with room
    (as arrow keys would), or the other options of a button group, in turn."""
    if isinstance(control, ipywidgets.ToggleButtons):
        values = [value for _, value in control.options]
        others = [v for v in values if v != control.value] + [control.value]
        return [others[i % len(others)] for i in range(moves)]
    if isinstance(control, ipywidgets.SelectionSlider):
        stops, start = list(control.options), control.index
    elif isinstance(control, ipywidgets.FloatLogSlider):
        count = round((control.max - control.min) / control.step)
        stops = [control.base ** (control.min + i * control.step) for i in range(count + 1)]
        start = min(range(len(stops)), key=lambda i: abs(math.log(stops[i] / control.value)))
    else:
        count = round((control.max - control.min) / control.step)
        stops = [control.min + i * control.step for i in range(count + 1)]
        start = min(range(len(stops)), key=lambda i: abs(stops[i] - control.value))
    step = 1 if start + moves < len(stops) else -1
    return [stops[(start + step * (k + 1)) % len(stops)] for k in range(moves)]


def time_moves(explorer: Explorer, name: str, moves: int) -> list[float]:
    """Milliseconds of each move of control ``name`` to its next values."""
    times = []
    for value in next_values(explorer.controls[name], moves):
        start = time.perf_counter()
        explorer.controls[name].value = value
        times.append((time.perf_counter() - start) * 1000)
    return times


def time_whole_redraw(explorer: Explorer, repeats: int = 3) -> float:
    """Milliseconds of drawing the explorer's figure anew, without kept pixels (best of ``repeats``)."""
    best = math.inf
    for _ in range(repeats):
        explorer.figure.stale = True
        start = time.perf_counter()
        explorer.redraw()
        best = min(best, (time.perf_counter() - start) * 1000)
    return best


def browser_latencies(path: Path = BROWSER_LATENCIES) -> dict[str, list[float]]:
    """"<explorer>: <control label>" -> latencies from the browser tests, if they ran."""
    if not path.is_file():
        return {}
    return {control: ms for controls in json.loads(path.read_text()).values() for control, ms in controls.items()}


def measure(moves: int) -> list[Row]:
    browser = browser_latencies()
    rows = []
    for name, factory in explorer_factories().items():
        lecture = LECTURES.get(factory.__module__.rsplit(".", 1)[-1], "?")
        explorer = factory()
        whole = time_whole_redraw(explorer)
        for control, widget in explorer.controls.items():
            rows.append(Row(lecture, name, control, time_moves(explorer, control, moves), whole,
                            browser.get(f"{name}: {widget.description}")))
    return rows


def report(rows: list[Row], out: TextIO) -> None:
    print("| lecture | widget | control | move median ms | move worst ms | whole redraw ms | "
          "move / whole | browser median ms | browser worst ms |", file=out)
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |", file=out)
    for r in sorted(rows, key=lambda r: (r.lecture, r.widget)):
        shown = (f"{statistics.median(r.browser):.0f} | {max(r.browser):.0f}" if r.browser else "– | –")
        print(f"| {r.lecture} | {r.widget} | {r.control} | {r.median:.0f} | {max(r.moves):.0f} | "
              f"{r.whole_redraw:.0f} | {r.ratio:.2f} | {shown} |", file=out)


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=5, help="moves per control (default 5)")
    args = parser.parse_args(argv)
    if args.moves < 1:
        parser.error("--moves must be at least 1")
    rows = measure(args.moves)
    report(rows, out)
    return rows


if __name__ == "__main__":
    main()
