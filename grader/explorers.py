"""Explorer cells while autograding: a picture drawn once by the grader, nothing in the kernel.

An explorer cell (``widgets.sgd_explorer()``: one call of a :mod:`course.widgets`
explorer with constant arguments) grades nothing, yet building its explorer is most of
a notebook's kernel time: paths run, networks trained, pictures drawn (0.4–1.1 s of a
lecture's 2–3.5 s, 3.75 s in lecture 07, most of lecture 09's). No graded test reads
what an explorer computes, and its default picture is the same for every submission.
So while a submission is autograded (both preprocessors are wired around
``GradeExecute`` in ``nbgrader_config.py``):

``StandInExplorers`` (just before ``GradeExecute``)
    finds the explorer cells from the instructor's source as the gradebook holds it: a
    locked, ungraded cell whose recorded source is one call ``widgets.<name>(...)`` with
    constant arguments, and which the submission holds unchanged (``RestoreCells`` has
    reverted any edit of a locked cell). It gets the outputs of that explorer's default
    picture (:func:`pictures`: from the cache, or drawn once) and gives the kernel the
    no-op :data:`STAND_IN` in the cell's place, keeping the cell's source in the
    resources. The no-op still counts as an execution, so every cell keeps the
    execution count it had.
``ExplorerPictures`` (just after ``GradeExecute``)
    puts each such cell's source back and gives it the picture's outputs: the PNG
    fallback and the text that feedback shows
    (:meth:`course.widgets.Explorer._repr_mimebundle_`; not the live widget view, which
    needs widget state that graded notebooks do not keep). Errors the grader reported
    for the cell (a kernel that died there) stay after them.

Why a student's code cannot change what a graded cell sees by an explorer, nor its picture:

* the explorer's code never runs in the student's process while grading: whatever the
  student patched there (``course.widgets``, Matplotlib's settings, a ``matplotlibrc``
  in their folder, IPython's hooks) has no explorer to act on, and the kernel runs a
  no-op in its place. Graded test cells are judged in the grader's process
  (:mod:`grader.verdict`), and none reads an explorer;
* the picture depends on nothing of the submission: which cells are explorers, and
  their calls, are read from the gradebook's source with :mod:`ast` (only a function of
  ``course.widgets.__all__`` is ever called, with literal constants; nothing is
  evaluated), and the picture is drawn by the course package in a process of the
  grader's own (:func:`grader.explorer_draw.draw`) in the environment of a sandboxed
  kernel (:func:`drawing_environment`), with Matplotlib's default settings;
* whatever the student's process showed while it ran the no-op (a hook that displays a
  picture of its own) is dropped: the cell's outputs are the grader's;
* the cache lives in ``grading/`` (``StandInExplorers.cache_dir``), which the sandbox
  cannot see.

Pictures are cached, in this process and as one JSON file per key in ``cache_dir``, by
a key of the cell's source, a digest of the ``course`` package (every file but
``__pycache__``), the versions of the libraries that draw them, and the drawing code and
settings. A batch of hundreds of submissions thus draws each lecture's pictures once; a
change of ``course/`` (or a new Matplotlib) draws them again. They are drawn in a new Python process
(``python -m grader.explorer_draw``), which imports the course package as it is on disk
now: its code is the code the digest describes, however long the grader's own process
has lived, and nothing of the drawing (Matplotlib's settings, ipywidgets' registry)
stays in the grader's process.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

import course
import grader
from grader import explorer_draw
from grader.explorer_draw import explorer_call

#: What the kernel runs in an explorer cell's place while grading.
STAND_IN = "pass  # explorer: its picture is drawn by the autograder"
#: The course package whose explorers draw the pictures.
COURSE = Path(course.__file__).resolve().parent
#: Libraries whose version changes a picture (part of the cache key).
LIBRARIES = ("matplotlib", "numpy", "ipywidgets", "pillow")
#: The drawing process's variables besides its paths (:func:`drawing_environment`).
SETTINGS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "COURSE_BACKEND": "numpy"}
#: Resource key under which the stand-ins' cells are kept between the two preprocessors.
RESOURCE = "course_explorers"

_log = logging.getLogger(__name__)
#: Pictures drawn or read in this process, by cache key; None: not an explorer.
_MEMORY: dict[str, list[dict] | None] = {}


# ------------------------------------------------------------------------- caching


def course_digest(folder: Path = COURSE) -> str:
    """SHA-256 of every file of the package ``folder`` (paths and contents), ``__pycache__`` aside."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _versions() -> list[str]:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} none")
    return found


def cache_key(source: str, digest: str) -> str:
    """The cache key of the picture of the explorer cell ``source`` drawn by the course
    package of digest ``digest`` (:func:`course_digest`) with the libraries installed
    here, by this drawing code, in this environment."""
    drawing = hashlib.sha256(Path(explorer_draw.__file__).read_bytes()).hexdigest()
    return hashlib.sha256(json.dumps([source, digest, _versions(), drawing, SETTINGS]).encode()).hexdigest()


def drawing_environment(home: str, folder: Path = COURSE) -> dict[str, str]:
    """The environment of the process drawing the pictures: a sandboxed kernel's
    (:mod:`grader.sandbox`: none of the grader's own variables, one BLAS thread), so that
    they come out as the kernel would have drawn them. An ``OPENBLAS_CORETYPE`` of the
    instructor's, or several BLAS threads, change the last bits of a computation, and a
    curve that shows round-off (lecture 06's CG residuals) by a pixel. ``home`` is its
    home and Matplotlib's (empty: default settings); ``folder`` the course package; and
    NumPy, as in the sandbox, which sees no GPU."""
    packages = dict.fromkeys([str(folder.parent), str(Path(grader.__file__).resolve().parents[1])])
    return {
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
        "HOME": home, "MPLCONFIGDIR": os.path.join(home, "matplotlib"), "MPLBACKEND": "Agg",
        "PYTHONPATH": os.pathsep.join(packages), **SETTINGS,
    }


def _draw_elsewhere(sources: list[str], folder: Path, log: logging.Logger) -> list[list[dict] | None] | None:
    """:func:`grader.explorer_draw.draw` for each of ``sources``, in a new Python process
    importing the course package ``folder`` (:func:`drawing_environment`); None if that
    process fails (said on ``log``)."""
    with tempfile.TemporaryDirectory(prefix="course-explorers-") as home:
        done = subprocess.run([sys.executable, "-m", "grader.explorer_draw"], input=json.dumps(sources),
                              capture_output=True, text=True, cwd=home, env=drawing_environment(home, folder))
    try:
        outputs = json.loads(done.stdout) if done.returncode == 0 else None
    except ValueError:
        outputs = None
    if not isinstance(outputs, list) or len(outputs) != len(sources):
        log.warning("the explorers' pictures could not be drawn (their cells run in the kernel):\n%s",
                    done.stderr[-4000:])
        return None
    return outputs


def _read(path: Path) -> tuple[bool, list[dict] | None]:
    """(whether ``path`` holds a cache entry, its outputs: None for no explorer)."""
    try:
        return True, json.loads(path.read_text(encoding="utf-8"))["outputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return False, None


def _write(path: Path, outputs: list[dict] | None) -> None:
    """Write the cache file atomically: a reader never sees half of it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"outputs": outputs}), encoding="utf-8")
    os.replace(temporary, path)


@contextlib.contextmanager
def _locked(folder: Path):
    """Hold the cache's lock (another grading process drawing the same pictures waits)."""
    with open(folder / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
        except OSError:  # a filesystem without locks: at worst both draw
            pass
        yield


def pictures(sources: list[str], cache_dir: str | os.PathLike | None = None, folder: Path = COURSE,
             log: logging.Logger = _log) -> dict[str, list[dict] | None]:
    """The outputs of the default picture of each explorer cell of ``sources`` (None for
    a source that is no call of a course explorer), from this process's cache, else
    from ``cache_dir`` (if given), else drawn by the course package ``folder`` (all at
    once, in one new process) and kept in both. When drawing fails (said on ``log``),
    the sources missing get None, and are drawn again next time."""
    digest = course_digest(folder)
    keys = {source: cache_key(source, digest) for source in dict.fromkeys(sources)}
    missing = [s for s, key in keys.items() if key not in _MEMORY]
    if missing:
        with contextlib.ExitStack() as stack:
            directory = Path(cache_dir) if cache_dir else None
            if directory is not None:
                directory.mkdir(parents=True, exist_ok=True)
                stack.enter_context(_locked(directory))
                for source in missing:
                    found, outputs = _read(directory / f"{keys[source]}.json")
                    if found:
                        _MEMORY[keys[source]] = outputs
                missing = [s for s in missing if keys[s] not in _MEMORY]
            drawn = _draw_elsewhere(missing, folder, log) if missing else []
            for source, outputs in zip(missing, drawn or ()):  # none if drawing failed
                _MEMORY[keys[source]] = outputs
                if directory is not None:
                    _write(directory / f"{keys[source]}.json", outputs)
    return {source: _MEMORY.get(key) for source, key in keys.items()}


# -------------------------------------------------------------------- preprocessors


class StandInExplorers(NbGraderPreprocessor):
    """Autograde preprocessor, before ``GradeExecute``: a no-op in the kernel in place of
    each explorer cell, its picture kept for :class:`ExplorerPictures` (see the module
    docstring)."""

    cache_dir = Unicode(
        "", help="folder of the explorers' pictures drawn for grading ('' = kept in memory only)"
    ).tag(config=True)

    def _explorer_sources(self, resources: dict) -> dict[str, str]:
        """grade_id -> source of the gradebook's locked, ungraded code cells that are one
        call of an explorer."""
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
            graded = {c.name for c in notebook.grade_cells} | {c.name for c in notebook.solution_cells}
            return {cell.name: cell.source for cell in notebook.source_cells
                    if cell.locked and cell.cell_type == "code" and cell.name not in graded
                    and explorer_call(cell.source) is not None}

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        explorers = self._explorer_sources(resources)
        cells = {}
        for index, cell in enumerate(nb.cells):
            name = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.cell_type == "code" and name in explorers and cell.source == explorers[name]:
                cells[index] = cell
        sources = [cell.source for cell in cells.values()]
        drawn = pictures(sources, self.cache_dir or None, log=self.log) if cells else {}
        kept = {}
        for index, cell in cells.items():
            outputs = drawn[cell.source]
            if outputs is None:  # not drawn: the cell runs in the kernel, as before
                continue
            kept[index] = {"source": cell.source, "outputs": outputs}
            cell.source = STAND_IN
        resources[RESOURCE] = kept
        return nb, resources


class ExplorerPictures(NbGraderPreprocessor):
    """Autograde preprocessor, after ``GradeExecute``: each explorer cell gets its source
    back and the outputs of its picture (see the module docstring)."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        for index, kept in resources.pop(RESOURCE, {}).items():
            cell = nb.cells[index]
            if cell.source != STAND_IN:
                raise RuntimeError(f"cell {index + 1} should hold an explorer's stand-in; the cells moved "
                                   "while the notebook ran")
            cell.source = kept["source"]
            picture = [nbformat.from_dict(output) for output in kept["outputs"]]
            for output in picture:
                if output.output_type == "execute_result":
                    output.execution_count = cell.execution_count
            cell.outputs = picture + [o for o in cell.outputs if o.output_type == "error"]
        return nb, resources


__all__ = ["ExplorerPictures", "STAND_IN", "StandInExplorers", "cache_key", "course_digest", "drawing_environment",
           "pictures"]
