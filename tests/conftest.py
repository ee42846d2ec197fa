"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import array_api_strict
import numpy as np
import pytest

from course.backend import probe_cupy

# Tests grade into gradebooks of their own, never into the server a grader's shell names
# (nbgrader_config.py reads COURSE_DB_URL).
os.environ.pop("COURSE_DB_URL", None)

#: Test modules that grade or train for a minute or more, heaviest first. They run before
#: every other module, so that pytest-xdist's workers (`make test`: -n 4 --dist loadscope
#: --no-loadscope-reorder) start them at once and the light modules fill in around them.
HEAVY_FIRST = (
    "test_nbgrader_roundtrip", "test_autograde_hostile", "test_conformance", "test_gradebatch",
    "test_gradebook_postgres", "test_report", "test_bench", "test_explorers", "test_verdict_matrix",
    "test_autograde_isolation", "test_jupyterlab", "test_notebooks",
)


def pytest_collection_modifyitems(items):
    """The heavy modules first (in HEAVY_FIRST's order), then the others as collected."""
    rank = {name: i for i, name in enumerate(HEAVY_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__.rsplit(".", 1)[-1], len(rank)))


@pytest.fixture(scope="session", autouse=True)
def shared_explorer_pictures(tmp_path_factory):
    """One folder of the explorers' graded pictures for every course copy the tests grade
    (and every pytest-xdist worker): each lecture's pictures are drawn once per run
    (nbgrader_config.py reads COURSE_EXPLORER_PICTURES)."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "explorer-pictures"
    shared.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COURSE_EXPLORER_PICTURES", str(shared))
        yield shared

@pytest.fixture(scope="session", autouse=True)
def alembic_version_asked_once():
    """nbgrader asks alembic for its database schema's version in a new process (about 2 s
    of CPU) whenever it creates a gradebook, and the tests create dozens: each test process
    asks once and gives nbgrader that same answer afterwards."""
    import nbgrader.api

    with pytest.MonkeyPatch.context() as path:  # the venv's alembic, as grader.cli finds it
        path.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
        version = nbgrader.api.get_alembic_version()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nbgrader.api, "get_alembic_version", lambda: version)
        yield version


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


#: Debian's browser, driven by Playwright (tests/browser, and the Formgrader in
#: tests/test_nbgrader_roundtrip.py); `make test` installs it (scripts/system-packages).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Debian's Chromium (`make test` installs it)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's browser "
                    "(or `apt-get install -y chromium`)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_context(chromium_executable: Path,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One headless Chromium with a fresh profile for the whole session."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=tmp_path_factory.mktemp("chromium-profile"),
            executable_path=str(chromium_executable),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()
    finally:
        playwright.stop()
