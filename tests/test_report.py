"""`make report`: every count in report.csv is what was planted in the class.

A synthetic class of lecture 03, built from tests/mutants/ and tests/variants/, is graded
through the real pipeline (``grader.cli.autograde``, sandboxed, 2 jobs, one batch shared
by the tests here): students submit solutions, known mistakes (each mutant's ``# mistake:``
line is what the report must count), right answers in other forms, unfinished exercises,
a function that fits the visible tests only, one that matches no known mistake, one that
loops (a timeout), one that kills its process (a crash), and a notebook that was tampered
with. The report's CSV must hold exactly those numbers; a regrade after a student fixes
a mistake moves them out of its count. A synthetic gradebook (bench/report_bench.py,
written straight into the database) checks the counting on a larger class, and a report
with no gradebook, no submissions or a gradebook from before the outcomes were recorded
says so in words, without a traceback. PostgreSQL: tests/test_gradebook_postgres.py.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from sqlalchemy import create_engine, text
from test_mutants import failing_test_cells, named_mistake
from test_nbgrader_roundtrip import SOLUTION_MARKER, _nbgrader

from course.checks import check_sgd_step
from grader import cli, diagnoses, report

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

A = "03-sgd"
REPO = Path(__file__).resolve().parents[1]
MUTANTS, VARIANTS = REPO / "tests" / "mutants", REPO / "tests" / "variants"
TIMEOUT = 10  # seconds per cell in this course copy (30 in the course; 10x the slowest cell)
HIDDEN_SEED = 3141  # test_sgd_step_hidden's seed


# ------------------------------------------------------------------ the class


def _mutant(function: str, name: str) -> tuple[str, str]:
    return "mutant", (MUTANTS / function / f"{name}.py").read_text()


def _variant(function: str, name: str) -> tuple[str, str]:
    return "pass", (VARIANTS / function / f"{name}.py").read_text()


UNFINISHED = ("unfinished", None)

#: What each student submits per exercise (the solution where not said); None: the
#: untouched release. Kinds: pass, mutant, unfinished, fitted, unexplained, timed out, crashed.
PLAN: dict[str, dict[str, tuple[str, str | None]] | None] = {
    "ada": {},
    "ben": None,
    "cleo": {"sgd_step": _mutant("sgd_step", "sign_error")},
    "dan": {"sgd_step": _mutant("sgd_step", "sign_error"), "linear_decay": _mutant("linear_decay", "no_clamp")},
    "eve": {"sgd_step": _mutant("sgd_step", "lr_twice"), "minibatches": UNFINISHED},
    "finn": {"sgd_noise_floor": _mutant("sgd_noise_floor", "not_squared"),
             "minibatches": _mutant("minibatches", "not_shuffled")},
    "gia": {"sgd_step": _variant("sgd_step", "elementwise_loop"), "linear_decay": _mutant("linear_decay", "no_clamp")},
    "hal": {"sgd_noise_floor": UNFINISHED, "minibatches": _mutant("minibatches", "not_shuffled")},
    "ivy": {"sgd_step": _mutant("sgd_step", "in_place")},
    "jon": {"sgd_noise_floor": ("timed out", None)},
    "kim": {"sgd_noise_floor": ("crashed", None)},
    "lea": {"linear_decay": _variant("linear_decay", "numpy_clip")},  # and her notebook is tampered with
    "max": {"sgd_step": ("unexplained", "def sgd_step(theta, g, lr):\n    return theta - 1.01 * lr * g\n")},
    "noa": {"sgd_step": _mutant("sgd_step", "sign_error")},  # fixes it for a regrade
    "oli": {"sgd_step": ("fitted", None)},
}
EXERCISES = ("sgd_step", "sgd_noise_floor", "linear_decay", "minibatches")
#: lea's notebook: the visible test of linear_decay deleted, a locked cell edited.
DELETED, EDITED = "test_linear_decay", "sgd_intro"


def _declared(source: str) -> str | None:
    found = re.search(r"^# mistake: (.*)$", source, re.M)
    return None if found is None or found.group(1).strip() == "none" else found.group(1).strip()


def _calls(seed: int, reveal: bool) -> set[str]:
    """Fingerprints of the calls (θ, g, ε) the check of sgd_step makes with ``seed``."""
    seen: set[str] = set()

    def recording(theta, g, lr):
        seen.add(_fingerprint(theta, g, lr))
        return theta - lr * g

    check_sgd_step(recording, seed=seed, reveal=reveal)
    return seen


def _fingerprint(theta, g, lr) -> str:
    return hashlib.sha256(theta.tobytes() + g.tobytes() + repr(lr).encode()).hexdigest()[:16]


def _fitted_source() -> str:
    """An sgd_step right on the visible check's calls only: a student fitting the visible tests."""
    visible, hidden = _calls(0, True), _calls(HIDDEN_SEED, False)
    assert visible and hidden and not visible & hidden, "the visible and hidden checks share a call"
    return (f"import hashlib\n\nVISIBLE = {sorted(visible)!r}\n\n\ndef sgd_step(theta, g, lr):\n"
            "    key = hashlib.sha256(theta.tobytes() + g.tobytes() + repr(lr).encode()).hexdigest()[:16]\n"
            "    if key in VISIBLE:\n        return theta - lr * g\n    return theta + lr * g\n")


def _guarded(solution: str, guard: str) -> str:
    """sgd_noise_floor running ``guard`` unless λ = 1 (the notebook's demo uses λ = 1),
    then the solution."""
    right = solution.replace("def sgd_noise_floor(", "def _right_floor(", 1)
    return (f"{right}\n\ndef sgd_noise_floor(lam, lr, sigma, m):\n    if lam != 1.0:\n{guard}\n"
            "    return _right_floor(lam, lr, sigma, m)\n")


def _sources(solution: nbformat.NotebookNode) -> dict[str, dict[str, tuple[str, str]]]:
    """student -> exercise -> (kind, source) for every submitted student."""
    answers = {_nbgrader(c)["grade_id"]: SOLUTION_MARKER.sub("", c.source)
               for c in solution.cells if _nbgrader(c).get("solution")}
    special = {
        "timed out": _guarded(answers["sgd_noise_floor"],  # a loop that sleeps: no CPU spent waiting
                             "        import time\n        while True:\n            time.sleep(0.05)"),
        "crashed": _guarded(answers["sgd_noise_floor"], "        import os\n        os._exit(3)"),
        "fitted": _fitted_source(),
    }
    released = "def {0}(*args, **kwargs):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    sources = {}
    for student, plan in PLAN.items():
        if plan is None:
            continue
        sources[student] = {}
        for exercise in EXERCISES:
            kind, source = plan.get(exercise, ("pass", answers[exercise]))
            if kind == "unfinished":
                source = released.format(exercise)
            sources[student][exercise] = (kind, special.get(kind, source))
    return sources


def _notebook(released: nbformat.NotebookNode, answers: dict[str, tuple[str, str]], tampered: bool
              ) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(released)
    for cell in nb.cells:
        if _nbgrader(cell).get("solution"):
            cell.source = answers[_nbgrader(cell)["grade_id"]][1]
        if tampered and _nbgrader(cell).get("grade_id") == EDITED:
            cell.source += "\n\nI rewrote this explanation."
    if tampered:
        nb.cells = [c for c in nb.cells if _nbgrader(c).get("grade_id") != DELETED]
    return nb


def _expected(sources: dict, planted_ids: dict, points: dict[str, float]) -> dict:
    """The rows of report.csv the plan determines: (section, exercise, item) -> (value, detail)."""
    students = sorted(PLAN)  # every one submits; None: the untouched release, unfinished everywhere
    rows = {("class", "", "students"): (len(students), ""), ("class", "", "submitted"): (len(students), ""),
            ("class", "", "not_submitted"): (0, "")}
    nothing = sorted(s for s in students if s not in sources
                     or all(kind == "unfinished" for kind, _ in sources[s].values()))
    rows["class", "", "submitted_nothing_done"] = (len(nothing), " ".join(nothing))
    rows["class", "", "did_not_attempt"] = (len(nothing), "")
    scores = {}
    for student in students:
        own = sources.get(student, {e: ("unfinished", None) for e in EXERCISES})
        kinds = {e: own[e][0] for e in EXERCISES}
        scores[student] = sum(points[f"test_{e}"] * (kinds[e] in ("pass", "fitted"))
                              + points[f"test_{e}_hidden"] * (kinds[e] == "pass") for e in EXERCISES)
        for exercise, kind in kinds.items():
            def add(item, student=student, exercise=exercise):
                rows.setdefault(("exercise", exercise, item), set()).add(student)
            if kind in ("pass", "fitted"):
                add("pass_visible")
            if kind == "pass":
                add("pass_hidden_too")
            if kind != "unfinished":
                add("attempted")
            if kind in ("unfinished", "unexplained", "timed out", "crashed"):
                add(kind.replace(" ", "_"))
            if kind in ("mutant", "fitted"):
                rows.setdefault(("mistake", exercise, planted_ids[student, exercise]), set()).add(student)
            if kind in ("timed out", "crashed"):
                for cell in (f"test_{exercise}", f"test_{exercise}_hidden"):
                    rows.setdefault((kind.replace(" ", "_"), "", cell), set()).add(student)
    for exercise in EXERCISES:
        for item in ("pass_visible", "pass_hidden_too", "attempted", "unfinished", "unexplained", "timed_out",
                     "crashed"):
            rows.setdefault(("exercise", exercise, item), set())
    unnamed = ("pass_visible", "pass_hidden_too", "attempted")  # the CSV names no one who passes
    found = {key: (len(v), "" if key[2] in unnamed else " ".join(sorted(v))) if isinstance(v, set) else v
             for key, v in rows.items()}
    for exercise in EXERCISES:
        found["exercise", exercise, "gap"] = (found["exercise", exercise, "pass_visible"][0]
                                              - found["exercise", exercise, "pass_hidden_too"][0], "")
    found["class", "", "mean"] = (f"{statistics.fmean(scores.values()):.4f}", "")
    found["class", "", "median"] = (f"{statistics.median(scores.values()):.4f}", "")
    total = sum(points.values())
    for i, count in enumerate(report.histogram(scores.values(), total)):
        found["score_bin", "", f"{total * i / report.BINS:g}-{total * (i + 1) / report.BINS:g}"] = (count, "")
    found["tampered", "", "rows"] = (2, "lea")
    return found


def _read_csv(path: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    with open(path, newline="", encoding="utf-8") as file:
        return {(r["section"], r["exercise"], r["item"]): (r["value"], r["detail"])
                for r in csv.DictReader(file) if r["assignment"] == A}


def _compare(expected: dict, got: dict) -> list[str]:
    """What differs between the planted rows and the CSV's (every planted row, and the
    CSV's mistake rows, which must all have been planted)."""
    wrong = []
    for key, (value, detail) in sorted(expected.items()):
        if key not in got:
            wrong.append(f"{key}: missing, planted {value} {detail!r}")
            continue
        got_value, got_detail = got[key]
        if str(value) != got_value or (detail and detail != got_detail):
            wrong.append(f"{key}: report {got_value} {got_detail!r}, planted {value} {detail!r}")
    wrong += [f"{key}: in the report {got[key]}, not planted" for key in sorted(got)
              if key[0] in ("mistake", "timed_out", "crashed") and key not in expected]
    return wrong


@pytest.fixture(scope="module")
def graded(repo, tmp_path_factory):
    """Lecture 03 released in a course copy and the synthetic class autograded (2 jobs),
    then `python -m grader report`."""
    root = tmp_path_factory.mktemp("report") / "course"
    root.mkdir()
    config = (repo / "nbgrader_config.py").read_text()
    (root / "nbgrader_config.py").write_text(
        config + f"\nc.Execute.timeout = {TIMEOUT}  # test: quicker loops\nc.GradeExecute.grace = 3\n")
    shutil.copytree(repo / "solutions" / A, root / "solutions" / A, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    cli.release(root, [A])
    solution = nbformat.read(root / "solutions" / A / f"{A}.ipynb", as_version=4)
    released = nbformat.read(root / "notebooks" / A / f"{A}.ipynb", as_version=4)
    sources = _sources(solution)
    planted_ids = {}
    for student, answers in sources.items():
        for exercise, (kind, source) in answers.items():
            if kind == "mutant":
                planted_ids[student, exercise] = _declared(source)
            elif kind == "fitted":
                planted_ids[student, exercise] = "sgd_step/sign-error"  # what its hidden test sees
    submitted = root / "grading" / "submitted"
    for student in PLAN:
        folder = submitted / student / A
        folder.mkdir(parents=True)
        nb = released if PLAN[student] is None else _notebook(released, sources[student], student == "lea")
        nbformat.write(nb, folder / f"{A}.ipynb")
    cli.autograde(root, jobs=2)
    run = subprocess.run([sys.executable, "-m", "grader", "report", "--root", str(root)], cwd=repo,
                         capture_output=True, text=True, timeout=300)
    points = {c.metadata.nbgrader["grade_id"]: float(c.metadata.nbgrader["points"])
              for c in solution.cells if _nbgrader(c).get("grade") and c.cell_type == "code"}
    return {"root": root, "sources": sources, "planted_ids": planted_ids, "released": released,
            "points": points, "run": run, "csv": _read_csv(root / "grading" / "reports" / "report.csv"),
            "expected": _expected(sources, planted_ids, points)}


def test_the_planted_sources_do_what_the_plan_says(graded):
    """In-process (no autograder): each planted mistake fails the visible and hidden cells
    of its exercise naming its id, so that the report can count one id per student."""
    for (student, exercise), mistake in graded["planted_ids"].items():
        kind, source = graded["sources"][student][exercise]
        failures = failing_test_cells(A, exercise, source)
        names = {cell: named_mistake(message) for cell, message in failures.items()}
        cells = {f"test_{exercise}_hidden"} if kind == "fitted" else {f"test_{exercise}", f"test_{exercise}_hidden"}
        assert names == dict.fromkeys(cells, mistake), (student, exercise, failures)
    unexplained = failing_test_cells(A, "sgd_step", graded["sources"]["max"]["sgd_step"][1])
    assert len(unexplained) == 2 and all(named_mistake(m) is None for m in unexplained.values()), unexplained


def test_make_report_writes_the_pages_and_says_where(graded):
    run = graded["run"]
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    folder = graded["root"] / "grading" / "reports"
    assert f"report -> {folder / 'index.html'}" in run.stdout
    assert re.search(rf"{A}: 15 of 15 submitted, mean [\d.]+ / 12; most common mistake sgd_step/sign-error \(4\)",
                     run.stdout), run.stdout
    assert {p.name for p in folder.iterdir()} == {"index.html", f"{A}.html", "report.csv"}


def test_every_count_of_the_csv_is_what_was_planted(graded):
    wrong = _compare(graded["expected"], graded["csv"])
    assert not wrong, "\n".join(wrong)


def test_the_page_names_each_mistake_with_its_students(graded):
    page = (graded["root"] / "grading" / "reports" / f"{A}.html").read_text()
    for mistake, students in (("sgd_step/sign-error", "cleo dan noa oli"), ("minibatches/not-shuffled", "finn hal"),
                              ("sgd_noise_floor/not-squared", "finn"), ("sgd_step/in-place", "ivy")):
        row = re.search(rf"<tr><td class=\"n\">\d+ \(\d+ %\)</td><td><code>{re.escape(mistake)}</code></td>"
                        rf"<td>([^<]*)</td><td>([^<]*)</td><td class=\"ids\">{students}</td></tr>", page)
        assert row, f"{mistake}: no row naming {students}"
        assert row.group(1) and row.group(2) and row.group(2) != "—", (mistake, row.groups())
    assert "the sign is wrong" in page  # sgd_step/sign-error's diagnosis
    assert "test_sgd_noise_floor" in page and "lea" in page and "graded cell missing" in page


def test_the_slowest_submissions_come_from_the_autograde_state(graded):
    state = [json.loads(line) for line in (graded["root"] / "grading" / "autograde-state.jsonl").read_text().splitlines()]
    seconds = sorted(((-r["seconds"], r["student"]) for r in state if r["assignment"] == A))[:report.SLOWEST]
    got = graded["csv"]
    assert [(key[2], float(got[key][0])) for key in got if key[0] == "slowest"] == [
        (student, round(-minus, 1)) for minus, student in seconds]


def test_outcomes_are_recorded_per_cell_in_the_gradebook(graded):
    engine = create_engine(f"sqlite:///{graded['root'] / 'grading' / 'gradebook.db'}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT student, cell, hidden, outcome, mistake, error FROM "
                                       "course_test_outcome WHERE assignment = :a"), {"a": A}).all()
    engine.dispose()
    by_cell = {(s, c): (h, o, m, e) for s, c, h, o, m, e in rows}
    assert len(rows) == len(by_cell) == len(PLAN) * 2 * len(EXERCISES)
    assert by_cell["cleo", "test_sgd_step"] == (0, "mistake", "sgd_step/sign-error", "CheckFailed")
    assert by_cell["oli", "test_sgd_step"][1:] == ("passed", None, None)
    assert by_cell["oli", "test_sgd_step_hidden"] == (1, "mistake", "sgd_step/sign-error", "CheckFailed")
    assert by_cell["ben", "test_minibatches"][1:] == ("unfinished", None, "NotImplementedError")
    assert by_cell["jon", "test_sgd_noise_floor"][1:] == ("timed out", None, "Timeout")
    assert by_cell["kim", "test_sgd_noise_floor_hidden"][1:] == ("crashed", None, "ProcessDied")
    assert by_cell["max", "test_sgd_step"][1:] == ("unexplained", None, "CheckFailed")
    assert by_cell["lea", DELETED][1] == "passed"  # put back and graded


# ------------------------------------------------------------------ a synthetic gradebook


@pytest.fixture(scope="module")
def bench():
    """bench/report_bench.py as a module."""
    spec = importlib.util.spec_from_file_location("report_bench", REPO / "bench" / "report_bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_a_large_synthetic_class_is_counted_exactly(bench, tmp_path):
    """bench/report_bench.py's class (written straight into the gradebook), 60 students x 3
    lectures: every row it planted is in report.csv with the planted count and students."""
    root = bench.course_root(tmp_path / "course")
    chosen = bench.lectures(REPO, 3)
    planted = bench.make_class(root, 60, chosen, seed=7)
    book = report.read(f"sqlite:///{root / 'grading' / 'gradebook.db'}", root / "grading")
    written = report.write(book, root / "grading" / "reports")
    with open(written.csv, newline="", encoding="utf-8") as file:
        got = {(r["assignment"], r["section"], r["exercise"], r["item"]): (r["value"], r["detail"])
               for r in csv.DictReader(file)}
    wrong = [f"{key}: report {got.get(key)}, planted {value}" for key, value in sorted(planted.rows.items())
             if key not in got or got[key][0] != str(value[0])
             or (value[1] and key[3] != "rows" and got[key][1] != value[1])]
    assert not wrong, "\n".join(wrong[:20])
    mistakes = {key for key in got if key[1] == "mistake"}
    assert mistakes == {key for key in planted.rows if key[1] == "mistake"}
    assert len(written.pages) == 3 and planted.outcome_rows > 60 * 3 * 4


def test_the_pages_read_offline(bench, tmp_path):
    """No script, no stylesheet or picture from elsewhere: pictures are data URIs, and the
    page's Content-Security-Policy forbids any other load."""
    root = bench.course_root(tmp_path / "course")
    bench.make_class(root, 20, bench.lectures(REPO, 2), seed=1)
    written = report.write(report.read(f"sqlite:///{root / 'grading' / 'gradebook.db'}", root / "grading"),
                           root / "grading" / "reports")
    for page in [written.index, *written.pages]:
        html = page.read_text()
        assert "<script" not in html
        assert "default-src 'none'; img-src data:" in html
        sources = re.findall(r'<img src="([^"]*)"', html)
        assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
        links = re.findall(r'href="([^"]*)"', html)
        assert links and all(re.fullmatch(r"[\w.-]+\.(html|csv)", link) for link in links), links


# ------------------------------------------------------------------ said plainly


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "report", "--root", str(root), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


def test_without_a_gradebook_it_says_so(repo, tmp_path):
    shutil.copy(repo / "nbgrader_config.py", tmp_path)
    run = _run(tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "there is no gradebook yet" in run.stderr and "make autograde" in run.stderr
    assert not (tmp_path / "grading" / "gradebook.db").exists(), "the report created an empty gradebook"


def test_with_nothing_submitted_it_says_so(repo, tmp_path):
    shutil.copy(repo / "nbgrader_config.py", tmp_path)
    shutil.copytree(repo / "solutions" / A, tmp_path / "solutions" / A)
    cli.release(tmp_path, [A])
    run = _run(tmp_path)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert f"{A}: nobody has submitted it yet" in run.stdout
    assert "no graded submissions yet" in run.stdout
    reports = tmp_path / "grading" / "reports"
    assert "No graded submissions yet" in (reports / "index.html").read_text()
    assert f"Nobody has submitted {A} yet" in (reports / f"{A}.html").read_text()
    run = _run(tmp_path, "--assignment", "99-nothing")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "no assignment 99-nothing in the SQLite gradebook" in run.stderr and A in run.stderr


def test_a_server_that_does_not_answer_is_said_in_words(tmp_path):
    url = f"postgresql+psycopg://grader@/gradebook?host={tmp_path / 'no-server'}"
    with pytest.raises(report.ReportError, match=r"cannot read the postgresql gradebook gradebook on a local socket: .*no-server"):
        report.read(url, tmp_path)


def test_a_gradebook_from_before_the_outcomes_were_recorded_reports_scores_only(graded, tmp_path):
    """The outcome table dropped, as in a gradebook graded before this change: scores
    still, and a note saying how to record the mistakes."""
    root = tmp_path / "course"
    shutil.copytree(graded["root"], root, ignore=shutil.ignore_patterns("reports", "submitted", "autograded"))
    assert _run(root).returncode == 0
    scores = {key: value for key, value in _read_csv(root / "grading" / "reports" / "report.csv").items()
              if key[0] == "score_bin" or key[2] in ("mean", "median")}
    engine = create_engine(f"sqlite:///{root / 'grading' / 'gradebook.db'}")
    with engine.begin() as connection:
        connection.execute(text(f"DROP TABLE {diagnoses.TABLE.name}"))
    engine.dispose()
    run = _run(root, "--assignment", A)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert "15 submission(s) graded before outcomes were recorded" in run.stdout
    page = (root / "grading" / "reports" / f"{A}.html").read_text()
    assert "graded before the autograder recorded" in page and "make autograde FORCE=1" in page
    got = _read_csv(root / "grading" / "reports" / "report.csv")
    assert {key: got[key] for key in scores} == scores and len(scores) == report.BINS + 2
    assert not [key for key in got if key[0] in ("mistake", "exercise")]


# ------------------------------------------------------------------ the parts


def test_explanations_split_the_diagnosis_and_fall_back_to_the_rule():
    known = {"f/a": report.Known("x is wrong: it must be y (not z: w)", "y = 1"),
             "f/b": report.Known("the learning rate is applied twice (θ − ε²g)", "θ ← θ − ε g")}
    assert report.explain("f/a", known) == ("x is wrong", "it must be y (not z: w)")
    assert report.explain("f/b", known) == ("the learning rate is applied twice (θ − ε²g)", "the rule: θ ← θ − ε g")
    what, why = report.explain("f/in-place", {}, "f modified its argument `x` in place (e.g. …). Leave it.")
    assert what.startswith("f modified its argument") and "by reference" in why
    stored = "g on a problem: the direction is wrong. It looks like β is inverted; it is new over old.\nMistake"
    assert report.explain("g/beta-inverted", {}, stored) == ("β is inverted", "it is new over old")


def test_the_histogram_puts_full_marks_in_the_last_bin():
    assert report.histogram([0, 0.5, 6, 11.9, 12], 12) == [2, 0, 0, 0, 0, 1, 0, 0, 0, 2]


def test_judged_outcomes():
    from course.bridge import BridgeClosed, BridgeTimeout
    from course.checks import CheckFailed

    assert diagnoses.judged(None).outcome == diagnoses.PASSED
    assert diagnoses.judged(CheckFailed("m", "f/x")) == diagnoses.Verdict("mistake", "f/x", "CheckFailed", "m")
    assert diagnoses.judged(CheckFailed("m")).outcome == diagnoses.UNEXPLAINED
    assert diagnoses.judged(CheckFailed("m", "not an id!")).outcome == diagnoses.UNEXPLAINED
    assert diagnoses.judged(NotImplementedError()).outcome == diagnoses.UNFINISHED
    assert diagnoses.judged(BridgeTimeout()).outcome == diagnoses.TIMEOUT
    assert diagnoses.judged(BridgeClosed()).outcome == diagnoses.CRASHED
    assert diagnoses.judged(AssertionError("x")).outcome == diagnoses.FAILED
    assert diagnoses.judged(NameError("sgd_step")) == diagnoses.Verdict("error", None, "NameError", "sgd_step")


def test_ordinary_test_cells_are_judged_from_their_outputs():
    def cell(grade_id, *outputs):
        return nbformat.v4.new_code_cell("assert True", metadata={"nbgrader": {
            "grade": True, "solution": False, "grade_id": grade_id, "points": 1}}, outputs=list(outputs))

    def error(ename):
        return nbformat.v4.new_output("error", ename=ename, evalue="e", traceback=[])

    solution = nbformat.v4.new_code_cell("def f(): pass", metadata={"nbgrader": {
        "grade": False, "solution": True, "grade_id": "f"}})
    nb = nbformat.v4.new_notebook(cells=[
        solution, cell("test_f"), cell("test_f_more", error("AssertionError")), cell("test_g", error("ValueError")),
        cell("test_f_hidden", error("Timeout"))])
    nb.cells[-1].source = "### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS"
    rows = diagnoses.outcome_rows(nb, {"test_f_more": diagnoses.Verdict("mistake", "g/x")})
    got = [(r["cell"], r["exercise"], r["hidden"], r["outcome"], r["mistake"], r["error"]) for r in rows]
    assert got == [("test_f", "f", False, "passed", None, None),
                   ("test_f_more", "f", False, "unexplained", None, None),  # another function's id is not kept
                   ("test_g", None, False, "error", None, "ValueError"),
                   ("test_f_hidden", "f", True, "timed out", None, "Timeout")]


def test_a_regrade_replaces_the_rows_of_a_notebook(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    row = {"cell": "test_f", "exercise": "f", "hidden": False, "outcome": "mistake", "mistake": "f/x",
           "error": "CheckFailed", "message": "m"}
    diagnoses.write(url, "ada", "a1", "a1", [row, {**row, "cell": "test_f_hidden", "hidden": True}])
    diagnoses.write(url, "ben", "a1", "a1", [row])
    diagnoses.write(url, "ada", "a1", "a1", [{**row, "outcome": "passed", "mistake": None}])
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT student, cell, outcome FROM course_test_outcome ORDER BY student")).all()
    engine.dispose()
    assert rows == [("ada", "test_f", "passed"), ("ben", "test_f", "mistake")]


def test_the_exercise_of_a_test_cell_is_the_longest_matching_name():
    exercises = ["bfgs", "bfgs_inverse_update", "exact_step"]
    assert diagnoses.exercise_of("test_bfgs_inverse_update_hidden", exercises) == "bfgs_inverse_update"
    assert diagnoses.exercise_of("test_bfgs_hidden", exercises) == "bfgs"
    assert diagnoses.exercise_of("test_exact_step", exercises) == "exact_step"
    assert diagnoses.exercise_of("test_exact_stepper", exercises) is None


# ------------------------------------------------------------------ last: a regrade


def test_a_regrade_after_a_fix_moves_the_student_out_of_the_count(graded):
    """Runs last among the tests of the batch: noa fixes sgd_step and is graded again."""
    root = graded["root"]
    solution = nbformat.read(root / "solutions" / A / f"{A}.ipynb", as_version=4)
    answers = {e: ("pass", SOLUTION_MARKER.sub("", c.source)) for c in solution.cells
               if (e := _nbgrader(c).get("grade_id")) in EXERCISES and _nbgrader(c).get("solution")}
    nbformat.write(_notebook(graded["released"], answers, tampered=False),
                   root / "grading" / "submitted" / "noa" / A / f"{A}.ipynb")
    graded_now = cli.autograde(root, jobs=2)
    assert graded_now == [("noa", A)]  # only the changed submission
    cli.report(root)
    got = _read_csv(root / "grading" / "reports" / "report.csv")
    assert got["mistake", "sgd_step", "sgd_step/sign-error"] == ("3", "cleo dan oli")
    before = graded["expected"]
    for item in ("pass_visible", "pass_hidden_too"):
        assert got["exercise", "sgd_step", item][0] == str(before["exercise", "sgd_step", item][0] + 1)
