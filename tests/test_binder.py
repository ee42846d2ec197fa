"""Binder and conda environments stay in step with pyproject.toml, and the README's
Binder badge opens a notebook that exists.

Conda specs are compared with pyproject's requirements by name and version bounds.
conda-forge names differ from PyPI names only where ``CONDA_TO_PYPI`` says so.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
import yaml
from packaging.requirements import Requirement

tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python >= 3.11")

REPO = Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"
# conda-forge package -> PyPI distribution, where the names differ.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}
# Packages of the conda files that pyproject.toml does not list (the interpreter, pip).
CONDA_ONLY = {"python", "pip"}
BINDER_BADGE = re.compile(r"https://mybinder\.org/v2/gh/[^)\s\"'>]+")
BINDER_URL_PREFIX = "https://mybinder.org/v2/gh/optim-dl/course/HEAD"


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _pyproject_requirements(*extras: str) -> dict[str, str]:
    """Normalised name -> version specifier of the dependencies and the given extras."""
    project = _pyproject()
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    requirements = [Requirement(line) for line in lines]
    return {_normalise(req.name): str(req.specifier) for req in requirements}


def _conda_environment(path: Path) -> dict:
    assert path.is_file(), f"{path.relative_to(REPO)} is missing"
    environment = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(environment, dict), f"{path} is not a YAML mapping"
    return environment


def _conda_specs(environment: dict) -> list[str]:
    return [entry for entry in environment["dependencies"] if isinstance(entry, str)]


def _pip_specs(environment: dict) -> list[str]:
    sections = [entry["pip"] for entry in environment["dependencies"] if isinstance(entry, dict)]
    return [spec for section in sections for spec in section]


def _as_pypi(conda_spec: str) -> tuple[str, str]:
    """``'matplotlib-base>=3.8'`` -> ``('matplotlib', '>=3.8')`` (PyPI name, specifier)."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", conda_spec)
    assert match, f"cannot read the conda spec {conda_spec!r}"
    name, specifier = _normalise(match[1]), match[2].replace(" ", "")
    return CONDA_TO_PYPI.get(name, name), specifier


def _packages(environment: dict) -> dict[str, str]:
    """PyPI name -> specifier for the conda and pip packages (not local paths, not python)."""
    packages = dict(_as_pypi(spec) for spec in _conda_specs(environment))
    for spec in _pip_specs(environment):
        if not spec.startswith("-"):
            requirement = Requirement(spec)
            packages[_normalise(requirement.name)] = str(requirement.specifier)
    return {name: spec for name, spec in packages.items() if name not in CONDA_ONLY}


def test_top_level_environment_matches_pyproject() -> None:
    environment = _conda_environment(REPO / "environment.yml")
    assert environment["channels"] == ["conda-forge"]
    assert _packages(environment) == _pyproject_requirements("lab", "test")
    assert "-e ." in _pip_specs(environment), "environment.yml must install the package"


def test_binder_environment_has_the_runtime_and_lab_dependencies_only() -> None:
    environment = _conda_environment(BINDER / "environment.yml")
    assert environment["channels"] == ["conda-forge"]
    assert _packages(environment) == _pyproject_requirements("lab")


def test_binder_environment_has_no_gpu_package() -> None:
    environment = _conda_environment(BINDER / "environment.yml")
    specs = _conda_specs(environment) + _pip_specs(environment)
    gpu = [spec for spec in specs if re.match(r"\s*(cupy|cuda|nvidia)", spec, re.IGNORECASE)]
    assert not gpu, f"Binder has no GPU: drop {gpu}"
    gpu_extra = set(_pyproject_requirements("gpu")) - set(_pyproject_requirements())
    assert not gpu_extra & set(_packages(environment))


def test_binder_entries_are_copied_from_the_top_level_environment() -> None:
    top_level = _conda_environment(REPO / "environment.yml")
    binder = _conda_environment(BINDER / "environment.yml")
    missing = set(_conda_specs(binder)) - set(_conda_specs(top_level))
    assert not missing, f"binder/environment.yml differs from environment.yml in {missing}"


def test_binder_post_build_installs_the_course_package() -> None:
    post_build = BINDER / "postBuild"
    assert post_build.is_file(), "binder/postBuild is missing"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    commands = [line.strip() for line in post_build.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert commands[0] == "set -e", "postBuild must stop at the first failing command"
    assert "python -m pip install --no-deps -e ." in commands


def _binder_badge_urls() -> list[str]:
    readme = REPO / "README.md"
    if not readme.is_file():
        pytest.fail("README.md is missing")
    return BINDER_BADGE.findall(readme.read_text(encoding="utf-8"))


def test_readme_binder_badge_opens_an_existing_notebook() -> None:
    urls = _binder_badge_urls()
    assert urls, "README.md has no mybinder.org link"
    for url in urls:
        assert url.startswith(BINDER_URL_PREFIX), f"{url} is not this repository's Binder"
        urlpath = parse_qs(urlparse(url).query).get("urlpath")
        assert urlpath, f"{url} has no urlpath"
        path = unquote(urlpath[0])
        assert path.startswith("lab/tree/my-work/"), f"{url} does not open the student's copy of a notebook"
        target = REPO / "notebooks" / path.removeprefix("lab/tree/my-work/")
        assert target.is_file(), f"the Binder link opens a copy of {target.relative_to(REPO)}, missing"
        assert target.name == "00-start-here.ipynb", "Binder opens the start page"


def test_binder_start_makes_the_students_copies_and_hides_instructor_tools() -> None:
    start = BINDER / "start"
    assert os.access(start, os.X_OK), "binder/start must be executable"
    commands = [line.strip() for line in start.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert commands[0] == "set -e" and commands[-1] == 'exec "$@"', "start must fail early and end with exec"
    assert "python -m course.workspace" in commands
    assert any("JUPYTER_CONFIG_PATH" in c and "jupyter-config" in c for c in commands)
