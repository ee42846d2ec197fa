"""``exercise_demo``: demo cells that wait quietly for an unfinished exercise."""

from __future__ import annotations

import contextlib
from typing import Iterator


@contextlib.contextmanager
def exercise_demo(*names: str) -> Iterator[None]:
    """Run a demo cell that uses the exercises ``names``; while one still raises
    NotImplementedError, print a one-line hint instead of a traceback.

    >>> with exercise_demo("sgd_step", "linear_decay"):
    ...     theta = sgd_step(theta, g, linear_decay(k, 0.1, 0.001, 100))
    """
    try:
        yield
    except NotImplementedError:
        listed = ", ".join(f"`{name}`" for name in names)
        print(f"⏳ Implement {listed} above to see this demo.")
