"""Hardened nbgrader autograding: sandboxed kernels, verdicts out of reach, cells put back.

nbgrader 0.9's ``autograde`` runs students' code as the instructor, lets it decide its own
verdict, gives up on a notebook whose kernel dies, and trusts the submitted notebook's
structure. The preprocessors here replace three of its steps (wired in
``nbgrader_config.py``, so ``make autograde`` and a plain ``nbgrader autograde`` both use
them):

``RestoreCells`` (replaces ``OverwriteCells`` in the sanitize step)
    Every nbgrader cell is relabelled from the gradebook: a cell whose ``grade_id`` is not
    in the gradebook (a renamed id) becomes an ordinary cell; a known cell gets back its
    flags (solution/grade/locked/points, cell type), so a solution cell relabelled as a
    test, or a test cell relabelled as a solution, is reverted instead of failing the
    notebook. Locked cells get their source back (as nbgrader does). Graded cells that are
    missing (deleted, renamed or stripped of their metadata) are put back from the
    gradebook, hidden tests included, after the nearest cell that precedes them in the
    source notebook, and graded. Everything changed is written to the tamper report.
``GradeExecute`` (replaces ``Execute``)
    Runs the kernel in the bubblewrap sandbox (:mod:`grader.sandbox`); judges each graded
    test cell written with the course's checks in this process (:mod:`grader.verdict`,
    :mod:`grader.bridge`) and runs every other test cell in the kernel, as nbgrader does;
    restarts a kernel that died or hung and replays the earlier cells, so a failure costs
    only its cell; caps the output stored per cell and per notebook in bytes while the
    cell runs (a cell printing 50 MB stores at most the cap, plus a note saying how much
    was cut); and words timeouts and deaths plainly: "your code ran longer than 30 s in
    `f` …".
``SaveAutoGradesFromErrors`` (replaces ``SaveAutoGrades``)
    A test cell judged in this process scores 0 only when it raised an error: output on
    stderr (a warning, a log line) does not zero it. Any other test cell is scored as
    nbgrader scores it (stderr output scores 0, a numeric last expression is partial
    credit). A ``manual_score`` or ``extra_credit`` found in the gradebook on an
    automatically graded cell (left from an earlier run) is cleared and reported;
    hand-graded answers keep the instructor's grades.

The tamper report (``TamperReport.path``, ``grading/tamper-report.csv`` here) has one
row per change that would change a grade or a test: student, assignment, notebook, cell,
change. Each autograde of a submission replaces that submission's rows. Metadata that
only differs as another nbgrader version writes it (a test cell not marked locked, a task
cell's points, keys of another schema) is restored without a row: such cells are counted
as normalised (``NORMALISED``, the autograde summary's "normalised" row).
"""

from __future__ import annotations

import copy
import csv
import json
import os
import queue
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Iterable

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, Execute, OverwriteCells, SaveAutoGrades
from traitlets import Bool, Integer, Unicode
from traitlets.config import LoggingConfigurable

from grader.diagnoses import keep
from grader.sandbox import SandboxedKernelManager
from grader.verdict import (
    HIDDEN_TESTS, TrustedTest, died_message, error_output as _error, is_trusted, timeout_message,
)

REPORT_FIELDS = ("student", "assignment", "notebook", "cell", "change")
#: (student, assignment, notebook) -> cells of its last autograde in this process whose
#: nbgrader metadata differed from the gradebook's only as another nbgrader version
#: writes it (restored, not reported as tampering; counted in the autograde summary).
NORMALISED: dict[tuple[str, str, str], int] = {}
# Keys of nbgrader's cell metadata (schema 3); any other key fails its validator.
METADATA_KEYS = {"schema_version", "grade", "solution", "locked", "grade_id", "points", "task", "cell_type", "checksum"}
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# An IPython traceback frame in a notebook cell: "Cell In[12], line 3, in sgd_step(theta, g, lr)".
# Bytes counted for each stored output besides its content (its JSON envelope), as text:
# bounds how many tiny outputs a cell can store.
OUTPUT_OVERHEAD = 64
CELL_FRAME = re.compile(r"Cell In\s*\[\d*\], line \d+, in ([A-Za-z_]\w*)")


# --------------------------------------------------------------------------- report


class TamperReport(LoggingConfigurable):
    """The CSV file listing what autograding changed in submissions."""

    path = Unicode(
        "", help="CSV file of the changes autograding made to submissions ('' = log only)"
    ).tag(config=True)

    def rows(self) -> list[dict[str, str]]:
        if not self.path or not os.path.isfile(self.path):
            return []
        with open(self.path, newline="", encoding="utf-8") as file:
            return list(csv.DictReader(file))

    def write(
        self, student: str, assignment: str, notebook: str, events: Iterable[tuple[str, str]],
        replace: bool, log: bool = True,
    ) -> None:
        """Record ``(cell, change)`` events of one notebook; ``replace`` drops its older rows."""
        events = list(events)
        for cell, change in events if log else ():
            self.log.warning("tamper: %s/%s/%s cell %s: %s", student, assignment, notebook, cell, change)
        if not self.path:
            return
        key = (student, assignment, notebook)
        rows = self.rows()
        if replace:
            rows = [r for r in rows if (r["student"], r["assignment"], r["notebook"]) != key]
        elif not events:
            return
        rows += [dict(zip(REPORT_FIELDS, (*key, cell, change))) for cell, change in events]
        rows.sort(key=lambda r: (r["student"], r["assignment"], r["notebook"]))
        self.save(self.path, rows)

    @staticmethod
    def save(path: str, rows: list[dict[str, str]]) -> None:
        """Write ``rows`` as the report at ``path``, atomically (a reader never sees half)."""
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        temporary = path + ".tmp"
        with open(temporary, "w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, REPORT_FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        os.replace(temporary, path)


def _ids(resources: dict) -> tuple[str, str, str]:
    info = resources["nbgrader"]
    return info["student"], info["assignment"], info["notebook"]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _first_difference(old: str, new: str) -> str:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for a, b in zip(old_lines, new_lines):
        if a != b:
            return f"{_short(a)} -> {_short(b)}"
    if len(old_lines) > len(new_lines):
        return f"removed {_short(old_lines[len(new_lines)])}"
    if len(new_lines) > len(old_lines):
        return f"added {_short(new_lines[len(old_lines)])}"
    return "whitespace"


# --------------------------------------------------------------------- sanitize step


class RestoreCells(OverwriteCells):
    """``OverwriteCells`` that relabels cells from the gradebook, puts missing graded
    cells back where they belong and reports every change (see the module docstring)."""

    add_missing_cells = Bool(
        True, help="Put back graded (and task) cells missing from the submission"
    ).tag(config=True)

    missing_cell_notification = Unicode(
        "This cell ({cell_id}) was missing from the submission: the autograder put it back.\n",
    ).tag(config=True)

    def _source_order(self, names: list[str]) -> list[str]:
        """grade_ids in source-notebook order (the gradebook keeps no order)."""
        coursedir = getattr(getattr(self.parent, "parent", None), "coursedir", None)
        if coursedir is not None:
            path = Path(coursedir.format_path(coursedir.source_directory, ".", self.assignment_id)) / f"{self.notebook_id}.ipynb"
            try:
                source = nbformat.read(path, as_version=4)
            except (OSError, ValueError):
                pass
            else:
                order = [c.metadata.get("nbgrader", {}).get("grade_id") for c in source.cells]
                order = [name for name in order if name in names]
                if set(order) == set(names):
                    return order
        return names

    def _load(self) -> None:
        notebook = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        self.sources = {cell.name: cell for cell in notebook.source_cells}
        self.points = {cell.name: float(cell.max_score) for cell in notebook.grade_cells}
        self.solutions = {cell.name for cell in notebook.solution_cells}
        self.tasks = {cell.name: float(cell.max_score) for cell in notebook.task_cells}
        self.order = self._source_order([cell.name for cell in notebook.source_cells])
        hider = ClearHiddenTests(parent=self)
        self.released = {}
        for name, source_cell in self.sources.items():
            cell = NotebookNode(source=source_cell.source)
            try:
                hider._remove_hidden_test_region(cell)
            except RuntimeError:
                pass
            self.released[name] = cell.source

    def _event(self, cell: str, change: str) -> None:
        self.events.append((cell, change))

    def _dedupe(self, nb: NotebookNode) -> None:
        """Keep the last cell of each grade_id (as nbgrader's DeduplicateIds), report the rest."""
        seen = set()
        for index in range(len(nb.cells) - 1, -1, -1):
            cell = nb.cells[index]
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id is None:
                continue
            if grade_id in seen:
                self._event(grade_id, f"duplicate of the cell (position {index + 1}): its nbgrader label was removed")
                del cell.metadata["nbgrader"]
            seen.add(grade_id)

    def _relabel(self, cell: NotebookNode, index: int) -> None:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            return
        if not isinstance(meta, dict):
            del cell.metadata["nbgrader"]
            return
        name = meta.get("grade_id")
        if name is None or name not in self.sources:
            if name is not None or meta.get("grade") or meta.get("solution") or meta.get("task"):
                label = name if name is not None else f"(cell {index + 1})"
                self._event(label, "label not in the gradebook (renamed grade_id?): treated as an ordinary cell")
            del cell.metadata["nbgrader"]
            return
        source = self.sources[name]
        want: dict[str, Any] = {
            "grade": name in self.points,
            "solution": name in self.solutions,
            "locked": bool(source.locked),
        }
        if name in self.points:
            want["points"] = self.points[name]
        if name in self.tasks:
            want["task"] = True
            want["points"] = self.tasks[name]
        # What would change a grade or a test if it stayed is tampering; the rest (the
        # locked flag, which nbgrader sets itself, a task's points, which the gradebook
        # keeps, keys of another nbgrader version) differs between nbgrader versions.
        changed, normalised = [], []
        for key, value in want.items():
            old = meta.get(key, False if key != "points" else None)
            if key == "points":
                try:
                    same = old is not None and float(old) == value
                except (TypeError, ValueError):
                    same = False
            else:
                same = bool(old) == value
            if not same:
                harmless = key == "locked" or (key == "points" and name not in self.points)
                (normalised if harmless else changed).append(f"{key} {old!r} -> {value!r}")
        for key in ("points", "task"):
            if key not in want and key in meta:
                (changed if key == "task" and meta[key] else normalised).append(f"{key} {meta[key]!r} removed")
                del meta[key]
        meta.update(want)
        if cell.cell_type != source.cell_type:
            changed.append(f"cell type {cell.cell_type} -> {source.cell_type}")
            self.update_cell_type(cell, source.cell_type)
        if "cell_type" in meta:
            meta["cell_type"] = source.cell_type
        meta.setdefault("schema_version", 3)
        for key in sorted(set(meta) - METADATA_KEYS):
            normalised.append(f"unknown key {key!r} removed")
            del meta[key]
        if changed:
            self._event(name, "relabelled, restored: " + ", ".join(changed + normalised))
        elif normalised:
            self.normalised.append((name, ", ".join(normalised)))

    def report_change(self, name: str, attr: str, old: Any, new: Any) -> None:
        if attr == "checksum":
            submitted = self._submitted_source
            if submitted in (self.sources[name].source, self.released[name]):
                return  # the released cell (hidden tests cut) or the source itself: untouched
            self._event(name, "locked cell edited, reverted: " + _first_difference(self.released[name], submitted))
        else:
            self._event(name, f"{attr} changed ({new!r}, should be {old!r}), reverted")

    def preprocess_cell(self, cell, resources, cell_index):
        self._submitted_source = cell.source
        return super().preprocess_cell(cell, resources, cell_index)

    def _put_back(self, nb: NotebookNode) -> None:
        """Insert each missing graded cell after its nearest present predecessor in the source."""
        for position, name in enumerate(self.order):
            if name not in self.points:
                continue
            present = {
                c.metadata.get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(nb.cells)
            }
            if name in present:
                continue
            cell = nbformat.from_dict(self.missing_cell_transform(
                self.sources[name], self.points[name], is_solution=name in self.solutions
            ))
            cell.metadata.nbgrader["schema_version"] = 3
            cell.metadata.nbgrader["locked"] = bool(self.sources[name].locked)
            if nb.nbformat > 4 or (nb.nbformat == 4 and nb.nbformat_minor >= 5):
                cell["id"] = f"restored-{name}"[:64]
            at = 0
            for before in reversed(self.order[:position]):
                if before in present:
                    at = present[before] + 1
                    break
            nb.cells.insert(at, cell)
            self._event(name, "graded cell missing (deleted, or its label changed): put back and graded")

    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.db_url = resources["nbgrader"]["db_url"]
        self.events: list[tuple[str, str]] = []
        self.normalised: list[tuple[str, str]] = []  # cells whose metadata only differs by nbgrader version
        self.gradebook = Gradebook(self.db_url)
        with self.gradebook:
            self._load()
            self._dedupe(nb)
            for index, cell in enumerate(nb.cells):
                self._relabel(cell, index)
            for index, cell in enumerate(nb.cells):
                nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
            if self.add_missing_cells:
                self._put_back(nb)
                nb, resources = self.add_missing_task_cells(nb, resources)
        TamperReport(parent=self).write(*_ids(resources), self.events, replace=True)
        for cell, change in self.normalised:
            self.log.info("normalised: %s/%s/%s cell %s: %s", *_ids(resources), cell, change)
        NORMALISED[_ids(resources)] = len(self.normalised)
        return nb, resources


# ---------------------------------------------------------------------- execute step


def _text_bytes(out: NotebookNode) -> tuple[int, int]:
    """(text bytes, binary bytes) of one output."""
    if out.output_type == "stream":
        return len(out.text.encode("utf-8", "replace")), 0
    if out.output_type == "error":
        return len(out.ename) + len(out.evalue) + sum(map(len, out.traceback)), 0
    text = binary = 0
    for mime, value in out.get("data", {}).items():
        size = len(value if isinstance(value, str) else json.dumps(value))
        if mime.startswith("image/") or mime.startswith("application/pdf"):
            binary += size
        else:
            text += size
    return text, binary


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, on a character boundary."""
    return text.encode("utf-8", "replace")[: max(limit, 0)].decode("utf-8", "ignore")


def _kb(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"


class GradeExecute(Execute):
    """nbgrader's ``Execute``, hardened: the notebook runs in the sandbox, test cells
    written with the course's checks are judged in the grader's process, a dead or hung
    kernel costs only its cell, stored output is capped in bytes, and timeouts are worded
    plainly.

    * ``sandbox`` (default True): the kernel runs in :mod:`grader.sandbox`; without
      bubblewrap autograding stops with a message saying how to install it, unless the
      instructor sets ``GradeExecute.sandbox = False`` (``make autograde UNSAFE=1``).
    * Each graded test cell written with the course's checks (:func:`is_judged`) is run
      by :class:`grader.verdict.TrustedTest` while the notebook answers through
      :mod:`course.notebook_bridge`. Those with hidden tests run after all the other
      cells, and what the student's code prints during them is not kept: nothing can
      show their inputs. Every other test cell runs in the kernel in its place, as
      nbgrader runs it.
    * When the kernel dies, or stays busy after a timeout's interrupt, the cell gets an
      error saying so in plain words, a new kernel starts (up to ``max_restarts`` times)
      and the cells before it run again (ordinary test cells included: later cells may
      rely on what they define), without the cells that killed, hung or timed out a
      kernel and without the judged test cells; the notebook goes on.
    """

    sandbox = Bool(True, help="run notebooks in the bubblewrap sandbox (grader.sandbox)").tag(config=True)
    max_restarts = Integer(10, help="new kernels started per notebook after one died or hung").tag(config=True)
    grace = Integer(10, help="seconds the notebook's side of a test cell may run past the cell's "
                    "timeout before it is interrupted").tag(config=True)

    max_text_bytes_per_cell = Integer(
        100_000, help="bytes of text output (printed, tracebacks, text results) kept per cell"
    ).tag(config=True)
    max_bytes_per_cell = Integer(
        1_000_000, help="bytes of output of all kinds (pictures included) kept per cell"
    ).tag(config=True)
    max_bytes_per_notebook = Integer(
        5_000_000, help="bytes of output kept per notebook"
    ).tag(config=True)
    max_error_chars = Integer(
        2_000, help="characters kept of an error's message and of each traceback line"
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        """Run every cell (test cells judged outside the notebook), restarting a dead kernel."""
        self._used: dict[int, list[int]] = {}  # cell index -> [text bytes, all bytes] kept
        self._cut: dict[int, int] = {}  # cell index -> bytes cut
        self._timed_out: set[int] = set()
        self._skip: set[int] = set()  # cells not run again after a restart
        self._restarts = 0
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._assignment = (resources or {}).get("nbgrader", {}).get("assignment", "notebook")
        with tempfile.TemporaryDirectory(prefix="course-verdict-") as folder:
            self._folder = folder  # the test cells' sockets, without the sandbox
            with self.setup_kernel():
                info = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                # Trusted hidden tests run after every other cell: no cell of the student's
                # runs after its function has seen their inputs (it could print them).
                # Ordinary test cells run in their place, as nbgrader runs them.
                hidden = [i for i, c in enumerate(self.nb.cells) if is_judged(c) and HIDDEN_TESTS in c.source]
                for index, cell in enumerate(self.nb.cells):
                    if index not in hidden:
                        self._reached = index
                        self._run(cell, index)
                self._reached = len(self.nb.cells)
                for index in hidden:
                    self._run(self.nb.cells[index], index)
        self.set_widgets_metadata()
        return self.nb, self.resources

    def create_kernel_manager(self):
        if not self.sandbox:
            return super().create_kernel_manager()
        self.km = SandboxedKernelManager(kernel_name=self.kernel_name or "python3", config=self.config,
                                         assignment=self._assignment)
        return self.km

    # --- cells
    def _run(self, cell: NotebookNode, index: int) -> None:
        if cell.cell_type != "code" or not cell.source.strip():
            return
        if self.km is None:  # no kernel left (max_restarts reached)
            cell.outputs = [_error("NotRun", "not run: the Python process running your notebook died or hung "
                                   f"{self.max_restarts + 1} times in earlier cells")]
            return
        if is_judged(cell):
            self._judge(cell, index)
            return
        outcome = self._execute(cell, index)
        if outcome == "died":
            cell.outputs.append(_error("ProcessDied", died_message(" while running this cell",
                                                                   graded=is_autograded(cell))))
        elif outcome == "hung" and not any(o.output_type == "error" and o.ename == "Timeout" for o in cell.outputs):
            cell.outputs.append(_error("Timeout", self._timeout_message(cell)))
        if outcome != "ok" or id(cell) in self._timed_out:
            self._skip.add(index)  # not replayed: it would die or time out again
        if outcome != "ok":
            self._restart()

    def _execute(self, cell: NotebookNode, index: int, store_history: bool = True) -> str:
        """Run ``cell`` in the kernel: "ok", "died" (the kernel died) or "hung" (it timed out
        and did not answer afterwards)."""
        try:
            self.execute_cell(cell, index, store_history=store_history)
        except DeadKernelError:
            return "died"
        except CellTimeoutError:  # no reply, nor the end of its output, after the interrupt
            self._timed_out.add(id(cell))
            return "hung" if not self._responsive() else "ok"
        if id(cell) in self._timed_out and not self._responsive():
            return "hung"
        return "ok"

    def _judge(self, cell: NotebookNode, index: int) -> None:
        """Run a graded test cell in this process against the notebook (grader.verdict)."""
        folder = self.km.shared_folder if isinstance(self.km, SandboxedKernelManager) else self._folder
        test = TrustedTest(folder, cell.source, self._get_timeout(cell))
        stand_in = nbformat.v4.new_code_cell(test.serve_code, metadata={"course_stand_in": True})
        thread = threading.Thread(target=test.run, name="graded test", daemon=True)
        thread.start()
        try:
            outcome = self._execute(stand_in, index, store_history=False)
        finally:
            self.nb.cells[index] = cell  # nbclient puts the cell it ran in the notebook
            test.stop_waiting()
            thread.join(self.grace)
        if thread.is_alive():
            test.outputs = [_error("GraderError", "the autograder could not finish this test: it scores 0; "
                                   "ask your instructor to look at it")]
        printed = [o for o in stand_in.outputs if o.output_type == "stream"]
        if test.hidden and any(o.get("text", "").strip() for o in printed):
            printed = [nbformat.v4.new_output("stream", name="stdout", text=(
                "[what your code printed during the hidden tests is not shown]\n"))]
        cell.outputs = printed + test.outputs
        cell.execution_count = None
        keep(self.resources, cell, None if thread.is_alive() else test.verdict)  # grader.diagnoses
        if outcome != "ok":
            self._restart()

    async def _async_cleanup_kernel(self) -> None:
        if self.km is not None:  # None once max_restarts kernels died
            await super()._async_cleanup_kernel()

    _cleanup_kernel = run_sync(_async_cleanup_kernel)

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        if cell is not None and cell.metadata.get("course_stand_in") and timeout is not None:
            return timeout + self.grace
        return timeout

    # --- dead and hung kernels
    def _responsive(self, seconds: float = 5) -> bool:
        """Whether the kernel answers a kernel_info request within ``seconds``."""
        if not run_sync(self.km.is_alive)():
            return False
        msg_id = self.kc.kernel_info()
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                reply = run_sync(self.kc.shell_channel.get_msg)(timeout=left)
            except queue.Empty:
                return False
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return True
        return False

    def _restart(self) -> None:
        """A new kernel in place of a dead or hung one; the cells run so far run again."""
        self._cleanup_kernel()
        self._restarts += 1
        if self._restarts > self.max_restarts:
            return
        self.km = self.create_kernel_manager()
        self.start_new_kernel()
        self.start_new_kernel_client()
        used, cut = copy.deepcopy(self._used), dict(self._cut)
        for before in range(self._reached):
            cell = self.nb.cells[before]
            if (cell.cell_type != "code" or before in self._skip or is_judged(cell)
                    or not cell.source.strip()):
                continue
            outcome = self._execute(copy.deepcopy(cell), before)
            self.nb.cells[before] = cell  # the outputs of the first run stay
            if outcome != "ok":
                self._skip.add(before)
                return self._restart()
        self._used, self._cut = used, cut

    # --- caps
    def _recount(self, outs: list, cell_index: int) -> None:
        used = self._used[cell_index] = [0, 0]
        for out in outs:
            text, binary = _text_bytes(out)
            used[0] += text + OUTPUT_OVERHEAD
            used[1] += text + binary + OUTPUT_OVERHEAD

    def output(self, outs, msg, display_id, cell_index):
        count = len(outs)
        out = super().output(outs, msg, display_id, cell_index)
        if out is not None:
            if len(outs) != count + 1 or cell_index not in self._used:  # a delayed clear_output
                self._recount(outs[:-1], cell_index)
            self._cap(outs, out, display_id, cell_index)
        return out

    def clear_output(self, outs, msg, cell_index):
        super().clear_output(outs, msg, cell_index)
        self._recount(outs, cell_index)  # what a cell cleared no longer counts

    def _cap(self, outs: list, out: NotebookNode, display_id, cell_index: int) -> None:
        """Trim ``out``, just appended to the cell's ``outs``, to what the caps leave."""
        used = self._used[cell_index]
        notebook = sum(u[1] for u in self._used.values())
        text_left = self.max_text_bytes_per_cell - used[0] - OUTPUT_OVERHEAD
        all_left = min(self.max_bytes_per_cell - used[1], self.max_bytes_per_notebook - notebook) - OUTPUT_OVERHEAD
        text, binary = _text_bytes(out)
        cut = 0
        if out.output_type == "error":  # always kept: it decides the grade
            limit = self.max_error_chars
            out.evalue = out.evalue if len(out.evalue) <= limit else out.evalue[:limit] + " …"
            out.traceback = [line if len(line) <= limit else line[:limit] + " …" for line in out.traceback]
            cut = text - _text_bytes(out)[0]
        elif out.output_type == "stream":
            allowed = max(min(text_left, all_left), 0)
            if text > allowed:
                out.text = _cut(out.text, allowed)
                cut = text - allowed
        elif text > text_left or text + binary > all_left:
            plain = out.get("data", {}).get("text/plain", "")
            if isinstance(plain, list):
                plain = "".join(plain)
            if out.output_type == "execute_result":  # its text may be a partial score
                out["data"] = {"text/plain": _cut(plain, min(max(text_left, 0), 1000))}
            else:
                out["data"] = {"text/plain": "[output not stored]" if display_id else ""}
            cut = text + binary - _text_bytes(out)[0]
        self._cut[cell_index] = self._cut.get(cell_index, 0) + max(cut, 0)
        empty = (out.output_type == "stream" and not out.text) or (
            out.output_type == "display_data" and not display_id and not any(out.get("data", {}).values()))
        if empty and out.output_type == "stream" and out.name == "stderr" and not any(
                o.output_type == "stream" and o.name == "stderr" for o in outs[:-1]):
            empty = False  # kept, empty: stderr output decides an ordinary test's score
        if empty and outs and outs[-1] is out:
            outs.pop()
            self._cut[cell_index] += OUTPUT_OVERHEAD if cut else 0
            return
        text, binary = _text_bytes(out)
        used[0] += text + OUTPUT_OVERHEAD
        used[1] += text + binary + OUTPUT_OVERHEAD

    # --- timeouts
    async def _async_handle_timeout(self, timeout, cell=None):
        if cell is not None:
            self._timed_out.add(id(cell))
        return await super()._async_handle_timeout(timeout, cell)

    def _timeout_message(self, cell: NotebookNode) -> str:
        where = ""
        for out in cell.outputs:
            if out.output_type == "error":
                frames = CELL_FRAME.findall(ANSI.sub("", "\n".join(out.traceback)))
                if frames:
                    where = f" (in `{frames[-1]}`)"
        return timeout_message(self._get_timeout(cell), f" in this cell{where}", graded=utils.is_grade(cell))

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        cell, cell_index = kwargs["cell"], kwargs["cell_index"]
        if id(cell) in self._timed_out:
            cell.outputs = [o for o in cell.outputs if o.output_type != "error"]
            cell.outputs.append(_error("Timeout", self._timeout_message(cell)))
        cut = self._cut.get(cell_index, 0)
        if cut > 0:
            cell.outputs.append(nbformat.v4.new_output(
                "stream", name="stdout",
                text=(f"\n[{_kb(cut)} of output not stored: the autograder keeps "
                      f"{_kb(self.max_text_bytes_per_cell)} of text and {_kb(self.max_bytes_per_cell)} "
                      f"in all per cell, {_kb(self.max_bytes_per_notebook)} per notebook]\n"),
            ))


# ---------------------------------------------------------------------- grade step


def score_from_errors(cell: NotebookNode) -> float | None:
    """nbgrader's ``determine_grade`` without its rule that stderr output scores 0."""
    if not utils.is_grade(cell):
        raise ValueError("cell is not a grade cell")
    max_points = float(cell.metadata["nbgrader"]["points"])
    if utils.is_solution(cell) or cell.cell_type != "code":
        return utils.determine_grade(cell)[0]
    for output in cell.outputs:
        if output.output_type == "error":
            return 0
        if output.output_type == "execute_result":
            return utils.get_partial_grade(output, max_points)
    return max_points


def is_autograded(cell: NotebookNode) -> bool:
    """A test cell: graded, code, not an answer."""
    return utils.is_grade(cell) and not utils.is_solution(cell) and cell.cell_type == "code"


def is_judged(cell: NotebookNode) -> bool:
    """A test cell judged in the grader's process (:func:`grader.verdict.is_trusted`);
    every other test cell runs in the student's kernel, as nbgrader runs it."""
    return is_autograded(cell) and is_trusted(cell.source)


def nbgrader_score(cell: NotebookNode, log=None) -> float | None:
    """The score nbgrader gives a cell (``nbgrader.utils.determine_grade``): 0 for an error
    or any output on stderr, the number a test cell's last expression shows (partial
    credit), else full points. A partial credit above the cell's points, which stops
    nbgrader's grading of the whole notebook, scores 0 here."""
    try:
        return utils.determine_grade(cell, log)[0]
    except ValueError as error:
        if log is not None:
            log.warning("cell %s scores 0: %s", cell.metadata["nbgrader"].get("grade_id"), error)
        return 0


def _clear_instructor_fields(grade) -> list[str]:
    """Clear manual_score/extra_credit of an automatically graded cell's grade; say what."""
    cleared = []
    if grade.manual_score is not None:
        cleared.append(f"manual_score {grade.manual_score:g} on an autograded cell cleared")
        grade.manual_score = None
    if grade.extra_credit:
        cleared.append(f"extra_credit {grade.extra_credit:g} on an autograded cell cleared")
    grade.extra_credit = None
    return cleared


class SaveAutoGradesFromErrors(SaveAutoGrades):
    """``SaveAutoGrades`` ignoring manual scores on autograded cells, and scoring a test
    cell judged in the grader's process (:func:`is_judged`) by its errors only; an
    ordinary test cell is scored as nbgrader scores it (:func:`nbgrader_score`)."""

    def preprocess(self, nb, resources):
        self.events: list[tuple[str, str]] = []
        nb, resources = super().preprocess(nb, resources)
        TamperReport(parent=self).write(*_ids(resources), self.events, replace=False)
        return nb, resources

    def _add_score(self, cell, resources):
        name = cell.metadata["nbgrader"]["grade_id"]
        grade = self.gradebook.find_grade(name, self.notebook_id, self.assignment_id, self.student_id)
        grade.auto_score = nbgrader_score(cell, self.log) if is_autograded(cell) and not is_judged(cell) \
            else score_from_errors(cell)
        if is_autograded(cell):
            self.events += [(name, change) for change in _clear_instructor_fields(grade)]
        grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
        self.gradebook.db.commit()


def clear_manual_scores(db_url: str, course_id: str, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str, str, str, str]]:
    """After a batch: clear manual scores and extra credit that appeared on automatically
    graded cells of the (student, assignment) submissions (student code graded later in
    the batch may have written them). Returns (student, assignment, notebook, cell, change)."""
    events = []
    with Gradebook(db_url, course_id) as gradebook:
        for student, assignment in pairs:
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                continue
            for notebook in submission.notebooks:
                solutions = {c.name for c in notebook.notebook.solution_cells}
                for grade in notebook.grades:
                    cell = grade.cell
                    if cell.cell_type != "code" or cell.name in solutions:
                        continue
                    for change in _clear_instructor_fields(grade):
                        events.append((student, assignment, notebook.name, cell.name, change + " (after the batch)"))
                    grade.needs_manual_grade = grade.auto_score is None
        gradebook.db.commit()
    return events
