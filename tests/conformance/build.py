"""Write the conformance course's own assignments and their submissions.

    .venv/bin/python tests/conformance/build.py

writes, under ``tests/conformance/course/``:

* ``source/data-files/`` and ``source/python-tests/``: two ordinary nbgrader assignments
  (no ``course.checks``) as an instructor writes them, with the files they ship;
* ``submitted/<student>/<assignment>/`` (the notebooks only) for ``alice`` (right
  answers), ``bob`` (wrong ones, as students write them), ``carol`` (the release,
  unfinished) and ``crasher`` (python-tests' names.ipynb, right answers but one that
  kills the kernel; graded by the course's pipeline only: stock nbgrader zeroes a
  notebook whose kernel dies).

The release the submissions start from is made by stock nbgrader (``nbgrader
generate_assignment`` in a bare course folder, default configuration), as students get
it. The files taken from jupyter/nbgrader (``source/ps1``, ``source/nbgrader-*`` and their
submissions) are not written here: see README.md.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
COURSE = HERE / "course"
OWN = ("data-files", "python-tests")
NBGRADER_FILES = HERE / "course" / "source" / "nbgrader-autotest" / "autotests.yml"
SOLUTION = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)


# ------------------------------------------------------------------------ cells


def _nbgrader(grade_id: str, **flags) -> dict:
    meta = {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3, "solution": False}
    meta.update(flags)
    return {"nbgrader": meta}


def md(grade_id: str, text: str):
    """A read-only markdown cell."""
    return nbformat.v4.new_markdown_cell(text.strip(), id=grade_id, metadata=_nbgrader(grade_id, locked=True))


def code(cell_id: str, source: str):
    """An ordinary code cell (no nbgrader metadata)."""
    return nbformat.v4.new_code_cell(source.strip(), id=cell_id)


def solution(grade_id: str, source: str):
    return nbformat.v4.new_code_cell(source.strip(), id=grade_id, metadata=_nbgrader(grade_id, solution=True))


def test(grade_id: str, source: str, points: float):
    """An autograder test cell, as nbgrader's create-assignment tool makes it."""
    return nbformat.v4.new_code_cell(source.strip(), id=grade_id,
                                     metadata=_nbgrader(grade_id, grade=True, locked=True, points=points))


def answer(grade_id: str, text: str, points: float, cell_type: str = "markdown"):
    """A manually graded answer (written, or code graded by hand)."""
    new = nbformat.v4.new_markdown_cell if cell_type == "markdown" else nbformat.v4.new_code_cell
    return new(text.strip(), id=grade_id, metadata=_nbgrader(grade_id, grade=True, solution=True, points=points))


def task(grade_id: str, text: str, points: float):
    return nbformat.v4.new_markdown_cell(text.strip(), id=grade_id,
                                         metadata=_nbgrader(grade_id, locked=True, task=True, points=points))


def notebook(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=list(cells))
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    return nb


# ------------------------------------------------------------------ data-files


MEASUREMENTS = [("time", "value"), (0, 1.5), (1, 2.5), (2, 3.0), (3, 4.0), (4, 4.5)]
CALIBRATION = [("time", "value"), (0, 0.5), (1, 0.25)]
TEXT = "the quick brown fox\njumps over\tthe lazy dog\n"
HELPERS = '''"""Helpers shipped with the assignment (students import them)."""

import csv


def read_column(path, name):
    """The column ``name`` of the CSV file ``path``, as floats."""
    with open(path, newline="") as file:
        return [float(row[name]) for row in csv.DictReader(file)]
'''

MEASURE = notebook(
    md("intro", """
# Measurements

The files of this assignment are next to this notebook: `data/measurements.csv`,
`data/calibration.csv` and this picture, `data/pixel.png`:

![a small picture](data/pixel.png)
"""),
    code("imports", "import csv\n\nimport matplotlib.pyplot as plt\nimport numpy as np"),
    md("load_intro", "Write `load_measurements(path)`: the columns of a CSV file, `{name: list of floats}`."),
    solution("load_measurements", '''
def load_measurements(path):
    """The columns of the CSV file ``path``: {column name: list of floats}."""
    ### BEGIN SOLUTION
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    return {name: [float(row[name]) for row in rows] for name in rows[0]}
    ### END SOLUTION
'''),
    test("test_load", '''
"""load_measurements reads the shipped file."""
data = load_measurements("data/measurements.csv")
assert sorted(data) == ["time", "value"]
assert data["time"] == [0.0, 1.0, 2.0, 3.0, 4.0]
assert abs(sum(data["value"]) - 15.5) < 1e-12
''', 2),
    test("test_load_hidden", '''
"""load_measurements reads another file."""
### BEGIN HIDDEN TESTS
other = load_measurements("data/calibration.csv")
print("calibration values:", other["value"])
assert other["value"] == [0.5, 0.25]
### END HIDDEN TESTS
''', 1),
    md("image_intro", "Write `image_size(path)`: the (height, width) of a PNG picture."),
    solution("image_size", '''
def image_size(path):
    """(height, width) of the PNG picture ``path``."""
    ### BEGIN SOLUTION
    return plt.imread(path).shape[:2]
    ### END SOLUTION
'''),
    test("test_image", 'assert image_size("data/pixel.png") == (4, 6)', 1),
    md("plot_intro", "Plot the values against time in a figure `fig` with axes `ax`, the x axis labelled `time (s)`."),
    solution("plot", '''
### BEGIN SOLUTION
data = load_measurements("data/measurements.csv")
fig, ax = plt.subplots()
ax.plot(data["time"], data["value"], marker="o")
ax.set_xlabel("time (s)")
ax.set_title("measurements")
### END SOLUTION
'''),
    test("test_figure", '''
assert len(ax.lines) == 1
np.testing.assert_allclose(ax.lines[0].get_ydata(), data["value"])
assert ax.get_xlabel() == "time (s)"
assert fig.axes == [ax]
assert not plt.get_fignums(), "Jupyter shows a figure and closes it when its cell ends"
''', 1),
    md("make_plot_intro", "Write `make_plot(x, y)`: a new figure of `y` against `x`, shown, and returned."),
    solution("make_plot", '''
def make_plot(x, y):
    """A new figure of y against x (shown); the figure."""
    ### BEGIN SOLUTION
    figure, axes = plt.subplots()
    axes.plot(x, y)
    plt.show()
    return figure
    ### END SOLUTION
'''),
    test("test_make_plot", '''
figure = make_plot([0, 1, 2], [2, 1, 0])
assert figure.axes[0].lines[0].get_xdata().tolist() == [0, 1, 2]
''', 1),
)

SUMMARY = notebook(
    md("summary_intro", "# Summaries\n\n`helpers.py`, next to this notebook, reads a column of a CSV file."),
    code("summary_imports", "from helpers import read_column"),
    solution("mean_value", '''
def mean_value(path, column):
    """The mean of a column of a CSV file."""
    ### BEGIN SOLUTION
    values = read_column(path, column)
    return sum(values) / len(values)
    ### END SOLUTION
'''),
    test("test_mean", 'assert mean_value("data/measurements.csv", "value") == 3.1', 1),
    solution("word_count", '''
def word_count(path):
    """The number of words (separated by any whitespace) in a text file."""
    ### BEGIN SOLUTION
    with open(path) as file:
        return len(file.read().split())
    ### END SOLUTION
'''),
    test("test_word_count", 'assert word_count("data/text.txt") == 9', 1),
)

# ---------------------------------------------------------------- python-tests

NAMES = notebook(
    md("names_intro", "# Names, values and state"),
    code("names_imports", "import numpy as np"),
    solution("squares", '''
def squares(n):
    """The squares of 1, ..., n; a ValueError for n < 1."""
    ### BEGIN SOLUTION
    if n < 1:
        raise ValueError("n must be at least 1")
    return [i ** 2 for i in range(1, n + 1)]
    ### END SOLUTION
'''),
    test("test_squares", '''
"""squares returns the squares of 1, ..., n."""
assert squares(1) == [1]
assert squares(4) == [1, 4, 9, 16]
''', 1),
    test("test_squares_invalid", '''
"""squares raises a ValueError for n < 1."""
for n in (0, -4):
    try:
        squares(n)
    except ValueError:
        pass
    else:
        raise AssertionError(f"squares({n}) did not raise")
''', 1),
    md("sum_intro", "Using `squares` (not re-implementing it), write `sum_of_squares(n)`."),
    solution("sum_of_squares", '''
def sum_of_squares(n):
    """The sum of the squares of 1, ..., n."""
    ### BEGIN SOLUTION
    return sum(squares(n))
    ### END SOLUTION
'''),
    code("result", "result = sum_of_squares(10)\nresult"),
    test("test_sum_of_squares", '''
assert sum_of_squares(3) == 14
assert result == 385  # set by the cell above
''', 1),
    test("test_uses_squares", '''
"""Check that sum_of_squares relies on squares."""
orig_squares = squares
del squares
try:
    sum_of_squares(1)
except NameError:
    pass
else:
    raise AssertionError("sum_of_squares does not use squares")
finally:
    squares = orig_squares
''', 1),
    test("test_rebinding", '''
"""sum_of_squares calls whatever squares names when it runs."""
orig_squares = squares
squares = lambda n: [1] * n
try:
    assert sum_of_squares(4) == 4
finally:
    squares = orig_squares
assert sum_of_squares(2) == 5
''', 1),
    test("test_restored", "assert squares is orig_squares  # bound by the test above", 0.5),
    solution("values", '''
### BEGIN SOLUTION
primes = [2, 3, 5, 7]
counts = {"a": 2, "b": 1}
grid = np.arange(6).reshape(2, 3)
### END SOLUTION
'''),
    test("test_values", '''
assert primes == [2, 3, 5, 7]
assert isinstance(counts, dict) and counts == {"a": 2, "b": 1}
assert isinstance(grid, np.ndarray) and grid.shape == (2, 3)
np.testing.assert_array_equal(grid, [[0, 1, 2], [3, 4, 5]])
''', 2),
    test("test_autotest", "### AUTOTEST primes\n### AUTOTEST counts", 1),
    solution("first", '''
def first(items):
    """The first item of ``items`` itself (not a copy)."""
    ### BEGIN SOLUTION
    return items[0]
    ### END SOLUTION
'''),
    test("test_identity", '''
things = [object(), object()]
assert first(things) is things[0]
assert first(primes) is primes[0]
assert type(first([True])) is bool
''', 1),
    solution("mean_square", '''
def mean_square(n):
    """The mean of the squares of 1, ..., n."""
    ### BEGIN SOLUTION
    return sum_of_squares(n) / n
    ### END SOLUTION
'''),
    test("test_define_helper", '''
import math

def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9)

assert close(mean_square(1), 1.0)
''', 1),
    test("test_use_helper", "assert close(mean_square(3), 14 / 3)  # close: from the test above", 1),
    test("test_quiet", "assert close(mean_square(2), 2.5)", 1),
    test("test_partial", '''
"""One point per right value (nbgrader's partial credit: the cell's last value)."""
score = 0
score += squares(3) == [1, 4, 9]
score += sum_of_squares(4) == 30
score
''', 2),
    test("test_squares_hidden", '''
"""More values of squares."""
assert squares(2) == [1, 4]
### BEGIN HIDDEN TESTS
print("checking squares(7)")
assert squares(7)[-1] == 49
### END HIDDEN TESTS
''', 1),
    answer("explain", '''
### BEGIN SOLUTION
`sum_of_squares` adds what `squares` returns, so it is right whenever `squares` is.
### END SOLUTION
''', 2),
    answer("cube", '''
def cube(x):
    ### BEGIN SOLUTION
    return x ** 3
    ### END SOLUTION
''', 1, cell_type="code"),
    task("task_proof", "Prove that $\\sum_{i=1}^n i^2 = n(n+1)(2n+1)/6$ (graded by hand).", 2),
)

OBJECTS = notebook(
    md("objects_intro", "# Objects, generators, callbacks and printing"),
    code("objects_imports", "import contextlib\nimport io\nimport types"),
    solution("counter", '''
class Counter:
    """Counts up from ``start``."""
    ### BEGIN SOLUTION
    def __init__(self, start=0):
        self.count = start

    def increment(self, by=1):
        self.count += by
        return self

    def __repr__(self):
        return f"Counter({self.count})"
    ### END SOLUTION
'''),
    test("test_counter", '''
c = Counter(start=2)
assert c.count == 2
assert c.increment() is c
c.increment(by=3)
assert c.count == 6
assert isinstance(c, Counter) and type(c) is Counter
assert "count" in vars(c) and not hasattr(Counter, "count")
assert repr(c) == "Counter(6)"
''', 2),
    solution("evens", '''
def evens(n):
    """Yield the even numbers below n."""
    ### BEGIN SOLUTION
    for i in range(0, n, 2):
        yield i
    ### END SOLUTION
'''),
    test("test_evens", '''
g = evens(7)
assert isinstance(g, types.GeneratorType)
assert next(g) == 0
assert list(g) == [2, 4, 6]
assert sum(x * x for x in evens(5)) == 20
assert [x for x in evens(4)] == [0, 2]
''', 1),
    solution("callbacks", '''
def apply_twice(f, x):
    """f(f(x))."""
    ### BEGIN SOLUTION
    return f(f(x))
    ### END SOLUTION


def for_each(items, callback):
    """Call ``callback`` on each item, in order."""
    ### BEGIN SOLUTION
    for item in items:
        callback(item)
    ### END SOLUTION
'''),
    test("test_callbacks", '''
assert apply_twice(lambda v: v + 3, 1) == 7
assert apply_twice(str.upper, "ab") == "AB"
seen = []
for_each([1, 2, 3], seen.append)
assert seen == [1, 2, 3]
''', 1),
    solution("greet", '''
def greet(name):
    """Print a greeting to ``name``."""
    ### BEGIN SOLUTION
    print(f"Hello, {name}!")
    ### END SOLUTION
'''),
    test("test_greet_prints", '''
buffer = io.StringIO()
with contextlib.redirect_stdout(buffer):
    returned = greet("Ada")
assert buffer.getvalue() == "Hello, Ada!\\n"
assert returned is None
''', 1),
    test("test_greet_capture", '%%capture captured\ngreet("Grace")', 0.5),
    test("test_greet_captured", 'assert captured.stdout == "Hello, Grace!\\n"  # captured: by the cell above', 0.5),
    test("test_magics", '''
functions = %who_ls function
assert "greet" in functions and "evens" in functions
%time total = sum(evens(100))
assert total == 2450
lines = !echo shell
assert list(lines) == ["shell"]
''', 1),
)

# -------------------------------------------------------------- wrong answers

BOB = {
    "load_measurements": '''
def load_measurements(path):
    """The columns of the CSV file ``path``: {column name: list of floats}."""
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    return {name: [row[name] for row in rows] for name in rows[0]}
''',
    "image_size": '''
def image_size(path):
    """(height, width) of the PNG picture ``path``."""
    return plt.imread(path).shape
''',
    "plot": '''
data = load_measurements("data/measurements.csv")
fig, ax = plt.subplots()
ax.plot(data["time"], data["value"])
ax.plot(data["time"], data["value"], "o")
ax.set_xlabel("time")
''',
    "make_plot": '''
def make_plot(x, y):
    """A new figure of y against x (shown); the figure."""
    plt.plot(x, y)
    plt.show()
''',
    "mean_value": '''
def mean_value(path, column):
    """The mean of a column of a CSV file."""
    values = read_column(path, column)
    return sum(values) // len(values)
''',
    "word_count": '''
def word_count(path):
    """The number of words (separated by any whitespace) in a text file."""
    with open(path) as file:
        return len(file.read().split(" "))
''',
    "squares": '''
def squares(n):
    """The squares of 1, ..., n; a ValueError for n < 1."""
    s = []
    for i in range(n):
        s.append(i ** 2)
    return s
''',
    "sum_of_squares": '''
def sum_of_squares(n):
    """The sum of the squares of 1, ..., n."""
    return sum(i * i for i in range(1, n + 1))
''',
    "values": '''
primes = (2, 3, 5, 7)
counts = {"a": 2, "b": 1}
grid = [[0, 1, 2], [3, 4, 5]]
''',
    "first": '''
import copy

def first(items):
    """The first item of ``items`` itself (not a copy)."""
    return copy.copy(items[0])
''',
    "mean_square": '''
import sys

def mean_square(n):
    """The mean of the squares of 1, ..., n."""
    print("mean_square: computing", n, file=sys.stderr)  # right, but stderr fails nbgrader's tests
    return sum_of_squares(n) / n
''',
    "counter": '''
class Counter:
    """Counts up from ``start``."""
    count = 0

    def __init__(self, start=0):
        self.count = start

    def increment(self, by=1):
        self.count = self.count + by
''',
    "evens": '''
def evens(n):
    """Yield the even numbers below n."""
    return [i for i in range(n) if i % 2 == 0]
''',
    "callbacks": '''
def apply_twice(f, x):
    """f(f(x))."""
    return f(x)


def for_each(items, callback):
    """Call ``callback`` on each item, in order."""
    return [callback(item) for item in items]
''',
    "greet": '''
def greet(name):
    """Print a greeting to ``name``."""
    return f"Hello, {name}!"
''',
    "explain": "It adds the squares.",
    "cube": "def cube(x):\n    return x * x",
}

# Right answers, but mean_square(3) kills the kernel.
CRASHER = {"mean_square": '''
import os

def mean_square(n):
    """The mean of the squares of 1, ..., n."""
    if n == 3:
        os._exit(1)
    return sum_of_squares(n) / n
'''}

ASSIGNMENTS = {
    "data-files": {"measurements.ipynb": MEASURE, "summary.ipynb": SUMMARY},
    "python-tests": {"names.ipynb": NAMES, "objects.ipynb": OBJECTS},
}
STUDENTS = {"alice": {}, "bob": BOB, "carol": None, "crasher": CRASHER}


def _write_csv(path: Path, rows) -> None:
    with open(path, "w", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)


def _png(path: Path) -> None:
    """A 4 x 6 RGBA picture."""
    pixels = np.zeros((4, 6, 4))
    pixels[..., 0] = np.linspace(0, 1, 6)
    pixels[..., 3] = 1
    plt.imsave(path, pixels, format="png", metadata={"Software": None})


def write_sources() -> None:
    for assignment, notebooks in ASSIGNMENTS.items():
        folder = COURSE / "source" / assignment
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name, nb in notebooks.items():
            nbformat.write(nb, folder / name)
    data = COURSE / "source" / "data-files" / "data"
    data.mkdir()
    _write_csv(data / "measurements.csv", MEASUREMENTS)
    _write_csv(data / "calibration.csv", CALIBRATION)
    (data / "text.txt").write_text(TEXT)
    _png(data / "pixel.png")
    (COURSE / "source" / "data-files" / "helpers.py").write_text(HELPERS)
    # nbgrader's own template of autotests (its tests' autotests.yml, BSD-3, see README.md)
    shutil.copy(NBGRADER_FILES, COURSE / "source" / "python-tests" / "autotests.yml")


def _release() -> Path:
    """The students' version of the own assignments, made by stock nbgrader."""
    bare = Path(tempfile.mkdtemp(prefix="conformance-release-"))
    for assignment in ASSIGNMENTS:
        shutil.copytree(COURSE / "source" / assignment, bare / "source" / assignment)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "JUPYTER_CONFIG_DIR": str(bare / ".jupyter")}
    for assignment in ASSIGNMENTS:
        subprocess.run(["nbgrader", "generate_assignment", assignment, "--log-level=ERROR"],
                       cwd=bare, env=env, check=True)
    return bare / "release"


def _answers(nb: nbformat.NotebookNode) -> dict[str, str]:
    return {c.metadata["nbgrader"]["grade_id"]: SOLUTION.sub("", c.source)
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")}


def write_submissions() -> None:
    release = _release()
    for student, wrong in STUDENTS.items():
        for assignment, notebooks in ASSIGNMENTS.items():
            if student == "crasher" and assignment != "python-tests":
                continue
            folder = COURSE / "submitted" / student / assignment
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)  # the notebooks only: autograding brings the shipped files
            for name, source in notebooks.items():
                if student == "crasher" and name != "names.ipynb":
                    continue
                nb = nbformat.read(release / assignment / name, as_version=4)
                if wrong is not None:
                    answers = {**_answers(source), **wrong}
                    for cell in nb.cells:
                        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                        if grade_id in answers and cell.metadata["nbgrader"].get("solution"):
                            cell.source = answers[grade_id].strip()
                nbformat.write(nb, folder / name)
    shutil.rmtree(release.parent)


if __name__ == "__main__":
    write_sources()
    write_submissions()
    print(f"wrote {COURSE / 'source'}/{{{','.join(OWN)}}} and their submissions")
