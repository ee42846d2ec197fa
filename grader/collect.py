"""Collect students' notebooks from a learning-management system's download.

An LMS gives all submissions of an assignment as one zip archive, one file per student
and file, named its own way:

* Canvas ("Download Submissions"): ``<lastfirst>_<canvas id>_<submission id>_<file>``,
  with ``_LATE`` after the name for a late submission; a file uploaded again under
  the same name gets a suffix (``03-sgd-1.ipynb``);
* Moodle ("Download all submissions"): ``<Full Name>_<id>_assignsubmission_file_/<file>``
  (one folder per student), or the same without the ``/`` (flat).

``collect_archive`` puts each notebook where nbgrader grades it,
``<submitted>/<student>/<assignment>/<assignment>.ipynb``, and returns a ``Report`` of
what it did and of every file it left out, with the reason. nbgrader's own
``zip_collect`` does not fit: it stops at two files of one student without time stamps
in their names, copies a resubmission ``03-sgd-1.ipynb`` under that name (which
autograde skips), maps no LMS ids through a roster, and only logs what it leaves out.

Students are the course's ids from a roster (``Roster``) or, without one, the LMS's
name made a folder name (``slug``). The assignment comes from the file's name or, for
a download of one assignment, from ``assignment``. Of several notebooks of one student
for one assignment the latest is kept: a correctly named one first, then the latest
time in the archive, then the highest Canvas submission id and resubmission suffix. An
already collected file is replaced only by a different, later one (file times).
"""

from __future__ import annotations

import csv
import json
import os
import re
import time
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Sequence

CANVAS = re.compile(r"(?P<name>[^_/]+?)(?i:_late)?_(?P<lms_id>\d+)_(?P<submission>\d+)_(?P<filename>[^/]+)")
MOODLE = re.compile(
    r"(?:.*/)?(?P<name>[^/]+?)_(?P<lms_id>\d+)_assignsubmission_[a-z]+_(?:/(?:[^/]+/)*)?(?P<filename>[^/]+)"
)
RESUBMISSION = re.compile(r"(?P<stem>.+)-(?P<number>\d+)")
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]*")


class CollectError(ValueError):
    """The archive, the roster or the assignment named cannot be used."""


def slug(name: str) -> str:
    """A folder name for a person's name: accents dropped, lower case, words joined by
    ``-`` (``"Zoë Müller"`` -> ``"zoe-muller"``); letters of other scripts are kept."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", bare).casefold()).strip("-")


def _compact(name: str) -> str:
    """A name for comparison: Canvas's ``müllerzoë`` equals ``Müller Zoë``."""
    return slug(name).replace("-", "")


@dataclass(frozen=True)
class Roster:
    """Course student ids by LMS id and by name, read from a CSV file (``read``)."""

    by_id: dict[str, str]
    #: compacted name -> student id, or None for a name several students share
    by_name: dict[str, str | None]

    @classmethod
    def read(cls, path: str | Path) -> Roster:
        """Read a roster: a CSV file with a header, a ``student_id`` column (the course's
        id: the folder name under ``grading/submitted``) and ``lms_id`` (Canvas user id,
        Moodle participant id) or ``name`` (as the LMS writes it), or both.

        Raises
        ------
        CollectError
            If the file is missing or not UTF-8, lacks these columns, or has an
            unusable student id or an LMS id given to two students.
        """
        path = Path(path)
        try:
            with path.open(newline="", encoding="utf-8-sig") as file:
                reader = csv.DictReader(file)
                rows, columns = list(reader), reader.fieldnames or []
        except OSError as error:
            raise CollectError(f"cannot read the roster {path}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise CollectError(f"roster {path} is not UTF-8 text: save it as CSV (UTF-8)") from error
        if "student_id" not in columns or not {"lms_id", "name"} & set(columns):
            raise CollectError(
                f"roster {path} needs the columns student_id and lms_id or name; "
                f"it has {', '.join(columns) or 'none'}"
            )
        by_id: dict[str, str] = {}
        by_name: dict[str, str | None] = {}
        for line, row in enumerate(rows, start=2):
            student = (row["student_id"] or "").strip()
            if not STUDENT_ID.fullmatch(student):
                raise CollectError(
                    f"roster {path} line {line}: student_id {student!r} is not a folder name "
                    "(letters, digits and . _ @ + -, starting with a letter or digit)"
                )
            lms_id = (row.get("lms_id") or "").strip()
            if lms_id:
                if by_id.get(lms_id, student) != student:
                    raise CollectError(
                        f"roster {path} line {line}: LMS id {lms_id} is given to both "
                        f"{by_id[lms_id]} and {student}"
                    )
                by_id[lms_id] = student
            name = _compact(row.get("name") or "")
            if name:
                by_name[name] = student if by_name.get(name, student) == student else None
        return cls(by_id, by_name)

    def student(self, lms_id: str, name: str) -> tuple[str | None, str]:
        """The course id of the LMS account ``lms_id`` named ``name``: (id, "") or
        (None, why not)."""
        if lms_id in self.by_id:
            return self.by_id[lms_id], ""
        compact = _compact(name)
        if compact in self.by_name:
            student = self.by_name[compact]
            return student, "" if student else f"several students in the roster are named {name!r}"
        return None, f"not in the roster (LMS id {lms_id}, name {name!r})"


@dataclass(frozen=True)
class _Candidate:
    """A notebook of the archive matched to a student and an assignment."""

    path: str
    lms_id: str
    student: str
    assignment: str
    rank: tuple
    info: zipfile.ZipInfo


@dataclass
class Report:
    """What ``collect_archive`` did; paths are those in the archive."""

    archive: Path
    submitted: Path
    lms: set[str] = field(default_factory=set)
    #: (student, assignment, path): new files
    collected: list[tuple[str, str, str]] = field(default_factory=list)
    #: (student, assignment, path, time of the copy replaced)
    replaced: list[tuple[str, str, str, float]] = field(default_factory=list)
    #: (student, assignment, path): the same file was collected before
    unchanged: list[tuple[str, str, str]] = field(default_factory=list)
    #: (student, assignment, path, time of the newer copy kept)
    kept_newer: list[tuple[str, str, str, float]] = field(default_factory=list)
    #: (student, assignment, path kept, path left out)
    duplicates: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: (path, reason): notebooks not collected
    unmatched: list[tuple[str, str]] = field(default_factory=list)
    #: files that are not notebooks (not collected)
    other_files: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as text lines, for people."""
        lms = " and ".join(sorted(self.lms)) or "no LMS recognised"
        out = [f"collect {self.archive} ({lms}) -> {self.submitted}"]

        def section(title: str, items: list[str]) -> None:
            if items:
                out.append(f"  {title} ({len(items)}):")
                out.extend(f"    {item}" for item in items)

        section("collected", [f"{s}/{a} <- {p}" for s, a, p in self.collected])
        section("replaced an older copy", [f"{s}/{a} <- {p} (the copy replaced was from {_when(t)})"
                                           for s, a, p, t in self.replaced])
        section("already collected, unchanged", [f"{s}/{a} <- {p}" for s, a, p in self.unchanged])
        section("NOT collected: the copy already there is newer",
                [f"{s}/{a} ({_when(t)}) kept; {p} left out" for s, a, p, t in self.kept_newer])
        section("duplicates, the latest kept", [f"{s}/{a}: kept {k}; left out {p}"
                                               for s, a, k, p in self.duplicates])
        section("NOT collected: no student or assignment", [f"{p}: {why}" for p, why in self.unmatched])
        section("not notebooks, not collected", self.other_files)
        return out


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S")


def _zip_time(info: zipfile.ZipInfo) -> float:
    """The file's time in the archive (local time, as zip stores it), in seconds."""
    return time.mktime((*info.date_time, 0, 0, -1))


def _name(info: zipfile.ZipInfo) -> str:
    """The file's path in the archive. Some zip tools write UTF-8 names without the flag
    that says so; Python then reads them as cp437 (``Zo├½``), which is undone here."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except UnicodeError:
        return info.filename


def _parse(path: str) -> tuple[str, dict[str, str]] | None:
    """(LMS, its fields) of a file's path in the archive, or None."""
    match = MOODLE.fullmatch(path)
    if match:
        return "Moodle", match.groupdict()
    match = CANVAS.fullmatch(PurePosixPath(path).name)
    if match:
        return "Canvas", match.groupdict()
    return None


def _assignment(filename: str, assignments: Sequence[str],
                assignment: str | None) -> tuple[str | None, tuple[bool, int], str]:
    """The assignment of a notebook's file name, and its rank: (named after it,
    resubmission number); or (None, _, why not)."""
    stem = filename[: -len(".ipynb")]
    resubmission = RESUBMISSION.fullmatch(stem)
    if stem in assignments:
        named, number = stem, 0
    elif resubmission and resubmission["stem"] in assignments:
        named, number = resubmission["stem"], int(resubmission["number"])
    elif assignment:
        return assignment, (False, 0), ""
    else:
        return None, (False, 0), (f"{filename!r} names no released assignment ({', '.join(assignments)}); "
                                  "for a download of one assignment, give it (--assignment)")
    if assignment and named != assignment:
        return None, (False, 0), f"a notebook of {named}, not of {assignment}"
    return named, (True, number), ""


def _is_notebook(data: bytes) -> bool:
    try:
        notebook = json.loads(data)
    except ValueError:
        return False
    return isinstance(notebook, dict) and "nbformat" in notebook


def collect_archive(
    archive: str | Path,
    submitted: str | Path,
    assignments: Sequence[str],
    assignment: str | None = None,
    roster: Roster | None = None,
) -> Report:
    """Put every notebook of an LMS download at
    ``<submitted>/<student>/<assignment>/<assignment>.ipynb``.

    Parameters
    ----------
    archive
        The zip file downloaded from Canvas or Moodle.
    submitted
        nbgrader's folder of submissions.
    assignments
        The released assignments: a notebook named after one of them belongs to it.
    assignment
        The assignment the archive holds; a notebook with another name is taken as
        its notebook. Without it, notebooks must be named after their assignment.
    roster
        Course student ids for LMS accounts; without it, students are ``slug`` of
        the LMS's names.

    Returns
    -------
    Report
        Each file of the archive: collected, replaced, unchanged, kept out as a
        duplicate or older copy, unmatched with the reason, or not a notebook.

    Raises
    ------
    CollectError
        If ``archive`` is not a readable zip file or ``assignment`` is not released.
    """
    archive, submitted = Path(archive), Path(submitted)
    if assignment is not None and assignment not in assignments:
        raise CollectError(f"{assignment} is not a released assignment "
                           f"({', '.join(assignments) or 'none released: run `make release`'})")
    try:
        zipped = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as error:
        raise CollectError(f"cannot read the archive {archive}: {error}") from error
    with zipped:
        return _collect(zipped, Report(archive, submitted), assignments, assignment, roster)


def _collect(zipped: zipfile.ZipFile, report: Report, assignments: Sequence[str],
             assignment: str | None, roster: Roster | None) -> Report:
    candidates: list[_Candidate] = []
    for info in zipped.infolist():
        if info.is_dir():
            continue
        path = _name(info)
        if not path.lower().endswith(".ipynb"):
            report.other_files.append(path)
            continue
        parsed = _parse(path)
        if parsed is None:
            report.unmatched.append((path, "neither a Canvas nor a Moodle submission name"))
            continue
        lms, fields = parsed
        report.lms.add(lms)
        student, why = roster.student(fields["lms_id"], fields["name"]) if roster else (slug(fields["name"]), "")
        if not student:
            report.unmatched.append((path, why or f"no letters in the name {fields['name']!r}: give a roster"))
            continue
        name, (named, number), why = _assignment(fields["filename"], assignments, assignment)
        if not name:
            report.unmatched.append((path, why))
            continue
        if not _is_notebook(zipped.read(info)):
            report.unmatched.append((path, "not a readable Jupyter notebook"))
            continue
        rank = (named, info.date_time, int(fields.get("submission") or 0), number)
        candidates.append(_Candidate(path, fields["lms_id"], student, name, rank, info))

    accounts: dict[str, set[str]] = defaultdict(set)
    for candidate in candidates:
        accounts[candidate.student].add(candidate.lms_id)
    latest: dict[tuple[str, str], list[_Candidate]] = defaultdict(list)
    for candidate in candidates:
        ids = accounts[candidate.student]
        if len(ids) > 1:
            report.unmatched.append((candidate.path, f"LMS accounts {', '.join(sorted(ids))} all map to "
                                                     f"student {candidate.student}: give a roster"))
        else:
            latest[candidate.student, candidate.assignment].append(candidate)
    for (student, name), group in sorted(latest.items()):
        group.sort(key=lambda c: c.rank)
        kept = group[-1]
        report.duplicates.extend((student, name, kept.path, other.path) for other in group[:-1])
        _write(zipped, kept, report.submitted / student / name / f"{name}.ipynb", report)
    return report


def _write(zipped: zipfile.ZipFile, candidate: _Candidate, destination: Path, report: Report) -> None:
    """Write one notebook unless an identical or newer copy is there; record the outcome."""
    data, when = zipped.read(candidate.info), _zip_time(candidate.info)
    entry = (candidate.student, candidate.assignment, candidate.path)
    if destination.exists():
        before = destination.stat().st_mtime
        if destination.read_bytes() == data:
            report.unchanged.append(entry)
            return
        if before > when:
            report.kept_newer.append((*entry, before))
            return
        report.replaced.append((*entry, before))
    else:
        report.collected.append(entry)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    partial.write_bytes(data)
    os.utime(partial, (when, when))
    partial.replace(destination)
