"""The layout: the course (what students import) apart from the grader (the instructor's).

``course`` never imports ``grader``, the modules of both packages import each other in
no cycle (imports inside functions included), and a notebook graded in the sandbox can
import the notebook's side of the bridge but nothing of the grader.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("course", "grader")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    """Every module of the two packages, by dotted name."""
    return {_module_name(path): path for package in PACKAGES for path in sorted((REPO / package).rglob("*.py"))}


MODULES = _modules()


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _imports(name: str, path: Path) -> set[str]:
    """The modules of the two packages that module ``name`` imports, anywhere in its code.

    ``from a.b import c`` imports ``a.b.c`` when that is a module, else ``a.b``. Importing
    a module runs its packages' ``__init__`` first: those count too, unless the importer
    is inside them already (it is then imported after them anyway)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # `import course.checks.x.y` of a name
                target = target.rpartition(".")[0]
            if target and target.split(".")[0] in PACKAGES:
                found.add(target)
                found.update(a for a in _ancestors(target) if a not in _ancestors(name) and a != name)
    found.discard(name)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_the_graph_sees_the_known_imports():
    """The parser finds what is there (so that the tests below are not vacuous)."""
    assert "course.bridge" in GRAPH["course.checks.own_work"]
    assert {"course.bridge", "course.checks.own_work", "course.checks"} <= GRAPH["grader.bridge"]
    assert "grader.verdict" in GRAPH["grader.preprocessors"]
    assert {"course.checks.failure", "course.checks.own_work", "course.checks"} <= GRAPH["course.notebook_bridge"]
    assert len([m for m in MODULES if m.startswith("grader.")]) >= 10


def test_the_course_never_imports_the_grader():
    offenders = {name: sorted(m for m in targets if m.split(".")[0] == "grader")
                 for name, targets in GRAPH.items() if name.split(".")[0] == "course"}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_no_module_imports_itself_through_others():
    """No import cycle among the modules of ``course`` and ``grader`` (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)


def test_importing_the_course_loads_nothing_of_the_grader():
    """What the parse says, checked by Python itself: every course module imported."""
    course_modules = sorted(m for m in MODULES if m.split(".")[0] == "course")
    code = ("import importlib, sys\n"
            f"for name in {course_modules!r}:\n"
            "    importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m == 'grader' or m.startswith('grader.')))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_graded_notebook_reaches_the_bridge_but_not_the_grader(tmp_path):
    """In the sandbox a notebook is graded in (grader.sandbox), the notebook's side of the
    bridge imports; the grader's modules are not there (only a copy of ``course`` is)."""
    from grader import sandbox

    try:
        sandbox.check_available()
    except sandbox.SandboxUnavailable as error:
        pytest.skip(str(error))
    assert importlib.util.find_spec("grader") is not None, "the grader imports here, outside"
    manager = sandbox.SandboxedKernelManager()
    manager.submission = str(tmp_path)
    code = ("import course.bridge, course.notebook_bridge, course.checks\n"
            "print(course.notebook_bridge.__file__)\n"
            "try:\n"
            "    import grader\n"
            "except ModuleNotFoundError:\n"
            "    print('no grader')\n"
            "else:\n"
            "    print('grader at', grader.__file__)\n")
    try:
        done = subprocess.run([*manager.sandbox_command(), sys.executable, "-c", code],
                              capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(manager.shared_folder, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"{sandbox.COURSE_MOUNT}/course/notebook_bridge.py", "no grader"]
