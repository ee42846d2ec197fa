"""nbgrader configuration for the course (read by every nbgrader command run here).

Layout, relative to the directory of this file:

    solutions/<assignment>/<assignment>.ipynb   sources: solutions and hidden tests
    notebooks/<assignment>/<assignment>.ipynb   student versions (`make release`)
    grading/submitted/<student>/<assignment>/   collected submissions (never modified)
    grading/autograded/<student>/<assignment>/  executed, graded copies
    grading/feedback/<student>/<assignment>/    feedback HTML, without hidden tests
    grading/gradebook.db                        SQLite gradebook
    grading/grades.csv                          `make grades`

grading/ is git-ignored: it holds students' work and marks.
"""

import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

from course.instructor import ClearHiddenTestsAndTracebacks

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
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(GRADING, "gradebook.db")

# Seconds per cell while autograding; an endless loop scores 0 for its test.
c.Execute.timeout = 30

# Feedback must never reveal hidden tests: nbgrader shows them by default, and a
# failing hidden test's traceback quotes them.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    ClearHiddenTestsAndTracebacks,
    CSSHTMLHeaderPreprocessor,
]

# Keep no widget state in graded notebooks: feedback HTML then shows each widget's
# static PNG (its fallback), which needs no widget JavaScript from the internet.
c.Execute.store_widget_state = False
