"""What the hardened autograder costs against nbgrader's plain ``autograde``.

For each lecture, the solution notebook is autograded, in one run, three ways on the
same machine:

1. **plain**: nbgrader 0.9's own ``autograde`` steps (no course configuration besides
   the folder layout): the reference;
2. **explorers in the kernel**: the course's pipeline in the bubblewrap sandbox (cells
   put back, output caps, the verdict judged in the grader's process through the
   bridge) with the explorer cells run in the kernel, as before issue 20
   (``StandInExplorers`` and ``ExplorerPictures`` left out);
3. **make autograde**: the whole pipeline (explorer cells stood in by a no-op, their
   pictures drawn once by the grader, ``grader/explorers.py``).

Each time is the median of ``--repeats`` gradings of the notebook, interleaved; the
explorers' pictures are drawn before the timings (a batch draws them once per lecture:
that one-time cost is reported on its own). The table reports seconds per notebook, the
ratios 2/1 and 3/1 (goal: 3/1 ≤ 0.75 over the lectures), and the bridge's messages per
notebook (the grader's requests and answers; the same in 2 and 3).

Run from the repository root (needs bubblewrap)::

    python bench/sandbox_bench.py               # ~5 min on an idle 2-core CPU
    python bench/sandbox_bench.py --lectures 03-sgd --repeats 1
"""

from __future__ import annotations

import argparse
import collections
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import nbformat
from sqlalchemy.exc import SAWarning

import course.bridge
from grader import cli, explorers

REPO = Path(__file__).resolve().parents[1]
# nbgrader's defaults, with only the course's folder layout.
PLAIN = '''import os
c = get_config()
ROOT = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(ROOT, "grading"), exist_ok=True)
c.CourseDirectory.course_id = "optim-dl"
c.CourseDirectory.root = ROOT
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.submitted_directory = os.path.join("grading", "submitted")
c.CourseDirectory.autograded_directory = os.path.join("grading", "autograded")
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(ROOT, "grading", "gradebook.db")
'''
# The course's configuration with the explorers run in the kernel (before issue 20).
IN_KERNEL = """
from grader.explorers import ExplorerPictures, StandInExplorers
c.Autograde.autograde_preprocessors = [p for p in c.Autograde.autograde_preprocessors
                                       if p not in (StandInExplorers, ExplorerPictures)]
"""
WAYS = ("plain", "explorers in the kernel", "make autograde")


def _course(folder: Path, way: str, lectures: list[str]) -> Path:
    """A released copy of the course whose ``alice`` submitted each solution."""
    root = folder / way.replace(" ", "-")
    for lecture in lectures:
        shutil.copytree(REPO / "solutions" / lecture, root / "solutions" / lecture)
        submitted = root / "grading" / "submitted" / "alice" / lecture
        submitted.mkdir(parents=True)
        shutil.copy(REPO / "solutions" / lecture / f"{lecture}.ipynb", submitted)
    config = PLAIN if way == "plain" else (REPO / "nbgrader_config.py").read_text()
    if way == "explorers in the kernel":
        config += IN_KERNEL
    (root / "nbgrader_config.py").write_text(config)
    cli.release(root, lectures)
    return root


def _draw_once(root: Path, lecture: str) -> float:
    """Seconds to draw the lecture's explorer pictures into ``root``'s cache (what the
    first grading of a lecture in a batch pays)."""
    nb = nbformat.read(root / "solutions" / lecture / f"{lecture}.ipynb", as_version=4)
    sources = [c.source for c in nb.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("locked")
               and explorers.explorer_call(c.source)]
    explorers._MEMORY.clear()
    start = time.perf_counter()
    drawn = explorers.pictures(sources, root / "grading" / ".explorer-pictures")
    seconds = time.perf_counter() - start
    if not all(drawn.values()):
        raise RuntimeError(f"the explorers of {lecture} could not be drawn")
    return seconds


def _seconds(root: Path, lecture: str) -> float:
    api = cli._api(root)
    start = time.perf_counter()
    result = api.autograde(lecture, "alice", force=True, create=True)
    seconds = time.perf_counter() - start
    if not result["success"]:
        raise RuntimeError(f"autograde of {lecture} failed in {root}:\n{result['error']}")
    return seconds


class _Messages:
    """Counts the bridge messages this process sends (requests and answers)."""

    def __init__(self) -> None:
        self.count = 0
        self._send = course.bridge.send

    def __enter__(self) -> "_Messages":
        def send(sock, message):
            self.count += 1
            return self._send(sock, message)

        course.bridge.send = send
        return self

    def __exit__(self, *exc) -> None:
        course.bridge.send = self._send


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lectures", nargs="*", default=sorted(
        p.name for p in (REPO / "solutions").iterdir() if p.is_dir() and p.name[:2] != "00"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=SAWarning)
    times: dict[tuple[str, str], float] = {}
    drawing: dict[str, float] = {}
    messages: dict[str, int] = collections.Counter()
    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as folder:
        roots = {way: _course(Path(folder), way, args.lectures) for way in WAYS}
        for lecture in args.lectures:
            drawing[lecture] = _draw_once(roots["make autograde"], lecture)
            runs: dict[str, list[float]] = {way: [] for way in WAYS}
            for repeat in range(args.repeats):  # interleaved, so that load changes hit all three
                for way in WAYS:
                    with _Messages() as sent:
                        runs[way].append(_seconds(roots[way], lecture))
                    if repeat == 0 and way == "make autograde":
                        messages[lecture] = sent.count
            for way in WAYS:
                times[lecture, way] = statistics.median(runs[way])
    print(f"\nSeconds to autograde one solution notebook (median of {args.repeats}), one run:\n")
    print("| lecture | plain nbgrader | explorers in the kernel | make autograde | in the kernel / plain "
          "| make autograde / plain | pictures drawn once | bridge messages |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for lecture in args.lectures:
        plain, before, after = (times[lecture, way] for way in WAYS)
        print(f"| {lecture} | {plain:.2f} | {before:.2f} | {after:.2f} | {before / plain:.2f} | "
              f"{after / plain:.2f} | {drawing[lecture]:.2f} | {messages[lecture]} |")
    total = {way: sum(times[lecture, way] for lecture in args.lectures) for way in WAYS}
    print(f"| all | {total[WAYS[0]]:.2f} | {total[WAYS[1]]:.2f} | {total[WAYS[2]]:.2f} | "
          f"{total[WAYS[1]] / total[WAYS[0]]:.2f} | {total[WAYS[2]] / total[WAYS[0]]:.2f} | "
          f"{sum(drawing.values()):.2f} | {sum(messages.values())} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
