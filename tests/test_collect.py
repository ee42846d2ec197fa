"""Collecting submissions from an LMS download (grader.collect, `make collect`).

Synthetic Canvas and Moodle archives hold what real downloads do: late and repeated
submissions, renamed notebooks, a notebook of another assignment, files that are not
notebooks or not readable, names with spaces and accents, and files of nobody known.
Each test asserts exactly which notebook lands where and what the report says about
every other file; the last one autogrades a collected folder.
"""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from grader import cli
from grader.collect import CollectError, Roster, collect_archive

A = "03-sgd"
RELEASED = ["02-challenges", A]
T0, T1, T2 = (2026, 11, 2, 10, 0, 0), (2026, 11, 3, 9, 30, 0), (2026, 11, 4, 8, 0, 0)

CANVAS_ROSTER = "student_id,lms_id,name\nalice,1001,\nbob,1002,\nzoe,,Müller Zoë\ncarol,1004,Smith Carol\n"


def _notebook(text: str) -> str:
    """A notebook told apart from the others by its one cell."""
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)]))


CANVAS = [
    ("smithalice_1001_5001_03-sgd.ipynb", _notebook("alice"), T0),
    ("jonesbob_1002_5002_03-sgd-1.ipynb", _notebook("bob first"), T0),
    ("jonesbob_LATE_1002_5010_03-sgd.ipynb", _notebook("bob again"), T0),
    ("müllerzoë_1003_5003_03-sgd.ipynb", _notebook("zoë"), T0),
    ("smithcarol_1004_5006_homework 3.ipynb", _notebook("carol"), T0),
    ("smithalice_1001_5004_notes.pdf", "%PDF-1.7", T0),
    ("doejane_1999_5005_03-sgd.ipynb", _notebook("jane"), T0),
    ("03-sgd.ipynb", _notebook("whose?"), T0),
]

MOODLE = [
    ("Zoë Müller_77_assignsubmission_file_/03-sgd-1.ipynb", _notebook("zoë first"), T0),
    ("Zoë Müller_77_assignsubmission_file_/03-sgd.ipynb", _notebook("zoë again"), T1),
    ("Bob Jones_78_assignsubmission_file_/Homework 3.ipynb", _notebook("bob"), T0),
    ("Bob Jones_78_assignsubmission_onlinetext_/onlinetext.html", "<p>see my notebook</p>", T0),
    ("Alice Smith_79_assignsubmission_file_02-challenges.ipynb", _notebook("alice"), T0),  # flat
    ("Carol Smith_80_assignsubmission_file_/03-sgd.ipynb", '{"cells": [', T0),
    ("Frank Ode_83_assignsubmission_file_/03-sgd.ipynb", '{"answer": 42}', T0),
    ("Dan Brown_81_assignsubmission_file_/03-sgd.ipynb", _notebook("dan"), T1),
    ("Dan Brown_81_assignsubmission_file_/my copy.ipynb", _notebook("dan renamed"), T2),
    ("Eve Adams_82_assignsubmission_file_/03-sgd-1.ipynb", _notebook("eve again"), T0),
    ("Eve Adams_82_assignsubmission_file_/03-sgd.ipynb", _notebook("eve first"), T0),
]


def _archive(path: Path, files) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content, when in files:
            archive.writestr(zipfile.ZipInfo(name, when), content)
    return path


def _collected(submitted: Path) -> dict[str, str]:
    """Every file under ``submitted``: its path -> the text of its notebook's cell."""
    return {str(p.relative_to(submitted)): nbformat.read(p, as_version=4).cells[0].source
            for p in sorted(submitted.rglob("*")) if p.is_file()}


def _roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_canvas_with_roster(tmp_path):
    archive = _archive(tmp_path / "submissions.zip", CANVAS)
    report = collect_archive(archive, tmp_path / "submitted", RELEASED, A,
                             Roster.read(_roster(tmp_path, CANVAS_ROSTER)))
    assert _collected(tmp_path / "submitted") == {
        "alice/03-sgd/03-sgd.ipynb": "alice",
        "bob/03-sgd/03-sgd.ipynb": "bob again",  # the later submission id
        "carol/03-sgd/03-sgd.ipynb": "carol",  # renamed: the archive is 03-sgd's
        "zoe/03-sgd/03-sgd.ipynb": "zoë",  # found by name
    }
    assert report.lms == {"Canvas"}
    assert sorted(report.collected) == [
        ("alice", A, "smithalice_1001_5001_03-sgd.ipynb"), ("bob", A, "jonesbob_LATE_1002_5010_03-sgd.ipynb"),
        ("carol", A, "smithcarol_1004_5006_homework 3.ipynb"), ("zoe", A, "müllerzoë_1003_5003_03-sgd.ipynb")]
    assert report.duplicates == [("bob", A, "jonesbob_LATE_1002_5010_03-sgd.ipynb", "jonesbob_1002_5002_03-sgd-1.ipynb")]
    assert report.unmatched == [
        ("doejane_1999_5005_03-sgd.ipynb", "not in the roster (LMS id 1999, name 'doejane')"),
        ("03-sgd.ipynb", "neither a Canvas nor a Moodle submission name"),
    ]
    assert report.other_files == ["smithalice_1001_5004_notes.pdf"]
    # a collected file keeps its time in the archive
    assert os.path.getmtime(tmp_path / "submitted" / "alice" / A / f"{A}.ipynb") == time.mktime((*T0, 0, 0, -1))


def test_canvas_without_roster_or_assignment(tmp_path):
    archive = _archive(tmp_path / "submissions.zip", CANVAS)
    report = collect_archive(archive, tmp_path / "submitted", RELEASED)
    assert _collected(tmp_path / "submitted") == {
        "smithalice/03-sgd/03-sgd.ipynb": "alice",
        "jonesbob/03-sgd/03-sgd.ipynb": "bob again",
        "mullerzoe/03-sgd/03-sgd.ipynb": "zoë",
        "doejane/03-sgd/03-sgd.ipynb": "jane",
    }
    assert report.unmatched == [
        ("smithcarol_1004_5006_homework 3.ipynb", "'homework 3.ipynb' names no released assignment "
         "(02-challenges, 03-sgd); for a download of one assignment, give it (--assignment)"),
        ("03-sgd.ipynb", "neither a Canvas nor a Moodle submission name"),
    ]


def test_moodle_with_assignment(tmp_path):
    archive = _archive(tmp_path / "submissions.zip", MOODLE)
    report = collect_archive(archive, tmp_path / "submitted", RELEASED, A)
    assert _collected(tmp_path / "submitted") == {
        "zoe-muller/03-sgd/03-sgd.ipynb": "zoë again",  # the latest time in the archive
        "bob-jones/03-sgd/03-sgd.ipynb": "bob",
        "dan-brown/03-sgd/03-sgd.ipynb": "dan",  # the notebook named after the assignment
        "eve-adams/03-sgd/03-sgd.ipynb": "eve again",  # same time: the resubmission suffix
    }
    assert report.lms == {"Moodle"}
    assert sorted(report.duplicates) == [
        ("dan-brown", A, "Dan Brown_81_assignsubmission_file_/03-sgd.ipynb",
         "Dan Brown_81_assignsubmission_file_/my copy.ipynb"),
        ("eve-adams", A, "Eve Adams_82_assignsubmission_file_/03-sgd-1.ipynb",
         "Eve Adams_82_assignsubmission_file_/03-sgd.ipynb"),
        ("zoe-muller", A, "Zoë Müller_77_assignsubmission_file_/03-sgd.ipynb",
         "Zoë Müller_77_assignsubmission_file_/03-sgd-1.ipynb"),
    ]
    assert report.unmatched == [
        ("Alice Smith_79_assignsubmission_file_02-challenges.ipynb", "a notebook of 02-challenges, not of 03-sgd"),
        ("Carol Smith_80_assignsubmission_file_/03-sgd.ipynb", "not a readable Jupyter notebook"),
        ("Frank Ode_83_assignsubmission_file_/03-sgd.ipynb", "not a readable Jupyter notebook"),
    ]
    assert report.other_files == ["Bob Jones_78_assignsubmission_onlinetext_/onlinetext.html"]


def test_utf8_names_without_the_utf8_flag(tmp_path, monkeypatch):
    """Zip tools that write UTF-8 names without saying so (Python reads them as cp437)."""
    monkeypatch.setattr(zipfile.ZipInfo, "_encodeFilenameFlags",
                        lambda info: (info.filename.encode("utf-8"), info.flag_bits))
    archive = _archive(tmp_path / "submissions.zip", MOODLE[:2])
    monkeypatch.undo()
    report = collect_archive(archive, tmp_path / "submitted", RELEASED, A)
    assert _collected(tmp_path / "submitted") == {"zoe-muller/03-sgd/03-sgd.ipynb": "zoë again"}
    assert report.duplicates == [("zoe-muller", A, MOODLE[1][0], MOODLE[0][0])]


def test_an_older_archive_never_overwrites_a_newer_file(tmp_path):
    archive = _archive(tmp_path / "submissions.zip", CANVAS[:1])
    submitted = tmp_path / "submitted"
    collected = submitted / "smithalice" / A / f"{A}.ipynb"
    assert collect_archive(archive, submitted, RELEASED).collected

    again = collect_archive(archive, submitted, RELEASED)
    assert again.unchanged == [("smithalice", A, CANVAS[0][0])] and not again.collected

    collected.write_text(_notebook("alice, fixed by hand"))  # newer than the archive
    kept = collect_archive(archive, submitted, RELEASED)
    assert [entry[:3] for entry in kept.kept_newer] == [("smithalice", A, CANVAS[0][0])]
    assert _collected(submitted) == {f"smithalice/{A}/{A}.ipynb": "alice, fixed by hand"}
    assert any("NOT collected: the copy already there is newer" in line for line in kept.lines())

    older = time.mktime((*T0, 0, 0, -1)) - 86400
    os.utime(collected, (older, older))
    replaced = collect_archive(archive, submitted, RELEASED)
    assert [entry[:3] for entry in replaced.replaced] == [("smithalice", A, CANVAS[0][0])]
    assert _collected(submitted) == {f"smithalice/{A}/{A}.ipynb": "alice"}


def test_two_accounts_with_one_name_need_a_roster(tmp_path):
    archive = _archive(tmp_path / "submissions.zip", [
        ("smithjohn_11_1_03-sgd.ipynb", _notebook("john 11"), T0),
        ("smithjohn_12_2_03-sgd.ipynb", _notebook("john 12"), T0),
    ])
    report = collect_archive(archive, tmp_path / "submitted", RELEASED)
    assert not (tmp_path / "submitted").exists()
    assert [why for _, why in report.unmatched] == ["LMS accounts 11, 12 all map to student smithjohn: give a roster"] * 2


def test_a_name_without_letters_needs_a_roster(tmp_path):
    archive = _archive(tmp_path / "submissions.zip", [("--_11_1_03-sgd.ipynb", _notebook("?"), T0)])
    report = collect_archive(archive, tmp_path / "submitted", RELEASED)
    assert report.unmatched == [("--_11_1_03-sgd.ipynb", "no letters in the name '--': give a roster")]
    assert not (tmp_path / "submitted").exists()


@pytest.mark.parametrize("text, error", [
    ("id,email\n1,a@b.c\n", r"needs the columns student_id and lms_id or name; it has id, email"),
    ("student_id,lms_id\nbad id,1\n", r"line 2: student_id 'bad id' is not a folder name"),
    ("student_id,lms_id\na,1\nb,1\n", r"line 3: LMS id 1 is given to both a and b"),
    ("student_id,name\nzm,Zoë Müller\n".encode("latin-1"), r"is not UTF-8 text: save it as CSV \(UTF-8\)"),
])
def test_unusable_roster_is_named(tmp_path, text, error):
    path = tmp_path / "roster.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(CollectError, match=error):
        Roster.read(path)


def test_roster_lookup(tmp_path):
    roster = Roster.read(_roster(tmp_path, "\ufeffstudent_id,name\njs1,John Smith\njs2,john  smith\nzm,Zoë Müller\n"))
    assert roster.student("1", "Zoe MULLER") == ("zm", "")
    assert roster.student("2", "John Smith") == (None, "several students in the roster are named 'John Smith'")


@pytest.fixture
def course(repo, tmp_path):
    """A course root that has released 02-challenges and 03-sgd (folders only)."""
    shutil.copy(repo / "nbgrader_config.py", tmp_path)
    for name in RELEASED:
        (tmp_path / "notebooks" / name).mkdir(parents=True)
    return tmp_path


def test_command_reports_every_file_and_fails_on_notebooks_left_out(course, capsys):
    archive = _archive(course / "submissions.zip", CANVAS)
    roster = _roster(course, CANVAS_ROSTER)
    status = cli.main(["collect", str(archive), "--assignment", A, "--roster", str(roster),
                              "--root", str(course)])
    out, err = capsys.readouterr()
    assert status == 1
    assert "error: 2 notebook(s) not collected (listed above)" in err
    assert out.splitlines() == [
        f"collect {archive} (Canvas) -> {course / 'grading' / 'submitted'}",
        "  collected (4):",
        "    alice/03-sgd <- smithalice_1001_5001_03-sgd.ipynb",
        "    bob/03-sgd <- jonesbob_LATE_1002_5010_03-sgd.ipynb",
        "    carol/03-sgd <- smithcarol_1004_5006_homework 3.ipynb",
        "    zoe/03-sgd <- müllerzoë_1003_5003_03-sgd.ipynb",
        "  duplicates, the latest kept (1):",
        "    bob/03-sgd: kept jonesbob_LATE_1002_5010_03-sgd.ipynb; left out jonesbob_1002_5002_03-sgd-1.ipynb",
        "  NOT collected: no student or assignment (2):",
        "    doejane_1999_5005_03-sgd.ipynb: not in the roster (LMS id 1999, name 'doejane')",
        "    03-sgd.ipynb: neither a Canvas nor a Moodle submission name",
        "  not notebooks, not collected (1):",
        "    smithalice_1001_5004_notes.pdf",
    ]


@pytest.mark.parametrize("argv, error", [
    (["collect", "missing.zip"], "cannot read the archive missing.zip"),
    (["collect", "missing.zip", "--assignment", "99-nope"], "99-nope is not a released assignment (02-challenges, 03-sgd)"),
    (["collect", "missing.zip", "--roster", "missing.csv"], "cannot read the roster missing.csv"),
])
def test_command_names_what_it_cannot_use(course, capsys, argv, error):
    assert cli.main([*argv, "--root", str(course)]) == 1
    assert error in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["collect"], ["collect", "a.zip", "b.zip"], ["autograde", "--roster", "r.csv"]])
def test_command_line_misuse(argv):
    with pytest.raises(SystemExit):
        cli.main(argv)


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_collected_moodle_download_autogrades(repo, tmp_path):
    """Zoë's solutions score full marks, Bob's untouched release (resubmitted) zero."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(repo / "nbgrader_config.py", root)
    shutil.copytree(repo / "solutions" / A, root / "solutions" / A, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    cli.release(root, [A])
    archive = _archive(tmp_path / "moodle.zip", [
        ("Zoë Müller_77_assignsubmission_file_/03-sgd.ipynb", (root / "solutions" / A / f"{A}.ipynb").read_text(), T0),
        ("Bob Jones_78_assignsubmission_file_/03-sgd-1.ipynb", (root / "notebooks" / A / f"{A}.ipynb").read_text(), T0),
    ])
    cli.collect(root, archive)
    assert sorted(cli.autograde(root)) == [("bob-jones", A), ("zoe-muller", A)]
    with Gradebook(f"sqlite:///{root / 'grading' / 'gradebook.db'}", "optim-dl") as gradebook:
        zoe, bob = (gradebook.find_submission_notebook(A, A, student) for student in ("zoe-muller", "bob-jones"))
        assert zoe.max_score > 0 and zoe.score == zoe.max_score
        assert bob.score == 0
