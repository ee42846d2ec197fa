"""A PostgreSQL gradebook (``COURSE_DB_URL``) grades exactly as the SQLite file does.

A real PostgreSQL server (Debian's ``postgresql`` package) runs as an unprivileged user
on a Unix socket in a temporary folder, without TCP. Lecture 03 is released into it and
four submissions are graded: alice's solutions, bob's untouched release, carol's
notebook with one typical mistake and dave's with two others. Two graders share the
server: two ``python -m grader autograde`` processes, on two course copies with disjoint
students, write into it at the same time. The per-cell scores read back from PostgreSQL
must equal those of the same submissions graded into SQLite, and `make report` must
count from PostgreSQL exactly the mistakes that were planted, as it does from SQLite.

Without the server binaries the tests fail: `make test` installs Debian's ``postgresql``
(scripts/system-packages) or stops before running any test.
"""

from __future__ import annotations

import csv
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from test_nbgrader_roundtrip import _carol, _mistake

from grader import cli, report

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

A = "03-sgd"
# Two graders sharing one gradebook server, each with its own students.
GRADERS = {"one": ("alice", "bob"), "two": ("carol", "dave")}
#: dave's mistakes: exercise -> mutant of tests/mutants/<exercise>/.
DAVE = {"linear_decay": "no_clamp", "minibatches": "not_shuffled"}
#: The mistakes planted (carol's is test_nbgrader_roundtrip's for lecture 03): id -> students.
PLANTED = {"sgd_step/sign-error": "carol", "linear_decay/no-clamp": "dave", "minibatches/not-shuffled": "dave"}
STUDENTS = tuple(student for students in GRADERS.values() for student in students)
UNPRIVILEGED = "nobody"  # PostgreSQL refuses to run as root


def _server_binaries() -> Path:
    """The newest ``/usr/lib/postgresql/<version>/bin`` (Debian's layout); fail without one."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                   key=lambda p: int(re.sub(r"\D", "", p.parts[-3]) or 0))
    if not found:
        pytest.fail("PostgreSQL server binaries missing (/usr/lib/postgresql/<version>/bin): "
                    "`make test` installs Debian's postgresql (or `apt-get install -y postgresql`)")
    return found[-1].parent


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL server on a Unix socket in a new folder, with a database ``gradebook``;
    yields its SQLAlchemy URL. The server is stopped and the folder removed afterwards."""
    import psycopg  # the `lab` extra's driver (postgresql+psycopg://)

    bindir = _server_binaries()
    folder = Path(tempfile.mkdtemp(prefix="gradebook-pg-"))  # not under pytest's 0700 tmp
    as_user = {}
    if os.geteuid() == 0:
        account = pwd.getpwnam(UNPRIVILEGED)
        os.chown(folder, account.pw_uid, account.pw_gid)
        as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    data, log = folder / "data", folder / "server.log"
    run = dict(cwd=folder, env={"LC_ALL": "C", "PATH": os.defpath}, check=True,
               capture_output=True, text=True, **as_user)
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-w"]
    start = time.perf_counter()
    try:
        subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "grader", "-A", "trust",
                        "-E", "UTF8", "--no-sync"], **run)
        subprocess.run([*pg_ctl, "-l", str(log), "-o",
                        f"-c listen_addresses='' -c unix_socket_directories={folder} -c fsync=off",
                        "start"], **run)
        with psycopg.connect(f"postgresql://grader@/postgres?host={folder}", autocommit=True) as db:
            db.execute("CREATE DATABASE gradebook")
        print(f"PostgreSQL {bindir.parent.name} up in {time.perf_counter() - start:.2f} s")
        yield f"postgresql+psycopg://grader@/gradebook?host={folder}"
    except subprocess.CalledProcessError as error:
        server_log = log.read_text() if log.exists() else ""
        pytest.fail(f"{' '.join(error.cmd)} failed:\n{error.stdout}{error.stderr}{server_log}")
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*pg_ctl, "-m", "fast", "stop"], **run)
        shutil.rmtree(folder)


def _course_copy(repo: Path, root: Path) -> Path:
    """A course holding lecture 03's sources."""
    root.mkdir()
    shutil.copy(repo / "nbgrader_config.py", root)
    shutil.copytree(repo / "solutions" / A, root / "solutions" / A,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return root


def _submit(root: Path, notebooks: dict[str, str], students) -> None:
    for student in students:
        folder = root / "grading" / "submitted" / student / A
        folder.mkdir(parents=True)
        (folder / f"{A}.ipynb").write_text(notebooks[student])


def _scores(db_url: str) -> dict[str, dict[str, tuple[float, float]]]:
    """student -> {graded cell: (score, max score)}."""
    with Gradebook(db_url, "optim-dl") as gradebook:
        return {student: {g.name: (g.score, g.max_score)
                          for g in gradebook.find_submission_notebook(A, A, student).grades}
                for student in STUDENTS}


@pytest.fixture(scope="module")
def sqlite_batch(repo, tmp_path_factory):
    """The batch graded into the default SQLite gradebook: the submissions and scores."""
    root = _course_copy(repo, tmp_path_factory.mktemp("sqlite") / "course")
    cli.release(root, [A])
    name = f"{A}.ipynb"
    solution = nbformat.read(root / "solutions" / A / name, as_version=4)

    def released():
        return nbformat.read(root / "notebooks" / A / name, as_version=4)

    (first, mutant), *others = DAVE.items()
    dave = _carol(released(), solution, first, repo / "tests" / "mutants" / first / f"{mutant}.py")
    for cell in dave.cells:  # his other mistakes
        exercise = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and exercise in dict(others):
            cell.source = (repo / "tests" / "mutants" / exercise / f"{DAVE[exercise]}.py").read_text()
    notebooks = {
        "alice": nbformat.writes(solution),
        "bob": nbformat.writes(released()),
        "carol": nbformat.writes(_carol(released(), solution, *_mistake(repo, A, solution))),
        "dave": nbformat.writes(dave),
    }
    _submit(root, notebooks, STUDENTS)
    start = time.perf_counter()
    cli.autograde(root)
    print(f"SQLite: {len(STUDENTS)} submissions graded in {time.perf_counter() - start:.1f} s")
    return {"root": root, "notebooks": notebooks, "scores": _scores(f"sqlite:///{root / 'grading' / 'gradebook.db'}")}


@pytest.fixture(scope="module")
def postgres_batch(repo, postgres, sqlite_batch, tmp_path_factory):
    """The same batch in PostgreSQL, released from one course copy and graded by two
    ``python -m grader autograde`` processes at once, one per course copy."""
    base = tmp_path_factory.mktemp("postgres")
    roots = {grader: _course_copy(repo, base / grader) for grader in GRADERS}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COURSE_DB_URL", postgres)
        cli.release(roots["one"], [A])
    for grader, students in GRADERS.items():
        _submit(roots[grader], sqlite_batch["notebooks"], students)

    env = {**os.environ, "COURSE_DB_URL": postgres}
    start = time.perf_counter()
    # cwd=repo: `python -m` imports this checkout's `course` package
    graders = {grader: subprocess.Popen(
        [sys.executable, "-m", "grader", "autograde", "--root", str(root)],
        cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for grader, root in roots.items()}
    outputs = {grader: process.communicate(timeout=300)[0] for grader, process in graders.items()}
    print(f"PostgreSQL: {len(STUDENTS)} submissions graded by {len(graders)} processes at once "
          f"in {time.perf_counter() - start:.1f} s")
    return {"roots": roots, "outputs": outputs, "scores": _scores(postgres),
            "returncodes": {grader: process.returncode for grader, process in graders.items()}}


def test_two_graders_write_into_one_server_at_once(postgres_batch):
    for grader, students in GRADERS.items():
        output = postgres_batch["outputs"][grader]
        assert postgres_batch["returncodes"][grader] == 0, f"grader {grader} failed:\n{output}"
        assert re.search(rf"^\s*graded\s+{len(students)}$", output, re.M), output
        assert re.search(r"^\s*failed\s+0$", output, re.M), output


def test_postgres_scores_equal_sqlite_scores(sqlite_batch, postgres_batch):
    sqlite, postgres = sqlite_batch["scores"], postgres_batch["scores"]
    # the batch tells right from wrong, so that equal scores mean something
    total = {student: sum(score for score, _ in cells.values()) for student, cells in sqlite.items()}
    full = sum(points for _, points in sqlite["alice"].values())
    assert full > 0 and total["alice"] == full and total["bob"] == 0 and 0 < total["carol"] < full, total
    assert postgres == sqlite


def test_postgres_gradebook_leaves_no_sqlite_file(postgres_batch):
    for root in postgres_batch["roots"].values():
        assert not (root / "grading" / "gradebook.db").exists(), "COURSE_DB_URL was ignored"


def _report(root: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    """report.csv's rows of lecture 03 that the submissions decide (not the timings)."""
    cli.report(root)
    with open(root / report.REPORTS / "report.csv", newline="", encoding="utf-8") as file:
        return {(r["section"], r["exercise"], r["item"]): (r["value"], r["detail"]) for r in csv.DictReader(file)
                if r["assignment"] == A and r["section"] not in ("slowest", "tampered")}


def test_report_counts_the_planted_mistakes_from_postgres(postgres, postgres_batch, sqlite_batch):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COURSE_DB_URL", postgres)
        rows = _report(postgres_batch["roots"]["one"])
    mistakes = {key[2]: detail for key, (value, detail) in rows.items() if key[0] == "mistake"}
    assert mistakes == PLANTED
    assert rows["class", "", "students"][0] == rows["class", "", "submitted"][0] == str(len(STUDENTS))
    assert rows["class", "", "submitted_nothing_done"] == ("1", "bob")
    assert rows["exercise", "sgd_step", "pass_visible"][0] == "2"  # alice, dave
    assert rows["exercise", "linear_decay", "pass_hidden_too"][0] == "2"  # alice, carol
    assert rows["exercise", "minibatches", "unfinished"] == ("1", "bob")
    assert rows == _report(sqlite_batch["root"]), "PostgreSQL and SQLite gradebooks report differently"
