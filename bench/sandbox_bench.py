"""What the hardened autograder costs against nbgrader's plain ``autograde``.

For each lecture, the solution notebook is autograded, in one run, three ways on the
same machine:

1. **plain**: nbgrader 0.9's own ``autograde`` steps (no course configuration besides
   the folder layout): the reference;
2. **hardened, no sandbox**: the course's pipeline (cells put back, output caps, the
   verdict judged in the grader's process through the bridge) with
   ``GradeExecute.sandbox = False``;
3. **hardened**: the same in the bubblewrap sandbox (what ``make autograde`` runs).

Each is the median of ``--repeats`` gradings of the notebook; the table reports seconds
per notebook and the ratios 2/1 and 3/1 (goal: 3/1 ≤ 1.3).

Run from the repository root (needs bubblewrap)::

    python bench/sandbox_bench.py               # ~4 min on an idle 2-core CPU
    python bench/sandbox_bench.py --lectures 03-sgd --repeats 1
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from sqlalchemy.exc import SAWarning

from grader import cli

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
WAYS = ("plain", "hardened, no sandbox", "hardened")


def _course(folder: Path, way: str, lectures: list[str]) -> Path:
    """A released copy of the course whose ``alice`` submitted each solution."""
    root = folder / way.replace(",", "").replace(" ", "-")
    for lecture in lectures:
        shutil.copytree(REPO / "solutions" / lecture, root / "solutions" / lecture)
        submitted = root / "grading" / "submitted" / "alice" / lecture
        submitted.mkdir(parents=True)
        shutil.copy(REPO / "solutions" / lecture / f"{lecture}.ipynb", submitted)
    config = PLAIN if way == "plain" else (REPO / "nbgrader_config.py").read_text()
    if way == "hardened, no sandbox":
        config += "\nc.GradeExecute.sandbox = False\n"
    (root / "nbgrader_config.py").write_text(config)
    cli.release(root, lectures)
    return root


def _seconds(root: Path, lecture: str) -> float:
    api = cli._api(root)
    start = time.perf_counter()
    result = api.autograde(lecture, "alice", force=True, create=True)
    seconds = time.perf_counter() - start
    if not result["success"]:
        raise RuntimeError(f"autograde of {lecture} failed in {root}:\n{result['error']}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lectures", nargs="*", default=sorted(
        p.name for p in (REPO / "solutions").iterdir() if p.is_dir() and p.name[:2] != "00"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=SAWarning)
    times: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as folder:
        roots = {way: _course(Path(folder), way, args.lectures) for way in WAYS}
        for lecture in args.lectures:
            runs: dict[str, list[float]] = {way: [] for way in WAYS}
            for _ in range(args.repeats):  # interleaved, so that load changes hit all three
                for way in WAYS:
                    runs[way].append(_seconds(roots[way], lecture))
            for way in WAYS:
                times[lecture, way] = statistics.median(runs[way])
    print(f"\nSeconds to autograde one solution notebook (median of {args.repeats}), one run:\n")
    print("| lecture | plain nbgrader | hardened, no sandbox | hardened (sandbox) | no sandbox / plain | sandbox / plain |")
    print("|---|---:|---:|---:|---:|---:|")
    for lecture in args.lectures:
        plain, bare, full = (times[lecture, way] for way in WAYS)
        print(f"| {lecture} | {plain:.2f} | {bare:.2f} | {full:.2f} | {bare / plain:.2f} | {full / plain:.2f} |")
    total = {way: sum(times[lecture, way] for lecture in args.lectures) for way in WAYS}
    print(f"| all | {total[WAYS[0]]:.2f} | {total[WAYS[1]]:.2f} | {total[WAYS[2]]:.2f} | "
          f"{total[WAYS[1]] / total[WAYS[0]]:.2f} | {total[WAYS[2]] / total[WAYS[0]]:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
