"""The course hangs together: a start page maps the lectures, every lecture links to its
neighbours and back, and no notebook points to a lecture that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
RELEASED = REPO / "notebooks"
START = RELEASED / "00-start-here" / "00-start-here.ipynb"
LINK = re.compile(r"\]\(([^)\s]+\.ipynb)\)")
MENTION = re.compile(r"\b[Ll]ecture (\d\d)\b")


def lectures() -> dict[str, Path]:
    """Lecture number ('03') -> released notebook, for every lecture written so far."""
    found = {}
    for path in sorted(RELEASED.glob("[0-9][0-9]-*/*.ipynb")):
        number = path.parent.name[:2]
        if number != "00":
            found[number] = path
    return found


def markdown(path: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")


def links(path: Path) -> set[Path]:
    """The notebooks that the markdown of ``path`` links to, resolved."""
    return {(path.parent / target).resolve() for target in LINK.findall(markdown(path))}


#: The lectures of the course: 01 to 09.
LECTURES = range(1, 10)


def test_the_start_page_maps_all_nine_lectures_and_links_those_written():
    text = markdown(START)
    for number in LECTURES:
        assert f"| {number:02d} |" in text, f"the lecture map lacks lecture {number:02d}"
    assert set(lectures().values()) <= links(START), "every written lecture must be linked from the start page"
    for number in set(f"{n:02d}" for n in LECTURES) - set(lectures()):
        row = next(line for line in text.splitlines() if line.startswith(f"| {number} |"))
        assert "coming soon" in row and ".ipynb" not in row, f"lecture {number} is not written: no link"


@pytest.mark.parametrize("number", list(lectures()))
def test_the_start_page_names_every_exercise_of_a_lecture_in_order(number):
    """The map's last column lists the lecture's graded solution cells, as the notebook orders them."""
    row = next(line for line in markdown(START).splitlines() if line.startswith(f"| {number} |"))
    exercises = [c.metadata["nbgrader"]["grade_id"] for c in nbformat.read(lectures()[number], as_version=4).cells
                 if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    assert re.findall(r"`(\w+)`", row.split(" | ")[-1]) == exercises


@pytest.mark.parametrize("path", [START, *lectures().values()], ids=lambda p: p.parent.name)
def test_every_link_leads_to_a_released_notebook(path):
    for target in links(path):
        assert target.is_file(), f"{path.name} links to {target.relative_to(RELEASED.resolve().parent)}, which does not exist"


@pytest.mark.parametrize("number", list(lectures()))
def test_each_lecture_links_the_start_page_and_its_neighbours(number):
    written = sorted(lectures())
    i = written.index(number)
    wanted = {START.resolve()}
    if i > 0:
        wanted.add(lectures()[written[i - 1]].resolve())
    if i + 1 < len(written):
        wanted.add(lectures()[written[i + 1]].resolve())
    cells = nbformat.read(lectures()[number], as_version=4).cells
    for where, cell in (("top", cells[1]), ("bottom", cells[-1])):
        found = {(lectures()[number].parent / t).resolve() for t in LINK.findall(cell.source)}
        assert wanted <= found, f"the navigation at the {where} of lecture {number} misses {wanted - found}"


@pytest.mark.parametrize("number", list(lectures()))
def test_no_lecture_mentions_a_lecture_that_does_not_exist(number):
    missing = sorted(set(MENTION.findall(markdown(lectures()[number]))) - set(lectures()))
    assert not missing, f"lecture {number} refers to lecture(s) {', '.join(missing)}, which do not exist yet"


def test_the_start_page_runs_and_names_the_backend(tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(START, as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "NumPy" in printed or "CuPy" in printed, f"the start page must say which backend runs: {printed!r}"
