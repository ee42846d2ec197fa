"""Students work on copies in my-work/: made once, never overwritten, new lectures added."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from course.workspace import WORK, create_copies, main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def course(tmp_path: Path) -> Path:
    (tmp_path / "notebooks" / "03-sgd").mkdir(parents=True)
    (tmp_path / "notebooks" / "03-sgd" / "03-sgd.ipynb").write_text("released 03")
    (tmp_path / "notebooks" / "03-sgd" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "notebooks" / "03-sgd" / ".ipynb_checkpoints" / "x.ipynb").write_text("checkpoint")
    return tmp_path


def test_copies_are_made_once_and_never_overwritten(course):
    created = create_copies(course)
    copy = course / WORK / "03-sgd" / "03-sgd.ipynb"
    assert created == [copy] and copy.read_text() == "released 03"
    assert not (course / WORK / "03-sgd" / ".ipynb_checkpoints").exists()
    copy.write_text("the student's work")
    (course / "notebooks" / "03-sgd" / "03-sgd.ipynb").write_text("released 03, fixed")
    assert create_copies(course) == []
    assert copy.read_text() == "the student's work"


def test_a_new_lecture_appears_next_to_the_old_copies(course):
    create_copies(course)
    (course / WORK / "03-sgd" / "03-sgd.ipynb").write_text("work")
    (course / "notebooks" / "04-momentum").mkdir()
    (course / "notebooks" / "04-momentum" / "04-momentum.ipynb").write_text("released 04")
    assert create_copies(course) == [course / WORK / "04-momentum" / "04-momentum.ipynb"]
    assert (course / WORK / "03-sgd" / "03-sgd.ipynb").read_text() == "work"


def test_a_deleted_lecture_folder_starts_afresh(course):
    """README: "To start a lecture afresh, delete its folder in my-work/ and run make lab again"."""
    create_copies(course)
    folder = course / WORK / "03-sgd"
    (folder / "03-sgd.ipynb").write_text("the student's work")
    (folder / "notes.txt").write_text("the student's notes")
    shutil.rmtree(folder)
    assert create_copies(course) == [folder / "03-sgd.ipynb"]
    assert sorted(p.name for p in folder.iterdir()) == ["03-sgd.ipynb"]
    assert (folder / "03-sgd.ipynb").read_text() == "released 03"


def test_without_released_notebooks_the_command_says_where_it_looked(tmp_path, capsys):
    assert main(["--root", str(tmp_path)]) == 1
    assert "no released notebooks in" in capsys.readouterr().err


def test_git_ignores_the_students_work():
    ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", f"{WORK}/03-sgd/03-sgd.ipynb"])
    assert ignored.returncode == 0, f"{WORK}/ must be git-ignored"
