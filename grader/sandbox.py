"""The sandbox a student's notebook runs in while it is autograded (Linux, bubblewrap).

:class:`SandboxedKernelManager` starts the notebook's kernel inside ``bwrap`` instead of
directly. Inside, the kernel sees only:

* the system's programs and libraries (``/usr``), the Python installation and its
  environment, read-only;
* a read-only copy of the ``course`` package (``/opt/course``, first on ``PYTHONPATH``),
  never the instructor's editable checkout;
* a scratch copy of its own submission folder (``/home/student/<assignment>``, its
  working directory and ``HOME``), the only place it can write besides its own ``/tmp``;
* a private folder shared with the grader, holding the kernel's connection file and its
  Unix sockets (jupyter's ``ipc`` transport: there is no network inside).

Not the course repository (solutions, gradebook, other students' work), not the
instructor's home, not the network. Its processes live in their own PID namespace and all
die when the kernel stops; memory, CPU time, open files and file sizes are capped
(``prlimit``).

jupyter's ``ipc`` transport hangs with default settings because the socket paths
(``ip``) default to the relative name ``kernel-ipc``: the kernel binds them relative to
its working directory, the grader connects relative to its own. Here ``ip`` is an
absolute path in the shared folder.
"""

from __future__ import annotations

import atexit
import compileall
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, Unicode

import course

#: Where the sandboxed kernel finds the course package and its own folder.
COURSE_MOUNT = "/opt/course"
HOME = "/home/student"
#: System files a Python kernel needs besides /usr (fonts for Matplotlib, users for getpass).
ETC = ("ld.so.cache", "passwd", "group", "nsswitch.conf", "localtime", "fonts")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


#: How to grade without the sandbox, said whenever it is missing.
UNSAFE = ("Students' code runs in that sandbox; to grade without it, on a machine you can afford to "
          "lose: make autograde UNSAFE=1 (nbgrader: --GradeExecute.sandbox=False)")


@functools.cache
def check_available() -> None:
    """Raise :class:`SandboxUnavailable`, saying what to do, unless ``bwrap`` works here."""
    if sys.platform != "linux":
        raise SandboxUnavailable(f"the autograder's sandbox needs Linux (bubblewrap); this is {sys.platform}. {UNSAFE}")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(
            f"bubblewrap (bwrap) is not installed: install it (Debian/Ubuntu: `apt-get install bubblewrap`). {UNSAFE}")
    probe = subprocess.run([bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        raise SandboxUnavailable(
            f"bubblewrap cannot create a sandbox here ({probe.stderr.strip() or probe.returncode}): "
            f"it needs unprivileged user namespaces, or root. {UNSAFE}")


@functools.cache
def course_snapshot() -> str:
    """A read-only copy of the course package made once per process, compiled (a kernel
    cannot write bytecode there, and would otherwise compile every module it imports
    anew: about 0.1 s per notebook); the folder holding it."""
    folder = tempfile.mkdtemp(prefix="course-snapshot-")
    atexit.register(shutil.rmtree, folder, True)
    source = Path(course.__file__).parent
    shutil.copytree(source, Path(folder) / "course", ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(Path(folder) / "course", quiet=1)
    for path in Path(folder).rglob("*"):
        path.chmod(0o555 if path.is_dir() else 0o444)
    return folder


def _ro(path: str) -> list[str]:
    return ["--ro-bind", path, path]


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in the bubblewrap sandbox (see the module
    docstring), talking to the grader over Unix sockets in a private folder."""

    memory_bytes = Integer(4 * 2**30, help="address space of the kernel process (bytes)").tag(config=True)
    cpu_seconds = Integer(900, help="CPU time of the kernel process (seconds)").tag(config=True)
    file_bytes = Integer(100 * 2**20, help="largest file the kernel may write (bytes)").tag(config=True)
    open_files = Integer(256, help="open files per process").tag(config=True)
    tmp_bytes = Integer(256 * 2**20, help="size of the kernel's own /tmp, held in memory (bytes)").tag(config=True)
    assignment = Unicode("notebook", help="name of the scratch folder inside the sandbox").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        check_available()
        # The folder both the grader and the kernel reach, at the same path: the connection
        # file, the kernel's sockets and those of the graded tests.
        self.shared_folder = tempfile.mkdtemp(prefix="course-sandbox-")
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", os.path.join(self.shared_folder, "kernel"))
        kwargs.setdefault("connection_file", os.path.join(self.shared_folder, "kernel.json"))
        super().__init__(**kwargs)
        self.scratch: str | None = None

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        self.kernel_spec.interrupt_mode = "message"  # a signal would stop bwrap, not the kernel
        cwd = kw.pop("cwd", None)
        if self.scratch is None:
            self.scratch = tempfile.mkdtemp(prefix="course-scratch-")
            if cwd is not None:  # a scratch copy of the submission's folder
                shutil.copytree(cwd, self.scratch, dirs_exist_ok=True)
        # The kernel's own start-up notes; what the student's code prints goes to the notebook.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return self.sandbox_command() + super().format_kernel_cmd(extra_arguments)

    def sandbox_command(self) -> list[str]:
        """bwrap and prlimit, up to the kernel's own command."""
        workdir = f"{HOME}/{self.assignment}"
        command = [
            "bwrap", "--die-with-parent", "--unshare-all", "--new-session", "--cap-drop", "ALL",
            "--ro-bind", "/usr", "/usr", "--dev", "/dev", "--proc", "/proc",
            "--size", str(self.tmp_bytes), "--tmpfs", "/tmp",  # in memory: capped
        ]
        for name in ("bin", "lib", "lib64", "sbin"):
            path = f"/{name}"
            if os.path.islink(path):
                command += ["--symlink", os.readlink(path), path]
            elif os.path.isdir(path):
                command += _ro(path)
        for name in ETC:
            if os.path.exists(f"/etc/{name}"):
                command += _ro(f"/etc/{name}")
        for prefix in dict.fromkeys([sys.base_prefix, sys.prefix]):
            if not prefix.startswith("/usr/"):
                command += _ro(prefix)
        command += [
            "--ro-bind", os.path.join(course_snapshot(), "course"), f"{COURSE_MOUNT}/course",
            "--bind", self.scratch, workdir,
            "--bind", self.shared_folder, self.shared_folder,
            "--chdir", workdir,
            "--clearenv",  # nothing of the instructor's environment (tokens, database URLs)
            "--setenv", "PATH", f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
            "--setenv", "LANG", "C.UTF-8", "--setenv", "HOME", HOME, "--setenv", "PYTHONPATH", COURSE_MOUNT,
            "--setenv", "MPLBACKEND", "Agg", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
            "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
            "--",
            "prlimit", f"--as={self.memory_bytes}", f"--cpu={self.cpu_seconds}",
            f"--fsize={self.file_bytes}", f"--nofile={self.open_files}", "--core=0", "--",
        ]
        return command

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            if self.scratch is not None:
                shutil.rmtree(self.scratch, ignore_errors=True)
            shutil.rmtree(self.shared_folder, ignore_errors=True)


__all__ = ["COURSE_MOUNT", "UNSAFE", "SandboxUnavailable", "SandboxedKernelManager", "check_available", "course_snapshot"]
