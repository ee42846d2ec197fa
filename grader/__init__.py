"""The instructor's grading system: nbgrader, hardened, for a whole class.

Apart from the ``course`` package that students read and import: nothing here is
importable in the sandbox a student's notebook runs in (it sees only a copy of
``course``), and ``course`` never imports ``grader``.

* :mod:`grader.cli`: the steps ``release``, ``collect``, ``autograde``, ``feedback``,
  ``grades`` and ``report`` (``python -m grader <step>``, ``make <step>``);
* :mod:`grader.batch`: a class's autograding in parallel (processes or Dask), only what
  changed, with progress and a summary;
* :mod:`grader.collect`: LMS downloads (Canvas, Moodle) into ``grading/submitted/``;
* :mod:`grader.release`: what ``make release`` drops besides nbgrader's solutions and
  hidden tests (instructors' model answers);
* autograding's defences, nbgrader preprocessors wired in ``nbgrader_config.py``:
  :mod:`grader.preprocessors` (cells put back, tamper report, output caps, dead or hung
  kernels restarted), :mod:`grader.sandbox` (the bubblewrap sandbox of a kernel),
  :mod:`grader.verdict` and :mod:`grader.bridge` (graded test cells judged in the
  grader's process, the student's functions called in the sandbox through
  :mod:`course.bridge`, data only);
  :mod:`grader.explorers` (explorer cells not run in the kernel: their default picture,
  drawn once by :mod:`grader.explorer_draw` and cached);
* :mod:`grader.feedback`: feedback HTML without hidden tests, math as MathML;
* what the class got wrong: :mod:`grader.diagnoses` (each graded test cell's outcome and
  the mistake its check named, recorded in the gradebook's database while autograding)
  and :mod:`grader.report` (``report``: a page per assignment, an index and a CSV).
"""
