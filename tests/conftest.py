"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
from pathlib import Path

import array_api_strict
import numpy as np
import pytest

from course.backend import probe_cupy

# Tests grade into gradebooks of their own, never into the server a grader's shell names
# (nbgrader_config.py reads COURSE_DB_URL).
os.environ.pop("COURSE_DB_URL", None)

NAMESPACES = {"numpy": np, "array_api_strict": array_api_strict}
_cupy, _ = probe_cupy()
if _cupy is not None:  # a working GPU: the same tests run on CuPy arrays too
    NAMESPACES["cupy"] = _cupy


@pytest.fixture(params=list(NAMESPACES), ids=list(NAMESPACES))
def xp(request):
    """Each array library the reference code must run on: NumPy, array-api-strict (the
    CPU stand-in that fails loudly on NumPy-only calls) and, where a GPU works, CuPy."""
    return NAMESPACES[request.param]


REPO = Path(__file__).resolve().parents[1]
#: Assignments (graded lectures) the course must have; any other folder of solutions/ is tested too.
REQUIRED_ASSIGNMENTS = (
    "01-learning-vs-optimization", "02-challenges", "03-sgd", "04-momentum", "05-adaptive",
    "06-second-order", "07-batch-norm", "08-init-and-averaging", "09-strategies",
)
#: The course's front door: released like the lectures, but nothing in it is graded.
START_PAGE = "00-start-here"


def course_assignments() -> list[str]:
    """The graded lectures: the required ones and every other folder of solutions/ but the
    start page, sorted."""
    solutions = REPO / "solutions"
    found = [p.name for p in solutions.iterdir() if p.is_dir() and not p.name.startswith(".")] if solutions.is_dir() else []
    return sorted((set(REQUIRED_ASSIGNMENTS) | set(found)) - {START_PAGE})


def released_folders() -> list[str]:
    """Every folder that `make release` generates: the start page and the lectures."""
    return [START_PAGE, *course_assignments()]


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def start_page() -> str:
    """The folder name of the start page."""
    return START_PAGE


@pytest.fixture(scope="session")
def assignments() -> list[str]:
    """All course assignments (see ``course_assignments``)."""
    return course_assignments()


def pytest_generate_tests(metafunc):
    """Run a test that takes ``assignment`` once per course assignment, module-scoped so
    that expensive module fixtures built from it run once per assignment. Required
    assignments are always included: a missing one fails instead of vanishing."""
    if "assignment" in metafunc.fixturenames:
        metafunc.parametrize("assignment", course_assignments(), scope="module")
    if "folder" in metafunc.fixturenames:
        metafunc.parametrize("folder", released_folders(), scope="module")
