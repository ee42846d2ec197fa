"""Grading a class in one batch (grader.batch behind `make autograde JOBS=N`).

Lecture 03 is released once in a course copy (cells time out after 10 s, ten times what
the slowest needs on an idle machine) with four submissions: ``honest`` (the solutions),
``edited`` (a wrong ``sgd_step`` and a rewritten title: two tamper-report rows),
``untouched`` (the release) and ``looping`` (an endless loop in ``minibatches``, one
that sleeps, so that its wait costs no CPU: its two graded tests time out). Each batch
grades its own copy of that course: serially, with two worker processes, on a two-worker
Dask LocalCluster, and with a worker killed half-way; all must leave the same gradebook,
autograded notebooks, tamper report and feedback as the serial batch.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import re
import shutil
import signal
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbgrader.api import Gradebook
from test_autograde_hostile import FULL, _in_body, _solved
from test_nbgrader_roundtrip import _nbgrader, _Text

import course
from grader import batch, cli

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

A = "03-sgd"
TIMEOUT = 10
# A duration printed by a notebook (lecture 03 times minibatch sizes): "354.9 ms", "22 µs".
DURATION = re.compile(r" *\d+(\.\d+)? *(ns|µs|us|ms|s)\b")
STUDENTS = ("edited", "honest", "looping", "untouched")
EXPECTED = {
    "honest": FULL,
    "edited": {**FULL, "test_sgd_step": 0, "test_sgd_step_hidden": 0},
    "untouched": dict.fromkeys(FULL, 0),
    "looping": {**FULL, "test_minibatches": 0, "test_minibatches_hidden": 0},
}


@pytest.fixture(scope="module")
def released(repo, tmp_path_factory) -> Path:
    """A course with lecture 03 released and the four submissions, not graded."""
    root = tmp_path_factory.mktemp("released")
    config = (repo / "nbgrader_config.py").read_text()
    (root / "nbgrader_config.py").write_text(config + f"\nc.Execute.timeout = {TIMEOUT}  # test: quicker loops\n")
    shutil.copytree(repo / "solutions" / A, root / "solutions" / A, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    with contextlib.redirect_stdout(io.StringIO()):
        cli.release(root, [A])
    solution = nbformat.read(root / "solutions" / A / f"{A}.ipynb", as_version=4)
    release = nbformat.read(root / "notebooks" / A / f"{A}.ipynb", as_version=4)
    answers = {_nbgrader(c)["grade_id"]: c.source for c in _solved(release, solution).cells if _nbgrader(c).get("solution")}
    edited = _solved(release, solution, sgd_step=(repo / "tests" / "mutants" / "sgd_step" / "sign_error.py").read_text())
    edited.cells[0].source = "# My own lecture"
    notebooks = {
        "honest": _solved(release, solution),
        "edited": edited,
        "untouched": copy.deepcopy(release),
        "looping": _solved(release, solution, minibatches=_in_body(
            answers["minibatches"], "minibatches", "import time\n    while True:\n        time.sleep(0.05)")),
    }
    for student, nb in notebooks.items():
        (root / "grading" / "submitted" / student / A).mkdir(parents=True)
        nbformat.write(nb, root / "grading" / "submitted" / student / A / f"{A}.ipynb")
    return root


def _course(released: Path, destination: Path, students=STUDENTS) -> Path:
    """A copy of the released course with the submissions of ``students``."""
    shutil.copytree(released, destination, ignore=lambda folder, names: [
        name for name in names if Path(folder).name == "submitted" and name not in students])
    return destination


def _autograde(root: Path, **options) -> str:
    """cli.autograde on ``root``; returns what it printed."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            cli.autograde(root, **options)
    finally:
        print(printed.getvalue())
    return printed.getvalue()


def _table(printed: str) -> dict[str, int]:
    """The counts of the summary table printed after a batch (name -> count)."""
    counts = {}
    for line in printed[printed.index("autograde summary"):].splitlines()[1:]:
        if line.strip().startswith("slowest"):
            break
        counts[line[:23].strip()] = int(line[23:].split()[0])
    return counts


def _normalized(path: Path) -> dict:
    """An autograded notebook without what differs between two runs of the same code:
    execution counts, execution timestamps, widget model ids, how printed text was cut
    into stream messages, and the durations a cell measured and printed."""
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        cell.pop("execution_count", None)
        cell["metadata"].pop("execution", None)
        outputs = []
        for output in cell.get("outputs", []):
            output.pop("execution_count", None)
            output.get("data", {}).get("application/vnd.jupyter.widget-view+json", {}).pop("model_id", None)
            if output["output_type"] == "stream":
                output["text"] = DURATION.sub("<duration>", "".join(output["text"]))
                if outputs and outputs[-1]["output_type"] == "stream" and outputs[-1]["name"] == output["name"]:
                    outputs[-1]["text"] += output["text"]
                    continue
            outputs.append(output)
        if "outputs" in cell:
            cell["outputs"] = outputs
    return nb


def _snapshot(root: Path, feedback: bool = False) -> dict:
    """Everything a batch leaves: gradebook rows of each submission, autograded notebooks,
    tamper report and (with ``feedback``) feedback pages."""
    grades = {}
    with Gradebook(f"sqlite:///{root / 'grading' / 'gradebook.db'}", "optim-dl") as gradebook:
        students = sorted(s.id for s in gradebook.students)
        for submission in gradebook.assignment_submissions(A):
            for notebook in submission.notebooks:
                grades[submission.student_id] = {
                    "timestamp": submission.timestamp,
                    "grades": {g.name: (g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade, g.max_score)
                               for g in notebook.grades},
                    "comments": {c.name: (c.auto_comment, c.manual_comment) for c in notebook.comments},
                    "flagged": notebook.flagged,
                }
    autograded = root / "grading" / "autograded"
    snapshot = {
        "students": students,
        "gradebook": grades,
        "scores": {student: {cell: g[0] for cell, g in row["grades"].items()} for student, row in grades.items()},
        "notebooks": {p.relative_to(autograded).as_posix(): _normalized(p) for p in sorted(autograded.rglob("*.ipynb"))},
        "report": list(csv.DictReader((root / "grading" / "tamper-report.csv").open())),
    }
    if feedback:
        with contextlib.redirect_stdout(io.StringIO()):
            cli.feedback(root)
        pages = root / "grading" / "feedback"
        # the visible text (how printed text was cut into outputs changes the markup)
        snapshot["feedback"] = {p.relative_to(pages).as_posix(): DURATION.sub("<duration>", _Text.of(p.read_text()))
                                for p in sorted(pages.rglob("*.html"))}
    return snapshot


@pytest.fixture(scope="module")
def serial(released, tmp_path_factory) -> dict:
    root = _course(released, tmp_path_factory.mktemp("serial") / "course")
    printed = _autograde(root, jobs=1)
    return {"root": root, "printed": printed, **_snapshot(root, feedback=True)}


@pytest.fixture(scope="module")
def parallel(released, tmp_path_factory) -> dict:
    root = _course(released, tmp_path_factory.mktemp("parallel") / "course")
    printed = _autograde(root, jobs=2)
    return {"root": root, "printed": printed, **_snapshot(root, feedback=True)}


def test_the_serial_batch_scores_what_each_submission_deserves(serial):
    assert serial["scores"] == EXPECTED
    assert {(row["student"], row["cell"]) for row in serial["report"]} == {("edited", "title")}


def test_two_workers_leave_exactly_what_a_serial_batch_leaves(serial, parallel):
    for part in ("students", "gradebook", "notebooks", "report", "feedback"):
        assert parallel[part] == serial[part], part
    assert len(parallel["notebooks"]) == len(parallel["feedback"]) == len(STUDENTS)


def test_the_summary_counts_graded_tampered_normalised_and_timed_out(serial, parallel):
    for graded, where in ((serial, "1 job(s)"), (parallel, "2 job(s)")):
        lines = graded["printed"][graded["printed"].index("autograde summary"):].splitlines()
        assert where in lines[0]
        assert _table(graded["printed"]) == {"graded": 4, "skipped (unchanged)": 0, "failed": 0,
                                            "tampered": len(serial["report"]), "normalised": 0, "timed out": 2}
        assert lines[6].split()[-2:] == ["1", "submission(s)"], "two cells timed out in one submission"
        assert lines[7].strip() == "slowest 4:"
        slowest = [line.split() for line in lines[8:12]]
        assert sorted(s.split("/")[0] for s, _, _ in slowest) == sorted(STUDENTS)
        seconds = [float(t) for _, t, _ in slowest]
        assert seconds == sorted(seconds, reverse=True) and slowest[0][0] == f"looping/{A}"
        assert seconds[0] > 2 * TIMEOUT, "the looping submission waits for two timeouts"


def test_a_dask_cluster_scores_as_the_serial_batch(released, serial, tmp_path):
    distributed = pytest.importorskip("distributed")
    root = _course(released, tmp_path / "course", students=("edited", "honest"))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            assert set(client.run(lambda: course.__file__).values()) == {course.__file__}, "workers grade with this code"
        printed = _autograde(root, scheduler=cluster.scheduler_address)
    assert f"Dask at {cluster.scheduler_address}" in printed
    snapshot = _snapshot(root)
    assert snapshot["scores"] == {s: serial["scores"][s] for s in ("edited", "honest")}
    assert snapshot["report"] == [row for row in serial["report"] if row["student"] in ("edited", "honest")]


def _mtimes(root: Path) -> dict[str, int]:
    folder = root / "grading" / "autograded"
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_a_rerun_grades_only_new_and_changed_submissions(parallel, released):
    root = parallel["root"]
    before = _mtimes(root)
    table = _table(_autograde(root, jobs=2))
    assert (table["graded"], table["skipped (unchanged)"]) == (0, 4)
    assert _mtimes(root) == before, "an unchanged submission was graded again"

    shutil.copy(released / "solutions" / A / f"{A}.ipynb", root / "grading" / "submitted" / "untouched" / A)
    (root / "grading" / "submitted" / "newcomer" / A).mkdir(parents=True)
    shutil.copy(released / "notebooks" / A / f"{A}.ipynb", root / "grading" / "submitted" / "newcomer" / A)
    table = _table(_autograde(root, jobs=2))
    assert (table["graded"], table["skipped (unchanged)"]) == (2, 3)
    after = _mtimes(root)
    assert {name for name in after if after[name] != before.get(name)} == {f"untouched/{A}/{A}.ipynb", f"newcomer/{A}/{A}.ipynb"}
    scores = _snapshot(root)["scores"]
    assert scores["untouched"] == FULL and scores["newcomer"] == dict.fromkeys(FULL, 0)


def test_a_changed_source_check_or_configuration_regrades_the_assignment(parallel, monkeypatch, tmp_path):
    """Only plans, grades nothing: what must be graded again after each change."""
    root = parallel["root"]
    api = cli._api(root)
    pairs = [(student, A) for student in STUDENTS]

    def graded() -> set[str]:
        state = batch.State(root / "grading" / batch.STATE_FILE)
        return {task.student for task in batch.plan(api, pairs, state, force=False)[0]}

    checks = shutil.copytree(batch.CHECKS, tmp_path / "checks", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(batch, "CHECKS", checks)
    grader = shutil.copytree(batch.GRADER, tmp_path / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(batch, "GRADER", grader)
    notebook_side = tuple(Path(shutil.copy(path, tmp_path)) for path in batch.NOTEBOOK_SIDE)
    monkeypatch.setattr(batch, "NOTEBOOK_SIDE", notebook_side)
    assert graded() == set(), "the same checks, elsewhere"
    assert {t.student for t in batch.plan(api, pairs, batch.State(root / "nothing"), force=False)[0]} == set(STUDENTS)
    state = batch.State(root / "grading" / batch.STATE_FILE)
    assert {t.student for t in batch.plan(api, pairs, state, force=True)[0]} == set(STUDENTS)

    for changed in (checks / "sgd.py", root / "solutions" / A / f"{A}.ipynb", root / "nbgrader_config.py",
                    grader / "verdict.py", grader / "preprocessors.py", *notebook_side):
        text = changed.read_text()
        changed.write_text(text + "\n")
        assert graded() == set(STUDENTS), changed
        changed.write_text(text)
        assert graded() == set()

    shutil.rmtree(root / "grading" / "autograded" / "honest")
    assert graded() == {"honest"}, "a submission no longer autograded"


def _kill_a_busy_worker(killed: list[int], stop: threading.Event) -> None:
    """Kill (SIGKILL) the first worker process seen grading (with a child: its kernel)."""
    me = psutil.Process()
    while not stop.is_set():
        for server in me.children():
            if "forkserver" not in " ".join(server.cmdline()):
                continue
            for worker in server.children():
                if worker.children():
                    time.sleep(0.5)
                    worker.send_signal(signal.SIGKILL)
                    killed.append(worker.pid)
                    return
        time.sleep(0.05)


def test_a_killed_worker_fails_only_its_submission_and_the_rerun_resumes(released, serial, tmp_path, capsys):
    root = _course(released, tmp_path / "course", students=("edited", "honest"))
    killed, stop = [], threading.Event()
    killer = threading.Thread(target=_kill_a_busy_worker, args=(killed, stop))
    killer.start()
    try:
        with pytest.raises(cli.PipelineError, match=r"autograde failed for: (edited|honest)/03-sgd$") as failed:
            _autograde(root, jobs=2)
    finally:
        stop.set()
        killer.join()
    assert len(killed) == 1
    assert "the worker process grading it died (signal 9)" in capsys.readouterr().out
    victim = str(failed.value).split(": ")[1].split("/")[0]
    state = batch.State(root / "grading" / batch.STATE_FILE)
    assert {student for student, _ in state.records} == {"edited", "honest"} - {victim}

    table = _table(_autograde(root, jobs=2))
    assert (table["graded"], table["skipped (unchanged)"], table["failed"]) == (1, 1, 0)
    snapshot = _snapshot(root)
    for part in ("gradebook", "report"):
        expected = serial[part]
        if part == "gradebook":
            expected = {s: expected[s] for s in ("edited", "honest")}
        else:
            expected = [row for row in expected if row["student"] in ("edited", "honest")]
        assert snapshot[part] == expected, part


def test_a_worker_past_its_deadline_is_stopped_and_replaced():
    """The pool alone, on tasks that just sleep: the two that sleep past the deadline fail
    and their workers are stopped; the other two are done, so by the fresh workers that
    replaced them (both first workers were busy until stopped). No clock is read here: a
    pool that waited for the sleepers instead would see them succeed."""
    pool = batch._Pool(2, deadline=5.0)
    first = [worker.process for worker in pool.workers]
    outcomes = list(pool.run([60.0, 60.0, 0.0, 0.0], time.sleep))
    assert outcomes.count(None) == 2
    late = [o for o in outcomes if o is not None]
    assert [o.task for o in late] == [60.0, 60.0]
    assert all(not o.success and "not graded within 5 s: its worker was stopped" in o.error for o in late), late
    assert not any(process.is_alive() for process in first)
