"""`make test` and `make autograde` set up the Debian packages they need, or stop at once.

scripts/system-packages recognises each package by a command it puts on PATH
(chromium, bwrap, pg_ctlcluster). Here it runs with PATH made of stand-ins: the real
tools a shell needs, minus the packages' commands, with ``id``, ``sudo`` and
``apt-get`` replaced by scripts that record their calls, so that every branch is
exercised without installing anything: nothing missing; root installs with apt-get;
passwordless sudo installs with sudo apt-get; anyone else gets one line naming the
missing packages and the one command that installs them, before anything runs.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "system-packages"
PACKAGES = {"chromium": "chromium", "bubblewrap": "bwrap", "postgresql": "pg_ctlcluster"}
HIDDEN = {*PACKAGES.values(), "id", "sudo", "apt-get"}


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@pytest.fixture
def machine(tmp_path):
    """A PATH of stand-ins: every command of /usr/bin and /bin but the packages' and the
    privileged ones, which tests add as recording scripts."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in ("/usr/local/bin", "/usr/bin", "/bin"):
        for tool in Path(folder).iterdir():
            target = bin_dir / tool.name
            if tool.name not in HIDDEN and not target.exists() and os.access(tool, os.X_OK):
                target.symlink_to(tool)
    log = tmp_path / "calls.log"

    class Machine:
        path = str(bin_dir)
        calls = log

        def user(self, uid: int) -> None:
            _script(bin_dir / "id", f'[ "$1" = -u ] && echo {uid}\n')

        def apt_get(self) -> None:
            """apt-get that records its arguments and 'installs' by adding the commands."""
            installs = "\n".join(
                f'  {package}) printf "#!/bin/sh\\n" > "{bin_dir}/{command}"; chmod +x "{bin_dir}/{command}" ;;'
                for package, command in PACKAGES.items())
            _script(bin_dir / "apt-get", f'echo "apt-get $*" >> "{log}"\n'
                    f'[ "$1" = install ] || exit 0\nfor p in "$@"; do case "$p" in\n{installs}\nesac; done\n')

        def sudo(self, works: bool) -> None:
            _script(bin_dir / "sudo", f'echo "sudo $*" >> "{log}"\n'
                    + ('[ "$1" = -n ] && shift\nexec "$@"\n' if works else "exit 1\n"))

        def has(self, *packages: str) -> None:
            for package in packages:
                _script(bin_dir / PACKAGES[package], "")

        def run(self, *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
            return subprocess.run(list(args), cwd=cwd, env={"PATH": self.path, "HOME": str(tmp_path)},
                                  capture_output=True, text=True, timeout=60)

        def logged(self) -> list[str]:
            return log.read_text().splitlines() if log.exists() else []

    return Machine()


def test_nothing_missing_runs_nothing(machine):
    machine.user(1000)
    machine.apt_get()
    machine.has("chromium", "bubblewrap", "postgresql")
    done = machine.run(str(SCRIPT), "chromium", "bubblewrap", "postgresql")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert machine.logged() == []


def test_an_ordinary_user_gets_one_line_and_nothing_runs(machine):
    machine.user(1000)
    machine.apt_get()
    machine.sudo(works=False)
    machine.has("postgresql")
    done = machine.run(str(SCRIPT), "chromium", "bubblewrap", "postgresql")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "Missing Debian packages: chromium bubblewrap. Install them with: sudo apt-get install -y chromium bubblewrap"]
    assert not any(call.startswith("apt-get") for call in machine.logged())


def test_root_installs_what_is_missing(machine):
    machine.user(0)
    machine.apt_get()
    machine.has("chromium")
    done = machine.run(str(SCRIPT), "chromium", "bubblewrap", "postgresql")
    assert done.returncode == 0, done.stderr
    assert machine.logged() == ["apt-get update -q", "apt-get install -y -q bubblewrap postgresql"]
    assert (Path(machine.path) / "bwrap").exists()


def test_passwordless_sudo_installs_what_is_missing(machine):
    machine.user(1000)
    machine.apt_get()
    machine.sudo(works=True)
    done = machine.run(str(SCRIPT), "bubblewrap")
    assert done.returncode == 0, done.stderr
    assert "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -q bubblewrap" in machine.logged()
    assert "apt-get install -y -q bubblewrap" in machine.logged()


def test_without_apt_get_it_says_what_to_install(machine):
    machine.user(0)
    done = machine.run(str(SCRIPT), "bubblewrap")
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["Missing system packages: bubblewrap. Install them with your package "
                                        "manager (Debian, Ubuntu: sudo apt-get install -y bubblewrap)"]


@pytest.mark.parametrize("target, missing", [("test", "chromium bubblewrap postgresql"), ("autograde", "bubblewrap")])
def test_make_stops_before_running_anything(machine, tmp_path, target, missing):
    """From a copy of the course with no .venv, `make test` / `make autograde` on a machine
    without the packages, as an ordinary user: one line, no venv, no test run."""
    machine.user(1000)
    machine.apt_get()
    machine.sudo(works=False)
    course = tmp_path / "course"
    course.mkdir()
    for name in ("Makefile", "scripts", "pyproject.toml"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, course / name)
    done = machine.run("make", "--no-print-directory", target, cwd=course)
    assert done.returncode != 0
    assert done.stderr.splitlines()[0] == (f"Missing Debian packages: {missing}. Install them with: "
                                           f"sudo apt-get install -y {missing}")
    assert not (course / ".venv").exists()
    assert done.stdout == ""
