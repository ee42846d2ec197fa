"""A student's own copies of the released notebooks, in a folder git ignores.

``make lab`` and Binder's start script run ``python -m course.workspace``
before JupyterLab opens: every file of ``notebooks/<lecture>/`` that the
student has no copy of yet is copied to ``my-work/<lecture>/``. A copy is
never overwritten, so a student's work survives ``git pull`` and new
releases, and a lecture added later simply appears next to the old ones.
To start a lecture afresh, delete its folder in ``my-work/`` and run this
again.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

#: Where the released notebooks are, and where students work, relative to the course root.
RELEASED = "notebooks"
WORK = "my-work"
#: What is never copied: Jupyter's checkpoints and Python's caches.
SKIPPED = (".ipynb_checkpoints", "__pycache__")


def create_copies(root: str | Path = ".", work: str = WORK) -> list[Path]:
    """Copy every released file that has no copy yet into ``<root>/<work>/``; return the new copies.

    Existing copies are left exactly as they are, edited or not.
    """
    root = Path(root).resolve()
    released = root / RELEASED
    if not released.is_dir():
        raise FileNotFoundError(f"no released notebooks in {released}: run this from the course root")
    created = []
    for source in sorted(released.rglob("*")):
        relative = source.relative_to(released)
        if not source.is_file() or any(part in SKIPPED for part in relative.parts):
            continue
        copy = root / work / relative
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
            created.append(copy)
    return created


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course.workspace",
        description=f"Copy the released notebooks into {WORK}/, never overwriting a copy.",
    )
    parser.add_argument("--root", default=".", help="the course root (holding notebooks/)")
    args = parser.parse_args(argv)
    try:
        created = create_copies(args.root)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for copy in created:
        print(f"new: {copy.relative_to(Path(args.root).resolve())}")
    print(f"Your work is in {WORK}/ (git ignores it); {len(created)} new file(s) copied.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
