"""The sandbox a student's notebook runs in while it is autograded (Linux, bubblewrap).

:class:`SandboxedKernelManager` starts the notebook's kernel inside ``bwrap`` instead of
directly. Inside, the kernel sees only:

* the system's programs and libraries (``/usr``), the Python installation and its
  environment, read-only;
* a read-only copy of the ``course`` package (``/opt/course``, first on ``PYTHONPATH``),
  never the instructor's editable checkout;
* a scratch copy of its own submission folder (``/home/student/<assignment>``, its
  working directory; ``HOME`` is ``/home/student``);
* a private folder shared with the grader, read-only, holding the kernel's connection
  file and the graded tests' Unix sockets.

Not the course repository (solutions, gradebook, other students' work), not the
instructor's home, not the network. Its processes live in their own PID namespace and all
die when the kernel stops.

One notebook cannot cost a classmate graded at the same time anything:

* **Disk.** Everything it can write is in memory, on filesystems of a fixed size: its
  home with the scratch copy (``scratch_bytes`` beyond the submission's own files),
  ``/tmp`` (``tmp_bytes``) and ``/dev/shm`` (``shm_bytes``). Nothing it writes reaches the
  grader's disk, and all of it is gone when the kernel stops.
* **Processes.** When the grader runs as root, each kernel runs as a user id of its own,
  held by no other kernel at that time (``first_uid`` onwards, no login), without
  capabilities, so that ``RLIMIT_NPROC`` (``processes``: processes and threads) holds:
  Linux does not enforce it for root. Otherwise the kernel runs as the grader's user in a
  user namespace of its own, where Linux (5.14 and later) counts the limit per namespace.
  A fork bomb thus stops at ``processes``, instead of taking every process id of the
  machine.
* Memory per process, CPU time per process, the size of one file and open files are
  capped too (``prlimit``).

jupyter's ``ipc`` transport hangs with default settings because the socket paths
(``ip``) default to the relative name ``kernel-ipc``: the kernel binds them relative to
its working directory, the grader connects relative to its own. Here the kernel binds
them in its own ``/tmp`` (``/tmp/kernel-<port>``), and the grader reaches them through
``/proc/<pid>/root`` of the sandbox, whose process id bubblewrap reports (``--info-fd``).
"""

from __future__ import annotations

import atexit
import compileall
import functools
import json
import multiprocessing.util
import os
import platform
import secrets
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, Unicode

import course

#: Where the sandboxed kernel finds the course package, its home and its submission.
COURSE_MOUNT = "/opt/course"
HOME = "/home/student"
SUBMISSION = "/run/submission"
#: The kernel's sockets, in its own /tmp (``ip`` of jupyter's ipc transport).
KERNEL_IP = "/tmp/kernel"
#: Bytes of a Unix socket's path (Linux), and those a graded test's socket name takes in
#: the shared folder (grader.verdict: verdict-<pid>-<id>.sock).
SOCKET_PATH_MAX, SOCKET_NAME_ROOM = 107, 40
#: System files a Python kernel needs besides /usr (fonts for Matplotlib, users for getpass).
ETC = ("ld.so.cache", "passwd", "group", "nsswitch.conf", "localtime", "fonts")
#: Capabilities bubblewrap keeps, as root, for the start-up script: copying the submission
#: in and handing it to the kernel's user (``setpriv`` then drops them all).
SETUP_CAPS = ("CAP_CHOWN", "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP")
#: What runs inside before the kernel: the scratch copy, then the kernel's user and caps.
#: $1 the working folder, $2 user:group owning the home ("" to keep), then the command.
START = ('set -e; mkdir -p "$1"; if [ -d {submission} ]; then cp -R {submission}/. "$1"; fi; '
         'if [ -n "$2" ]; then chown -R -h "$2" {home}; fi; cd "$1"; shift 2; exec "$@"').format(
             submission=SUBMISSION, home=HOME)


#: (AUDIT_ARCH_*, setsid's system call number) of the machines whose sessions are pinned.
SETSID = {"x86_64": (0xC000003E, 112), "aarch64": (0xC00000B7, 157)}


def one_session_filter() -> bytes | None:
    """A seccomp program (classic BPF, as bwrap's ``--seccomp`` reads it) under which
    ``setsid`` does nothing and reports success: every process of the notebook stays in
    the session bwrap gave it. Linux's scheduler shares the CPU between sessions
    (autogroup), so a notebook running many processes still gets one share of it, and a
    student cannot take more by putting each process in a session of its own. Other
    system call conventions than the machine's own (32-bit calls on x86_64) are refused.
    None on a machine not in :data:`SETSID`."""
    arch = SETSID.get(platform.machine())
    if arch is None:
        return None
    audit, setsid = arch
    load, jump_if_equal, bit_and, ret = 0x20, 0x15, 0x54, 0x06  # BPF_LD|W|ABS, JMP|JEQ|K, ALU|AND|K, RET|K
    allow, succeed, refuse = 0x7FFF0000, 0x00050000, 0x00050000 | 1  # ALLOW, ERRNO(0), ERRNO(EPERM)
    program = [
        (load, 0, 0, 4),  # seccomp_data.arch
        (jump_if_equal, 1, 0, audit),
        (ret, 0, 0, refuse),
        (load, 0, 0, 0),  # seccomp_data.nr
        (bit_and, 0, 0, 0xBFFFFFFF),  # x32's calls carry bit 30
        (jump_if_equal, 0, 1, setsid),
        (ret, 0, 0, succeed),
        (ret, 0, 0, allow),
    ]
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in program)


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


#: How to grade without the sandbox, said whenever it is missing.
UNSAFE = ("Students' code runs in that sandbox; to grade without it, on a machine you can afford to "
          "lose: make autograde UNSAFE=1 (nbgrader: --GradeExecute.sandbox=False)")


def _as_root() -> bool:
    return os.geteuid() == 0


def _namespaces() -> list[str]:
    """bwrap's namespace options: as root, none of the user's (the kernel then runs as a
    user id of its own, see :func:`_drop`); otherwise a user namespace too."""
    if _as_root():
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                "--cap-drop", "ALL", *(arg for cap in SETUP_CAPS for arg in ("--cap-add", cap))]
    return ["--unshare-all", "--cap-drop", "ALL"]


def _drop(uid: int) -> list[str]:
    """The command that runs the rest as ``uid``, without capabilities or groups."""
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
            "--bounding-set=-all", "--"]


@functools.cache
def check_available() -> None:
    """Raise :class:`SandboxUnavailable`, saying what to do, unless ``bwrap`` works here."""
    if sys.platform != "linux":
        raise SandboxUnavailable(f"the autograder's sandbox needs Linux (bubblewrap); this is {sys.platform}. {UNSAFE}")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(
            f"bubblewrap (bwrap) is not installed: install it (Debian/Ubuntu: `apt-get install bubblewrap`). {UNSAFE}")
    command = [bwrap, *_namespaces(), "--die-with-parent", "--ro-bind", "/", "/"]
    if _as_root():
        command += _drop(SandboxedKernelManager.first_uid.default_value)
    probe = subprocess.run([*command, "prlimit", "--nproc=8", "--", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        raise SandboxUnavailable(
            f"bubblewrap cannot create a sandbox here ({probe.stderr.strip() or probe.returncode}): "
            f"it needs unprivileged user namespaces, or root. {UNSAFE}")


@functools.cache
def course_snapshot(parent: str | None = None) -> str:
    """A read-only copy of the course package made once per process (in ``parent``, default
    the system's temporary folder), compiled (a kernel cannot write bytecode there, and
    would otherwise compile every module it imports anew: about 0.1 s per notebook); the
    folder holding it (removed when the process ends, a worker process of
    ``grader.batch`` included)."""
    folder = tempfile.mkdtemp(prefix="course-snapshot-", dir=parent)
    atexit.register(shutil.rmtree, folder, True)
    # multiprocessing's workers end with os._exit, after running these finalizers
    multiprocessing.util.Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=0)
    source = Path(course.__file__).parent
    shutil.copytree(source, Path(folder) / "course", ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(Path(folder) / "course", quiet=1)
    for path in Path(folder).rglob("*"):
        path.chmod(0o555 if path.is_dir() else 0o444)
    os.chmod(folder, 0o711)
    return folder


def _ro(path: str) -> list[str]:
    return ["--ro-bind", path, path]


def _parents(paths: list[str]) -> list[str]:
    """bwrap options creating the folders above ``paths`` with mode 0755 (it makes them
    0700 otherwise, which the kernel's own user could not cross)."""
    folders = dict.fromkeys(str(parent) for path in paths for parent in reversed(Path(path).parents)
                            if str(parent) not in ("/", "/usr", "/tmp"))
    return [arg for folder in folders for arg in ("--perms", "0755", "--dir", folder)]


def _footprint(folder: str | None) -> int:
    """Bytes ``folder``'s files take on a tmpfs (whole pages, one more per entry)."""
    if folder is None:
        return 0
    page = 4096
    total = 0
    for path in Path(folder).rglob("*"):
        size = path.lstat().st_size if path.is_file() and not path.is_symlink() else 0
        total += -(-size // page) * page + page
    return total


class _UserId:
    """A user id from ``first`` to ``first + count - 1`` that no other kernel of this machine
    holds while this object is open: each id is claimed by binding an abstract Unix socket
    named after it (no file; released when the process holding it ends)."""

    def __init__(self, first: int, count: int) -> None:
        start = secrets.randbelow(count)  # a fresh id, not the one a kernel just left
        for step in range(count):
            uid = first + (start + step) % count
            claim = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                claim.bind(f"\0optim-dl-autograde-uid-{uid}")
            except OSError:
                claim.close()
                continue
            self.uid, self._claim = uid, claim
            return
        raise SandboxUnavailable(f"all {count} user ids from {first} are held by running kernels")

    def close(self) -> None:
        self._claim.close()


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in the bubblewrap sandbox (see the module
    docstring), talking to the grader over Unix sockets."""

    memory_bytes = Integer(4 * 2**30, help="address space of each process of the kernel (bytes)").tag(config=True)
    cpu_seconds = Integer(900, help="CPU time of each process of the kernel (seconds)").tag(config=True)
    file_bytes = Integer(100 * 2**20, help="largest file the kernel may write (bytes)").tag(config=True)
    open_files = Integer(256, help="open files per process").tag(config=True)
    processes = Integer(128, help="processes and threads the kernel's user may run at once (RLIMIT_NPROC)"
                        ).tag(config=True)
    scratch_bytes = Integer(512 * 2**20, help="room in the kernel's home beyond the copy of its submission "
                            "(bytes, held in memory)").tag(config=True)
    tmp_bytes = Integer(256 * 2**20, help="size of the kernel's own /tmp, held in memory (bytes)").tag(config=True)
    shm_bytes = Integer(64 * 2**20, help="size of the kernel's own /dev/shm, held in memory (bytes)").tag(config=True)
    first_uid = Integer(0x70000000, help="first of the user ids kernels run as when the grader is root "
                        "(ids that no account uses)").tag(config=True)
    uid_count = Integer(65536, help="user ids kernels may run as when the grader is root").tag(config=True)
    assignment = Unicode("notebook", help="name of the scratch folder inside the sandbox").tag(config=True)
    runtime_dir = Unicode("", help="where the grader keeps each sandbox's folder (connection file, "
                          "test sockets) and the copy of the course package; default: the system's "
                          "temporary folder").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        check_available()
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", KERNEL_IP)  # the kernel's; the grader's is set once it runs
        super().__init__(**kwargs)
        # The grader's folder the kernel reads (read-only): the connection file, and the
        # sockets of the graded tests (grader.verdict).
        self.shared_folder = tempfile.mkdtemp(prefix="course-sandbox-", dir=self.runtime_dir or None)
        if len(os.fsencode(self.shared_folder)) > SOCKET_PATH_MAX - SOCKET_NAME_ROOM:
            os.rmdir(self.shared_folder)
            raise ValueError(f"{self.shared_folder} is too long a path for the Unix sockets of graded tests "
                             f"({SOCKET_PATH_MAX} bytes at most): give SandboxedKernelManager.runtime_dir a "
                             "shorter folder")
        if not self.connection_file:
            self.connection_file = os.path.join(self.shared_folder, "kernel.json")
        #: The folder whose copy is the kernel's working folder (the submission's).
        self.submission: str | None = None
        self._user: _UserId | None = None
        self._info: tuple[int, int] | None = None  # bwrap's --info-fd pipe (read, write)
        self._seccomp: int | None = None  # bwrap's --seccomp pipe (read)

    @property
    def uid(self) -> int | None:
        """The user id the kernel runs as (as root), or None (the grader's own)."""
        if not _as_root():
            return None
        if self._user is None:
            self._user = _UserId(self.first_uid, self.uid_count)
        return self._user.uid

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        self.kernel_spec.interrupt_mode = "message"  # a signal would stop bwrap, not the kernel
        cwd = kw.pop("cwd", None)
        if self.submission is None:
            self.submission = cwd
        self.ip = KERNEL_IP  # what the connection file tells the kernel
        self._info = os.pipe()
        kw["pass_fds"] = (*kw.get("pass_fds", ()), self._info[1])
        program = one_session_filter()
        if program is not None:  # bwrap reads it from a pipe (a few dozen bytes: no blocking)
            read, write = os.pipe()
            os.write(write, program)
            os.close(write)
            self._seccomp = read
            kw["pass_fds"] += (read,)
        # The kernel's start-up notes; what the student's code prints goes to the notebook.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        command, kw = await super()._async_pre_start_kernel(**kw)
        if self.uid is not None:  # the kernel's user reads its connection file, reaches the
            # tests' sockets (open to all) through the folder, and lists nothing; no one else can
            os.chown(self.connection_file, self.uid, self.uid)
            os.chown(self.shared_folder, -1, self.uid)
            os.chmod(self.shared_folder, 0o710)
        return command, kw

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            if self._seccomp is not None:
                os.close(self._seccomp)
                self._seccomp = None
            read, write = self._info
            os.close(write)
            pid = _child_pid(read)
            os.close(read)
            self._info = None
        if pid is not None:  # the grader reaches the kernel's sockets through its root
            self.ip = f"/proc/{pid}/root{KERNEL_IP}"

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return self.sandbox_command() + super().format_kernel_cmd(extra_arguments)

    def sandbox_command(self) -> list[str]:
        """bwrap, the start-up script, setpriv and prlimit, up to the kernel's own command."""
        workdir = f"{HOME}/{self.assignment}"
        command = ["bwrap", "--die-with-parent", *_namespaces(), "--new-session"]
        if self._info is not None:
            command += ["--info-fd", str(self._info[1])]
        if self._seccomp is not None:
            command += ["--seccomp", str(self._seccomp)]
        command += [
            "--ro-bind", "/usr", "/usr", "--dev", "/dev", "--proc", "/proc",
            # what the kernel can write: in memory, capped, its own
            "--perms", "1777", "--size", str(self.tmp_bytes), "--tmpfs", "/tmp",
            "--perms", "1777", "--size", str(self.shm_bytes), "--tmpfs", "/dev/shm",
            "--perms", "0755", "--dir", os.path.dirname(HOME),
            "--perms", "0755", "--size", str(self.scratch_bytes + _footprint(self.submission)), "--tmpfs", HOME,
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
        prefixes = [p for p in dict.fromkeys([sys.base_prefix, sys.prefix]) if not p.startswith("/usr/")]
        command += _parents([*prefixes, f"{COURSE_MOUNT}/course", self.shared_folder])
        for prefix in prefixes:
            command += _ro(prefix)
        if self.submission is not None:
            command += ["--ro-bind", self.submission, SUBMISSION]
        uid = self.uid
        command += [
            "--ro-bind", os.path.join(course_snapshot(self.runtime_dir or None), "course"), f"{COURSE_MOUNT}/course",
            "--ro-bind", self.shared_folder, self.shared_folder,
            # the folders bwrap made (in memory, uncapped) read-only
            "--remount-ro", "/dev", "--remount-ro", "/",
            "--clearenv",  # nothing of the instructor's environment (tokens, database URLs)
            "--setenv", "PATH", f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
            "--setenv", "LANG", "C.UTF-8", "--setenv", "HOME", HOME, "--setenv", "PYTHONPATH", COURSE_MOUNT,
            "--setenv", "USER", "student", "--setenv", "LOGNAME", "student",
            "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
            "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
            # What nbgrader tells a notebook it is being autograded by (nbgrader sets it in
            # the environment its kernels inherit); Matplotlib's backend is left to
            # ipykernel (inline), as in a kernel nbgrader starts.
            *(["--setenv", "NBGRADER_EXECUTION", os.environ["NBGRADER_EXECUTION"]]
              if "NBGRADER_EXECUTION" in os.environ else []),
            "--",
            "sh", "-c", START, "sh", workdir, "" if uid is None else f"{uid}:{uid}",
            *([] if uid is None else _drop(uid)),
            "prlimit", f"--as={self.memory_bytes}", f"--cpu={self.cpu_seconds}", f"--fsize={self.file_bytes}",
            f"--nofile={self.open_files}", f"--nproc={self.processes}", "--core=0", "--",
        ]
        return command

    def cleanup_ipc_files(self) -> None:
        """Nothing to remove: the kernel's sockets are in its own /tmp, gone with it."""

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self.shared_folder, ignore_errors=True)
            if self._user is not None:
                self._user.close()
                self._user = None

    cleanup_resources = _async_cleanup_resources  # what nbclient calls after a failed start


def _child_pid(read: int, seconds: float = 60) -> int | None:
    """The host's process id of the sandbox, as bwrap writes it to its ``--info-fd``
    (None if bwrap ended first)."""
    data = b""
    while select.select([read], [], [], seconds)[0]:
        chunk = os.read(read, 4096)
        if not chunk:
            break
        data += chunk
    try:
        return int(json.loads(data)["child-pid"])
    except (ValueError, KeyError, TypeError):
        return None


__all__ = ["COURSE_MOUNT", "UNSAFE", "SandboxUnavailable", "SandboxedKernelManager", "check_available", "course_snapshot"]
