"""Autograde a whole class: submissions in parallel, only what changed, with progress.

The unit of work is one nbgrader ``api.autograde(assignment, student, force=True,
create=True)`` per submission (``grade``), run by one of three executors:

* ``jobs=1``: in this process, one submission after the other;
* ``jobs=N``: N worker processes on this machine, each building its own ``NbGraderAPI``
  (nbgrader is not thread-safe) and grading one submission at a time. A worker that dies
  (killed, out of memory) fails only the submission it held and is replaced;
* ``scheduler="tcp://host:8786"``: the workers of an existing Dask cluster
  (``distributed``). They must see the course folder at the same path (a shared
  filesystem), import the same ``course`` and ``grader`` packages, and run one task per process
  (``--nthreads 1``); a lock makes a multi-threaded worker grade one at a time anyway.

Only new or changed submissions are graded. A submission's digest covers every file of
``grading/submitted/<student>/<assignment>/``; its assignment's grader digest covers
``solutions/<assignment>/``, the checks of ``course.checks``, the grading code (this
``grader`` package, and ``course.bridge`` and ``course.notebook_bridge``, the notebook's
side of the bridge) and ``nbgrader_config.py``.
When a submission has been graded with both digests as they are now (and is still in the
gradebook and ``grading/autograded/``), it is skipped, unless ``force``. The state lives
in ``grading/autograde-state.jsonl``: before a batch starts, the records of the
submissions it will grade are dropped (the file rewritten atomically); each grading
that completes appends one JSON line. A batch stopped anywhere (Ctrl-C, a killed
process) thus leaves every completed submission recorded, none half-graded, and the
next run grades the rest. (One file rewritten after every submission would cost
O(class size) each time.)

The gradebook and the tamper report are shared:

* nbgrader opens many short SQLite transactions per submission (one commit per graded
  cell). With no wait, concurrent workers collide: 6 of 8 submissions failed with
  "database is locked" at 4 workers on 2 cores. With a wait (Python's default, 5 s)
  none failed in 3 batches of 8 at 8 workers; every worker's connections wait up to
  ``SQLITE_BUSY_TIMEOUT`` seconds, for a margin on loaded machines. WAL mode was not chosen: it is a lasting property of the database file, needs
  shared memory (no network filesystems) and keeps recent writes in a ``-wal`` file that
  a plain copy of ``gradebook.db`` misses. Students are added to the gradebook before the
  workers start (two workers adding one new student at once would collide);
* the tamper report (``grader.preprocessors.TamperReport``) is rewritten whole by each
  write: each submission is graded with a report of its own (its earlier rows copied
  in), merged into the course's report by this process when it completes.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from fnmatch import fnmatch
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable, Iterable, Iterator

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps.api import NbGraderAPI
from sqlalchemy.engine import make_url
from tqdm import tqdm

import course.checks
from grader import preprocessors
from grader.preprocessors import TamperReport, is_autograded

#: Folder of the course root holding everything graded (git-ignored).
GRADING = "grading"
#: One JSON line per graded submission: student, assignment, digests, seconds.
STATE_FILE = "autograde-state.jsonl"
#: Scratch folder of a batch: its lock and the per-submission tamper reports.
WORK_DIR = ".autograde"
#: Seconds an SQLite connection waits for another writer's lock before failing.
SQLITE_BUSY_TIMEOUT = 120
#: Files that decide how every assignment is graded, besides solutions/<assignment>/.
CONFIG_FILE = "nbgrader_config.py"
#: The exercise checks (``course.checks``): a change may change a grade.
CHECKS = Path(course.checks.__file__).parent
#: The grading system (this package): a change may change a grade.
GRADER = Path(__file__).resolve().parent
#: The notebook's side of the bridge, in ``course`` (the sandbox sees only ``course``).
NOTEBOOK_SIDE = (CHECKS.parent / "bridge.py", CHECKS.parent / "notebook_bridge.py")
#: Seconds a stopped worker gets to shut its kernel down before it is killed.
STOP_GRACE = 10.0
#: Seconds a worker process may spend on one submission before it is stopped.
DEADLINE = 1800.0
SLOWEST = 5

ApiFactory = Callable[[str], NbGraderAPI]


class BatchError(RuntimeError):
    """A batch could not start."""


@dataclass(frozen=True)
class Task:
    """One submission to grade, with the digests it is graded under."""

    student: str
    assignment: str
    submission: str
    grader: str

    @property
    def label(self) -> str:
        return f"{self.student}/{self.assignment}"


@dataclass
class Outcome:
    """What grading one submission gave: nbgrader's success, log and error, the seconds
    it took, its automatically graded cells that timed out, and its cells whose nbgrader
    metadata was normalised (it differed only by nbgrader version)."""

    task: Task
    success: bool
    seconds: float
    log: str = ""
    error: str = ""
    timeouts: int = 0
    normalised: int = 0


@dataclass
class Batch:
    """The result of ``run``."""

    where: str
    graded: list[Outcome] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    not_graded: list[Task] = field(default_factory=list)  # left when the batch stopped
    seconds: float = 0.0

    @property
    def graded_pairs(self) -> list[tuple[str, str]]:
        return [(o.task.student, o.task.assignment) for o in self.graded]

    def summary(self, tampered: int) -> str:
        """The table printed after a batch; ``tampered`` is the number of tamper-report
        rows of the graded submissions."""
        timeouts = [o for o in self.graded if o.timeouts]
        rows = [
            ("graded", len(self.graded), ""),
            ("skipped (unchanged)", len(self.skipped), ""),
            ("failed", len(self.failed), ", ".join(o.task.label for o in self.failed[:5])
             + (" …" if len(self.failed) > 5 else "")),
            ("tampered", tampered, "rows in the tamper report"),
            ("normalised", sum(o.normalised for o in self.graded),
             "cells whose nbgrader metadata only differed by nbgrader version (restored, not tampering)"),
            ("timed out", sum(o.timeouts for o in timeouts),
             f"graded cells, in {len(timeouts)} submission(s)" if timeouts else "graded cells"),
        ]
        if self.not_graded:
            rows.append(("not graded (stopped)", len(self.not_graded), "run again to grade them"))
        lines = [f"autograde summary ({self.where}, {self.seconds:.1f} s)"]
        lines += [f"  {name:<21}{count:>7}  {note}".rstrip() for name, count, note in rows]
        slowest = sorted(self.graded + self.failed, key=lambda o: -o.seconds)[:SLOWEST]
        if slowest:
            lines.append(f"  slowest {len(slowest)}:")
            lines += [f"    {o.task.label:<40}{o.seconds:>7.1f} s" for o in slowest]
        return "\n".join(lines)


# ------------------------------------------------------------------ digests and state


def _ignored(relative: Path, patterns: list[str]) -> bool:
    return any(fnmatch(part, pattern) for part in relative.parts for pattern in patterns)


def folder_digest(folder: Path, ignore: list[str]) -> str:
    """SHA-256 of every file's relative path and bytes under ``folder`` (names matching
    an ``ignore`` glob skipped, as nbgrader skips them); of nothing if it is missing."""
    digest = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    for path in files:
        relative = path.relative_to(folder)
        if _ignored(relative, ignore):
            continue
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def grader_digest(root: Path, source: Path, ignore: list[str]) -> str:
    """Digest of what grades an assignment: its source folder ``source``
    (solutions/<assignment>/), the checks (``course.checks``), the grading system (the
    ``grader`` package: preprocessors, sandbox, verdict, bridge, …), the notebook's side
    of the bridge (``course.bridge``, ``course.notebook_bridge``) and the course's
    nbgrader_config.py."""
    parts = [
        folder_digest(source, ignore),
        folder_digest(CHECKS, ignore),
        folder_digest(GRADER, ignore),
        *(hashlib.sha256(path.read_bytes()).hexdigest() for path in NOTEBOOK_SIDE),
        hashlib.sha256((root / CONFIG_FILE).read_bytes()).hexdigest(),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class State:
    """``grading/autograde-state.jsonl``: the digests each submission was last graded
    under. One JSON line is appended per completed grading (a torn last line, from a
    process killed while writing it, is ignored)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records: dict[tuple[str, str], dict] = {}
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                    self.records[record["student"], record["assignment"]] = record
                except (ValueError, KeyError, TypeError):
                    continue

    def forget(self, tasks: Iterable[Task]) -> None:
        """Drop the records of submissions about to be graded (a grading stopped half-way
        leaves them to grade again) and compact the file."""
        for task in tasks:
            self.records.pop((task.student, task.assignment), None)
        self.compact()

    def compact(self) -> None:
        """Rewrite the file atomically with one line per submission."""
        temporary = self.path.with_name(self.path.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as file:
            file.writelines(json.dumps(r, sort_keys=True) + "\n" for r in self.records.values())
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path)

    def current(self, task: Task) -> bool:
        """Whether ``task``'s submission was graded under the same digests."""
        record = self.records.get((task.student, task.assignment))
        return record is not None and (record["submission"], record["grader"]) == (task.submission, task.grader)

    def record(self, outcome: Outcome) -> None:
        task = outcome.task
        record = {"student": task.student, "assignment": task.assignment, "submission": task.submission,
                  "grader": task.grader, "seconds": round(outcome.seconds, 3)}
        self.records[task.student, task.assignment] = record
        with open(self.path, "a", encoding="utf-8") as file:
            file.write(json.dumps(record, sort_keys=True) + "\n")
            file.flush()
            os.fsync(file.fileno())


def plan(api: NbGraderAPI, pairs: Iterable[tuple[str, str]], state: State, force: bool) -> tuple[list[Task], list[tuple[str, str]]]:
    """Split the (student, assignment) submissions into tasks to grade and skipped ones.

    A submission is skipped when ``state`` says it was graded under its current digests,
    and it is still in the gradebook and in the autograded folder; never when ``force``.
    """
    coursedir = api.coursedir
    root = Path(coursedir.root)
    ignore = list(coursedir.ignore)
    pairs = list(pairs)
    graders = {
        assignment: grader_digest(root, Path(coursedir.format_path(coursedir.source_directory, ".", assignment)), ignore)
        for assignment in sorted({a for _, a in pairs})
    }
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        in_gradebook = {(s.student_id, a.name) for a in gradebook.assignments for s in a.submissions}
    tasks, skipped = [], []
    for student, assignment in pairs:
        folder = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
        task = Task(student, assignment, folder_digest(folder, ignore), graders[assignment])
        kept = (student, assignment) in in_gradebook and Path(
            coursedir.format_path(coursedir.autograded_directory, student, assignment)).is_dir()
        if not force and kept and state.current(task):
            skipped.append((student, assignment))
        else:
            tasks.append(task)
    return tasks, skipped


# ------------------------------------------------------------------ one submission


_ONE_AT_A_TIME = threading.Lock()  # nbgrader is not thread-safe (Dask worker threads)


def with_busy_timeout(db_url: str, seconds: float = SQLITE_BUSY_TIMEOUT) -> str:
    """``db_url`` with an SQLite busy timeout (unless it sets one); other databases as
    they are."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or "timeout" in url.query:
        return db_url
    return url.update_query_dict({"timeout": str(seconds)}).render_as_string(hide_password=False)


def _timeouts(api: NbGraderAPI, task: Task) -> int:
    """Automatically graded cells of the autograded submission stopped by the timeout."""
    folder = Path(api.coursedir.format_path(api.coursedir.autograded_directory, task.student, task.assignment))
    count = 0
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        count += sum(
            any(o.get("output_type") == "error" and o.get("ename") == "Timeout" for o in cell.get("outputs", []))
            for cell in nb.cells if is_autograded(cell)
        )
    return count


def grade(api_factory: ApiFactory, root: str, report_dir: str | None, task: Task) -> Outcome:
    """Autograde one submission with a fresh ``NbGraderAPI`` from ``api_factory(root)``.

    The SQLite gradebook is opened with a busy timeout; with ``report_dir``, the tamper
    report goes to ``report_dir/<student>--<assignment>.csv``. Runs in any process that
    sees ``root`` (a worker, a Dask worker, this one).
    """
    with _ONE_AT_A_TIME:
        if not (Path(root) / CONFIG_FILE).is_file():
            raise BatchError(
                f"the course {root} is not visible here ({os.uname().nodename}): workers need "
                "the course folder at the same path, on a shared filesystem"
            )
        api = api_factory(root)
        api.coursedir.db_url = with_busy_timeout(api.coursedir.db_url)
        if report_dir is not None:
            api.config.TamperReport.path = _report_path(report_dir, task)
        start = time.perf_counter()
        preprocessors.NORMALISED.clear()
        result = api.autograde(task.assignment, task.student, force=True, create=True)
        seconds = time.perf_counter() - start
        timeouts = _timeouts(api, task) if result["success"] else 0
        normalised = sum(preprocessors.NORMALISED.values())
        preprocessors.NORMALISED.clear()
        return Outcome(task, result["success"], seconds, result.get("log", ""), result.get("error", ""), timeouts,
                       normalised)


def _report_path(report_dir: str | Path, task: Task) -> str:
    return os.path.join(report_dir, f"{task.student}--{task.assignment}.csv")


# ------------------------------------------------------------------ tamper report


class _Reports:
    """The course's tamper report, kept in memory and rewritten (atomically) by this
    process only: each submission is graded with its own copy of its rows."""

    def __init__(self, path: str, directory: Path) -> None:
        self.path = path
        self.directory = directory
        directory.mkdir(exist_ok=True)
        self.rows: dict[tuple[str, str], list[dict[str, str]]] = {}
        for row in TamperReport(path=path).rows():
            self.rows.setdefault((row["student"], row["assignment"]), []).append(row)

    def prepare(self, task: Task) -> None:
        """The submission's own report, holding its rows of the course's report."""
        TamperReport.save(_report_path(self.directory, task), self.rows.get((task.student, task.assignment), []))

    def merge(self, task: Task) -> None:
        """Replace the submission's rows in the course's report by those of its own."""
        own = TamperReport(path=_report_path(self.directory, task))
        rows = own.rows()
        if rows != self.rows.get((task.student, task.assignment), []) or not os.path.isfile(self.path):
            self.rows[task.student, task.assignment] = rows
            # sorted as TamperReport.write sorts: by student, assignment, notebook, stably
            TamperReport.save(self.path, [row for pair in sorted(self.rows)
                                          for row in sorted(self.rows[pair], key=lambda r: r["notebook"])])
        Path(own.path).unlink(missing_ok=True)


# ------------------------------------------------------------------ executors


Grade = Callable[[Task], Outcome]


def _failure(task: Task, error: str, seconds: float = 0.0) -> Outcome:
    return Outcome(task, False, seconds, error=error)


def _in_process(tasks: list[Task], call: Grade) -> Iterator[Outcome]:
    """Grade in this process. nbgrader catches every exception, KeyboardInterrupt too:
    Ctrl-C is noted by a signal handler and stops the batch after the current grading,
    whose outcome is dropped (the kernel saw the Ctrl-C too)."""
    stop = threading.Event()
    previous = signal.getsignal(signal.SIGINT)

    def interrupted(signum, frame):
        stop.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    try:
        for task in tasks:
            outcome = call(task)
            if stop.is_set():
                raise KeyboardInterrupt
            yield outcome
    finally:
        signal.signal(signal.SIGINT, previous)


class _StopWorker(BaseException):
    """Raised in a worker by SIGTERM: unwinds nbclient, which shuts its kernel down."""


def _stop_with_parent() -> None:
    """Stop this worker (SIGTERM) when the batch's process is gone (killed)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os.kill(os.getpid(), signal.SIGTERM)


def _serve(conn: Connection) -> None:
    """A worker process: grade each task received on ``conn``, send back its outcome.

    In its own session, so that a Ctrl-C in the terminal reaches only the batch's
    process, which stops the workers with SIGTERM.
    """
    os.setsid()
    stopping = threading.Event()

    def stop(signum, frame):
        stopping.set()
        raise _StopWorker

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=_stop_with_parent, daemon=True).start()
    try:
        while True:
            message = conn.recv()
            if message is None:
                return
            call, task = message
            try:
                outcome = call(task)
            except Exception:
                outcome = _failure(task, traceback.format_exc())
            if stopping.is_set():  # nbgrader catches every exception, _StopWorker too
                return
            conn.send(outcome)
    except (EOFError, OSError, _StopWorker):
        return


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    task: Task | None = None
    since: float = 0.0

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after ``STOP_GRACE`` seconds."""
        self.process.terminate()
        self.process.join(STOP_GRACE)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class _Pool:
    """``jobs`` worker processes, each grading one task at a time. A worker that dies, or
    that grades one submission longer than ``deadline`` seconds (a kernel that died while
    starting can hang jupyter_client for ever, jupyter/jupyter_client#7), fails only that
    submission and is replaced.

    Workers are forked from a fresh server process with nbgrader already imported: they
    start fast and inherit nothing of this process (its open gradebook).
    """

    def __init__(self, jobs: int, deadline: float) -> None:
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["grader.batch", "nbgrader.apps.api"])
        self.deadline = deadline
        self.workers = [self._start() for _ in range(jobs)]

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(theirs,), name="autograde-worker", daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _give(self, index: int, call: Grade, task: Task) -> None:
        try:
            self.workers[index].conn.send((call, task))
        except OSError:  # it died while idle: a fresh one takes the task
            self.workers[index].stop()
            self.workers[index] = self._start()
            self.workers[index].conn.send((call, task))
        self.workers[index].task, self.workers[index].since = task, time.monotonic()

    def _lost(self, index: int, why: str) -> Outcome:
        """The failure of a worker's task; the worker is replaced."""
        worker = self.workers[index]
        outcome = _failure(worker.task, why, time.monotonic() - worker.since)
        worker.task = None
        worker.stop()
        self.workers[index] = self._start()
        return outcome

    def run(self, tasks: list[Task], call: Grade) -> Iterator[Outcome]:
        pending = deque(tasks)
        try:
            while True:
                for index, worker in enumerate(self.workers):
                    if worker.task is None and pending:
                        self._give(index, call, pending.popleft())
                busy = [w for w in self.workers if w.task is not None]
                if not busy:
                    return
                first = min(w.since for w in busy) + self.deadline
                ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                                 timeout=max(first - time.monotonic(), 0)))
                for index, worker in enumerate(self.workers):
                    if worker.task is None:
                        continue
                    if worker.conn in ready or worker.process.sentinel in ready:
                        try:
                            outcome, worker.task = worker.conn.recv(), None
                        except (EOFError, OSError):
                            worker.process.join()
                            code = worker.process.exitcode
                            cause = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                            outcome = self._lost(index, f"the worker process grading it died ({cause})")
                        yield outcome
                    elif time.monotonic() - worker.since > self.deadline:
                        yield self._lost(index, f"not graded within {self.deadline:g} s: its worker was stopped")
        finally:
            self.close()

    def close(self) -> None:
        """Stop the busy workers (their kernels shut down), let the idle ones exit."""
        for worker in self.workers:
            if worker.task is None:
                worker.conn.close()  # an idle worker exits at the end of its pipe
        for worker in self.workers:
            if worker.task is not None:
                worker.stop()
            else:
                worker.process.join(STOP_GRACE)
        self.workers = []


def _dask(tasks: list[Task], call: Grade, scheduler: str) -> Iterator[Outcome]:
    """Grade on the workers of the Dask cluster whose scheduler is at ``scheduler``."""
    from distributed import Client, as_completed  # heavy, and only needed here

    with Client(scheduler, set_as_default=False) as client:
        futures = {
            client.submit(call, task, key=f"autograde-{task.student}-{task.assignment}-{task.submission[:12]}",
                          pure=False): task
            for task in tasks
        }
        try:
            for future in as_completed(list(futures), loop=client.loop):
                task = futures.pop(future)
                try:
                    yield future.result()
                except Exception as error:  # KilledWorker, a worker that cannot see the course...
                    yield _failure(task, f"{type(error).__name__}: {error}")
        finally:
            client.cancel(list(futures))


# ------------------------------------------------------------------ the batch


class _Lock:
    """An exclusive lock on the course's batch folder: one batch at a time."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "lock"

    def __enter__(self) -> _Lock:
        self.file = open(self.path, "w")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.close()
            raise BatchError(f"another autograde batch is running on this course (it holds {self.path})") from None
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()


def _add_students(api: NbGraderAPI, tasks: list[Task]) -> None:
    """Add the new students to the gradebook before the workers start: two workers
    adding one student (graded on two assignments) at once would collide."""
    if not tasks:
        return
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        known = {student.id for student in gradebook.students}
        for student in sorted({t.student for t in tasks} - known):
            gradebook.add_student(student)


def _outcomes(tasks: list[Task], call: Grade, jobs: int, scheduler: str | None, deadline: float) -> Iterator[Outcome]:
    if scheduler:
        return _dask(tasks, call, scheduler)
    if jobs == 1:
        return _in_process(tasks, call)
    return _Pool(min(jobs, len(tasks)), deadline).run(tasks, call)


def run(
    api: NbGraderAPI, api_factory: ApiFactory, pairs: list[tuple[str, str]], *, jobs: int = 1,
    force: bool = False, scheduler: str | None = None, deadline: float = DEADLINE,
    show: Callable[[Outcome], None] = lambda outcome: None,
) -> Batch:
    """Autograde the (student, assignment) submissions that changed (all with ``force``).

    ``api`` is this process's ``NbGraderAPI``; every grading builds its own from
    ``api_factory(root)``, in ``jobs`` worker processes (``jobs=1``: in this process), or
    on the Dask cluster at ``scheduler``. A worker process still grading one submission
    after ``deadline`` seconds is stopped, and the submission failed. ``show`` is called
    with each outcome as it arrives. A progress bar (counts, failures, time left) goes to
    the terminal, if any. On Ctrl-C the workers are stopped, and the returned batch lists
    what was not graded.
    """
    if jobs < 1:
        raise BatchError(f"jobs must be at least 1, not {jobs}")
    root = Path(api.coursedir.root)
    work = root / GRADING / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with _Lock(work):
        state = State(root / GRADING / STATE_FILE)
        tasks, skipped = plan(api, pairs, state, force)
        state.forget(tasks)
        batch = Batch(where=f"Dask at {scheduler}" if scheduler else f"{jobs} job(s)", skipped=skipped)
        _add_students(api, tasks)
        report_path = TamperReport(config=api.config).path
        reports = _Reports(report_path, work / "tamper") if report_path else None
        for task in tasks if reports else ():
            reports.prepare(task)
        call = functools.partial(grade, api_factory, str(root), str(reports.directory) if reports else None)
        left = dict.fromkeys(tasks)
        outcomes = _outcomes(tasks, call, jobs, scheduler, deadline)
        bar = tqdm(total=len(tasks), desc="autograde", unit="nb", disable=None, dynamic_ncols=True)
        try:
            for outcome in outcomes:
                del left[outcome.task]
                if reports:
                    reports.merge(outcome.task)
                if outcome.success:
                    state.record(outcome)
                    batch.graded.append(outcome)
                else:
                    batch.failed.append(outcome)
                bar.update()
                bar.set_postfix(failed=len(batch.failed), refresh=False)
                with tqdm.external_write_mode():
                    show(outcome)
        except KeyboardInterrupt:
            outcomes.close()
            batch.not_graded = list(left)
        finally:
            bar.close()
    batch.seconds = time.perf_counter() - start
    return batch
