# Two commands on a fresh machine:
#   make lab   - set up .venv and start JupyterLab on the notebooks
#   make test  - set up .venv and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# nbgrader starts alembic through a subprocess: the venv's bin/ must be on PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)

LAB_STAMP  := $(VENV)/.stamp-lab
TEST_STAMP := $(VENV)/.stamp-test
ROOT_FLAG  := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test setup bench bench-autograde bench-report clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(LAB_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[lab]'
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[lab,test]'
	touch $(LAB_STAMP) $@

setup: $(TEST_STAMP)

# Students work on their own copies in my-work/ (git-ignored, made once, never
# overwritten); jupyter-config/ hides nbgrader's instructor tools.
START_PAGE := 00-start-here/00-start-here.ipynb

lab: $(LAB_STAMP)
	$(BIN)/python -m course.workspace
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter-config $(BIN)/jupyter lab $(ROOT_FLAG) --notebook-dir=my-work \
		--LabApp.default_url=/lab/tree/$(START_PAGE)

# Debian packages the tests need: chromium (tests/browser), bubblewrap (the autograder's
# sandbox), postgresql (the PostgreSQL gradebook test). Installed when missing and this
# user can (root, or passwordless sudo); otherwise `make test` stops at once and says
# which ones and how (scripts/system-packages).
TEST_PACKAGES := chromium bubblewrap postgresql

# Four worker processes on any number of cores: most of the suite waits on kernels,
# sandboxes and a browser; the modules that grade run first (tests/conftest.py).
TEST_WORKERS ?= 4

test:
	@scripts/system-packages $(TEST_PACKAGES)
	@$(MAKE) --no-print-directory $(TEST_STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder

bench: $(LAB_STAMP)
	$(BIN)/python bench/optim_bench.py
	$(BIN)/python bench/widget_bench.py
	$(BIN)/python bench/notebook_bench.py

# Autograding a class: nbgrader vs JOBS=1, JOBS=2 and Dask, and 50/200/800 students
# (~20 min on 2 cores, so not part of `make bench`; bench/README.md).
bench-autograde: $(LAB_STAMP)
	$(BIN)/python bench/autograde_bench.py

# `make report` on a synthetic class of 800 students x 8 lectures (bench/README.md).
bench-report: $(LAB_STAMP)
	$(BIN)/python bench/report_bench.py

clean:
	rm -rf $(VENV) grading .pytest_cache  # never my-work/: the students' work

# Instructors: nbgrader, one Python process per step (grader/cli.py), with
# the layout of nbgrader_config.py. grading/ is git-ignored.
.PHONY: release collect autograde feedback grades report

# A gradebook server instead of grading/gradebook.db, e.g.
# make autograde DB_URL=postgresql+psycopg://grader@db.example.org/optim_dl
ifdef DB_URL
release autograde feedback grades report: export COURSE_DB_URL = $(DB_URL)
endif

# Student versions notebooks/<a>/<a>.ipynb from solutions/<a>/ for every assignment
# (solutions and hidden tests removed), byte-identical on every run; also records
# the tests in grading/gradebook.db, which autograde restores them from.
# Refuses to overwrite release notebooks with uncommitted changes unless OVERWRITE=1.
release: $(LAB_STAMP)
	$(BIN)/python -m grader release $(if $(OVERWRITE),--overwrite,)

# Students' notebooks from an LMS download (Canvas, Moodle) into
# grading/submitted/<student>/<assignment>/<assignment>.ipynb, with a report:
# make collect ARCHIVE=submissions.zip [ASSIGNMENT=03-sgd] [ROSTER=roster.csv]
collect: $(LAB_STAMP)
	$(if $(ARCHIVE),,$(error make collect needs ARCHIVE=<the LMS download, a zip file>))
	$(BIN)/python -m grader collect "$(ARCHIVE)" \
		$(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)") $(if $(ROSTER),--roster "$(ROSTER)")

# Grade the new and changed submissions grading/submitted/<student>/<assignment>/
# into grading/autograded/ (adds students to the gradebook; never touches submitted/),
# JOBS at once (default: one per core). FORCE=1 grades every submission again;
# SCHEDULER=tcp://host:8786 sends the work to a Dask cluster (README). Each notebook
# runs in a bubblewrap sandbox (grader/sandbox.py; Debian's bubblewrap, installed
# when missing as for `make test`); UNSAFE=1 grades without it.
autograde:
	$(if $(UNSAFE),,@scripts/system-packages bubblewrap)
	@$(MAKE) --no-print-directory $(LAB_STAMP)
	$(BIN)/python -m grader autograde $(if $(JOBS),--jobs $(JOBS),) $(if $(FORCE),--force,) \
		$(if $(SCHEDULER),--scheduler $(SCHEDULER),) $(if $(UNSAFE),--unsafe,)

# Feedback HTML grading/feedback/<student>/<assignment>/<a>.html for every
# autograded submission, without hidden tests.
feedback: $(LAB_STAMP)
	$(BIN)/python -m grader feedback

# Scores per student and assignment -> grading/grades.csv.
grades: $(LAB_STAMP)
	$(BIN)/python -m grader grades

# What did the class get wrong? grading/reports/index.html, one page per assignment
# and report.csv: scores, and the mistakes the checks named (grader/report.py).
# make report [ASSIGNMENT=06-second-order]
report: $(LAB_STAMP)
	$(BIN)/python -m grader report $(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)")
