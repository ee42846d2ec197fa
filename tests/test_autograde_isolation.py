"""Classmates graded side by side cost each other nothing (issue 17 §3).

One batch through ``grader.cli.autograde`` (the code behind ``make autograde``) with two
jobs, as ``make autograde`` runs on two cores: an attacker's lecture-03 notebook that
first fills every place it can write, then forks until the system refuses, every process
asking for a session of its own and spinning, graded at the same time as two honest
classmates. The honest ones get full marks with no timeout; the attacker's writes stay in
its sandbox's capped memory filesystems (the grader's disk neither fills nor keeps a
file), its processes stop at the cap and stay in one session, and none survives.

A real fork bomb spins until its notebook ends; this one stops after ``HOLD`` seconds,
which covers the honest classmates' grading and keeps the attacker's own notebook (its
later cells would crawl beside its spinning processes) short.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import shutil
import tempfile
import threading
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from test_nbgrader_roundtrip import SOLUTION_MARKER, _nbgrader

from grader import cli
from grader.sandbox import SandboxedKernelManager

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

A = "03-sgd"
TIMEOUT = 10
HOLD = 20
MiB = 2**20
# What a notebook can write beyond its submission's own files (grader/sandbox.py).
CAPS = {"home": SandboxedKernelManager.scratch_bytes.default_value,
        "/tmp": SandboxedKernelManager.tmp_bytes.default_value,
        "/dev/shm": SandboxedKernelManager.shm_bytes.default_value}
PROCESSES = SandboxedKernelManager.processes.default_value
# Printed by each notebook's first cell: the user id its kernel runs as.
WHOAMI = "import os\nprint('uid', os.getuid())"
# Fills each folder with 64 MiB files (up to 2 GiB: more than any cap) and prints, per
# folder, the MiB written and the error that stopped it. The folders the sandbox keeps
# read-only (its root, the course, the grader's shared folder) are tried too.
FILL = """
import errno, os
from ipykernel.connect import get_connection_file
places = {"home": os.path.expanduser("~"), "/tmp": "/tmp", "/dev/shm": "/dev/shm", "/": "/",
          "/opt/course": "/opt/course", "shared": os.path.dirname(get_connection_file())}
block = bytes(2**20)
for name, folder in places.items():
    written, stop = 0, "limit"
    try:
        while written < 2048 * 2**20:
            with open(os.path.join(folder, f"fill-{written >> 26}.bin"), "wb") as file:
                for _ in range(64):
                    file.write(block)
                    written += len(block)
    except OSError as error:
        stop = errno.errorcode[error.errno]
    print("filled", name, written >> 20, stop)
"""
# Forks until refused; each process asks for a session of its own and spins (forking)
# until HOLD s after the start. Prints the most processes and sessions it saw at once.
BOMB = """
import os, time
end = time.time() + {hold}

def spin():
    try:
        os.setsid()
        while time.time() < end:
            try:
                os.fork()
            except OSError:
                pass
    finally:
        os._exit(0)

def census():
    sessions = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                sessions.add(os.getsid(int(entry)))
            except OSError:
                pass
    return len([e for e in os.listdir("/proc") if e.isdigit()]), len(sessions)

most = (0, 0)
refused = False
while time.time() < end:
    try:
        if os.fork() == 0:
            spin()
    except OSError:
        refused = True
    seen = census()
    if seen > most:
        most = seen
        print("processes", *most, "refused" if refused else "", flush=True)
"""


def _solved(released, solution, extra: list[str]):
    """The released notebook with every exercise solved and ``extra`` code cells first."""
    nb = copy.deepcopy(released)
    answers = {_nbgrader(c)["grade_id"]: SOLUTION_MARKER.sub("", c.source)
               for c in solution.cells if _nbgrader(c).get("solution")}
    for cell in nb.cells:
        if _nbgrader(cell).get("solution"):
            cell.source = answers[_nbgrader(cell)["grade_id"]]
    nb.cells[1:1] = [nbformat.v4.new_code_cell(code) for code in extra]
    return nb


class _DiskWatch:
    """The least free space seen on the filesystems of ``folders`` while it runs, and
    every file matching one of their glob patterns (sampled every 0.1 s)."""

    def __init__(self, folders: dict[Path, tuple[str, ...]]) -> None:
        self.folders = folders
        self.before = self._free()
        self.least = dict(self.before)
        self.seen: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _free(self) -> dict[Path, int]:
        return {f: os.statvfs(f).f_bavail * os.statvfs(f).f_frsize for f in self.folders}

    def _watch(self) -> None:
        while not self._stop.wait(0.1):
            for folder, free in self._free().items():
                self.least[folder] = min(self.least[folder], free)
            for folder, patterns in self.folders.items():
                for pattern in patterns:
                    with contextlib.suppress(OSError):  # folders come and go
                        self.seen.update(str(p) for p in folder.glob(pattern))

    def __enter__(self) -> _DiskWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _survivors(marker: str) -> list[str]:
    """Command lines of the running processes that mention ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if entry.name.isdigit() and marker in line and int(entry.name) != os.getpid():
            found.append(line)
    return found


@pytest.fixture(scope="module")
def batch(repo, tmp_path_factory):
    """An attacker and two honest classmates, graded by two jobs at once."""
    root = tmp_path_factory.mktemp("isolation")
    # the grader's side of every sandbox of this batch (a short path: Unix sockets live there)
    runtime = Path(tempfile.mkdtemp(prefix="isolation-"))
    try:
        (root / "nbgrader_config.py").write_text(
            (repo / "nbgrader_config.py").read_text()
            + f"\nc.Execute.timeout = {TIMEOUT}\nc.GradeExecute.grace = 3\n"
            + f"c.SandboxedKernelManager.runtime_dir = {str(runtime)!r}\n")
        shutil.copytree(repo / "solutions" / A, root / "solutions" / A,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        with contextlib.redirect_stdout(io.StringIO()):
            cli.release(root, [A])
        solution = nbformat.read(root / "solutions" / A / f"{A}.ipynb", as_version=4)
        released = nbformat.read(root / "notebooks" / A / f"{A}.ipynb", as_version=4)
        # sorted, the attacker and the first honest classmate start together
        submissions = {"a_attacker": _solved(released, solution, [WHOAMI, FILL, BOMB.format(hold=HOLD)]),
                       "b_honest": _solved(released, solution, [WHOAMI]),
                       "c_honest": _solved(released, solution, [WHOAMI])}
        for student, nb in submissions.items():
            (root / "grading" / "submitted" / student / A).mkdir(parents=True)
            nbformat.write(nb, root / "grading" / "submitted" / student / A / f"{A}.ipynb")

        printed = io.StringIO()
        # where the scratch copies of submissions were, and where nbgrader runs them
        watched = {Path(tempfile.gettempdir()): ("fill-*", "*/fill-*"), root: ("grading/autograded/*/*/fill-*",)}
        with _DiskWatch(watched) as disk:
            try:
                with contextlib.redirect_stdout(printed):
                    cli.autograde(root, jobs=2)
            finally:
                print(printed.getvalue())
        free_after = disk._free()

        with Gradebook(f"sqlite:///{root / 'grading' / 'gradebook.db'}", "optim-dl") as gradebook:
            notebooks = {s: gradebook.find_submission_notebook(A, A, s) for s in submissions}
            scores = {s: {g.name: g.score for g in nb.grades} for s, nb in notebooks.items()}
            full = {g.name: g.max_score for g in notebooks["b_honest"].grades}
        graded = {s: nbformat.read(root / "grading" / "autograded" / s / A / f"{A}.ipynb", as_version=4)
                  for s in submissions}
        print("\n".join(_lines(graded["a_attacker"], 2) + _lines(graded["a_attacker"], 3)[-3:]))
        survivors, left = _survivors(str(runtime)), sorted(p.name for p in runtime.iterdir())
    finally:
        shutil.rmtree(runtime)
    return {"root": root, "left": left, "scores": scores, "full": full, "graded": graded,
            "disk": disk, "free_after": free_after, "survivors": survivors}


def _lines(nb, index: int) -> list[str]:
    outputs = nb.cells[index].get("outputs", [])
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream").splitlines()


@pytest.mark.parametrize("student", ["b_honest", "c_honest"])
def test_honest_classmates_get_full_marks(batch, student):
    assert batch["scores"][student] == batch["full"]
    errors = [o.ename for c in batch["graded"][student].cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == [], "no cell of theirs timed out or failed"


def test_each_kernel_runs_as_a_user_of_its_own(batch):
    """As root, three user ids held by no other kernel, none root; otherwise the grader's."""
    uids = {s: int(_lines(nb, 1)[0].split()[1]) for s, nb in batch["graded"].items()}
    if os.geteuid() == 0:
        assert len(set(uids.values())) == 3 and all(u >= SandboxedKernelManager.first_uid.default_value
                                                     for u in uids.values()), uids
    else:
        assert set(uids.values()) == {os.getuid()}


def test_what_a_notebook_writes_is_capped_and_in_memory(batch):
    """The attacker filled its home, /tmp and /dev/shm up to their caps (its submission's
    own files add a few pages to the home's), and nothing else; the grader's disk never
    saw the files nor lost the space."""
    filled = {line.split()[1]: (int(line.split()[2]), line.split()[3])
              for line in _lines(batch["graded"]["a_attacker"], 2) if line.startswith("filled")}
    for place, cap in CAPS.items():
        written, stop = filled[place]
        assert stop == "ENOSPC" and cap // MiB - 64 <= written <= cap // MiB + 1, (place, filled[place])
    for place in ("/", "/opt/course", "shared"):
        assert filled[place][0] == 0 and filled[place][1] in ("EROFS", "EACCES"), (place, filled[place])
    disk = batch["disk"]
    assert not disk.seen, "the attacker's files reached the grader's disk"
    attempted = sum(written for written, _ in filled.values()) * MiB
    for folder, before in disk.before.items():
        assert before - disk.least[folder] < attempted / 2, f"{folder}: the space went while grading"
        assert before - batch["free_after"][folder] < attempted / 2, f"{folder}: the space did not come back"


def test_no_file_is_left_behind(batch):
    """The grader's side of every sandbox (connection files, sockets, the copy of the
    course package) is gone, and the attacker's folder holds only its graded notebook."""
    assert batch["left"] == []
    own = batch["root"] / "grading" / "autograded" / "a_attacker" / A
    assert sorted(p.name for p in own.iterdir()) == [f"{A}.ipynb"]


def test_a_fork_bomb_stops_at_the_cap_in_one_session(batch):
    """It was refused more processes once it held the cap (threads count too), and its
    processes' requests for sessions of their own did not take them out of the one the
    sandbox gave it (Linux shares the CPU between sessions)."""
    lines = [line.split() for line in _lines(batch["graded"]["a_attacker"], 3) if line.startswith("processes")]
    most, sessions = map(int, lines[-1][1:3])
    assert lines[-1][-1] == "refused"
    assert PROCESSES // 2 < most <= PROCESSES and sessions == 1, lines[-1]


def test_no_process_outlives_the_batch(batch):
    assert batch["survivors"] == []
