"""nbgrader configuration for the course (read by every nbgrader command run here).

Layout, relative to the directory of this file:

    solutions/<assignment>/<assignment>.ipynb   sources: solutions and hidden tests
    notebooks/<assignment>/<assignment>.ipynb   student versions (`make release`)
    grading/submitted/<student>/<assignment>/   collected submissions (never modified)
    grading/autograded/<student>/<assignment>/  executed, graded copies
    grading/feedback/<student>/<assignment>/    feedback HTML, without hidden tests
    grading/gradebook.db                        SQLite gradebook (default; see COURSE_DB_URL)
    grading/grades.csv                          `make grades`
    grading/tamper-report.csv                   what autograding changed in submissions
    grading/reports/                            `make report`: what the class got wrong
    grading/.explorer-pictures/                 the explorers' pictures drawn for grading (a cache)

grading/ is git-ignored: it holds students' work and marks.
"""

import os

import nbgrader
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import (
    AssignLatePenalties, CheckCellMetadata, ClearOutput, GetGrades,
    IgnorePattern, LimitOutput, OverwriteKernelspec,
)

from grader.diagnoses import RecordOutcomes
from grader.explorers import ExplorerPictures, StandInExplorers
from grader.feedback import TEMPLATES, ClearHiddenTestsAndTracebacks, MathToMathML
from grader.preprocessors import GradeExecute, RestoreCells, SaveAutoGradesFromErrors
from grader.release import ClearModelAnswers

c = get_config()  # noqa: F821 (injected by traitlets' config loader)

# The course lives next to this file, wherever nbgrader is started from.
ROOT = os.path.dirname(os.path.abspath(__file__))
GRADING = os.path.join(ROOT, "grading")
# SQLite creates the gradebook file but not its folder.
os.makedirs(GRADING, exist_ok=True)

c.CourseDirectory.course_id = "optim-dl"
c.CourseDirectory.root = ROOT
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.submitted_directory = os.path.join("grading", "submitted")
c.CourseDirectory.autograded_directory = os.path.join("grading", "autograded")
c.CourseDirectory.feedback_directory = os.path.join("grading", "feedback")
# The gradebook: the SQLite file, or a database server named by the environment
# variable COURSE_DB_URL (`make autograde DB_URL=...`), an SQLAlchemy URL such as
# postgresql+psycopg://grader@db.example.org/optim_dl (psycopg 3, in the `lab` extra;
# keep the password in ~/.pgpass, not in the URL, which error messages print).
c.CourseDirectory.db_url = (
    os.environ.get("COURSE_DB_URL") or "sqlite:///" + os.path.join(GRADING, "gradebook.db")
)

# The release drops instructors' model answers (markdown cells tagged model-answer,
# grader/release.py) before anything is recorded in the gradebook.
c.GenerateAssignment.preprocessors = [ClearModelAnswers, *GenerateAssignment.class_traits()["preprocessors"].default()]

# Seconds per cell while autograding; an endless loop scores 0 for its test, and its
# feedback says so in plain words.
c.Execute.timeout = 30

# nbgrader's autograde steps with three of them hardened (grader/preprocessors.py):
# RestoreCells relabels cells from the gradebook, puts deleted graded cells back and
# reports every change; GradeExecute caps stored output in bytes and words timeouts
# plainly; SaveAutoGradesFromErrors scores errors only (not stderr) and clears manual
# scores found on automatically graded cells. RecordOutcomes (grader/diagnoses.py)
# records each graded test cell's outcome and named mistake for `make report`.
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    OverwriteKernelspec,
    RestoreCells,  # also drops duplicate labels (nbgrader's DeduplicateIds), reported
    CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    StandInExplorers,  # explorer cells: a no-op in the kernel (grader/explorers.py) ...
    GradeExecute,
    ExplorerPictures,  # ... and their default picture, drawn once by the grader, in the notebook
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGradesFromErrors,
    RecordOutcomes,
    AssignLatePenalties,
    CheckCellMetadata,
]
c.TamperReport.path = os.path.join(GRADING, "tamper-report.csv")
# The explorers' default pictures, drawn once per lecture and course version; a folder
# several course copies share may be named by COURSE_EXPLORER_PICTURES (pictures are keyed
# by the cell and the version of course/, so copies never mix up each other's).
c.StandInExplorers.cache_dir = (
    os.environ.get("COURSE_EXPLORER_PICTURES") or os.path.join(GRADING, ".explorer-pictures")
)
# Output kept per cell and notebook (bytes; a cut is noted in the cell).
c.GradeExecute.max_text_bytes_per_cell = 100_000
c.GradeExecute.max_bytes_per_cell = 1_000_000
c.GradeExecute.max_bytes_per_notebook = 5_000_000

# Feedback must never reveal hidden tests: nbgrader shows them by default, and a
# failing hidden test's traceback quotes them.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    ClearHiddenTestsAndTracebacks,
    MathToMathML,
    CSSHTMLHeaderPreprocessor,
]
# Feedback is read offline: math as MathML, no MathJax from a CDN (grader/feedback.py).
c.HTMLExporter.extra_template_basedirs = [
    TEMPLATES,
    os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates"),
]

# `nbgrader export` writes the grades where git ignores them.
c.CsvExportPlugin.to = os.path.join(GRADING, "grades.csv")

# Keep no widget state in graded notebooks: feedback HTML then shows each widget's
# static PNG (its fallback), which needs no widget JavaScript from the internet.
c.Execute.store_widget_state = False
