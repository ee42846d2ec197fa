"""``python -m grader <step>``: the instructor's pipeline (:mod:`grader.cli`)."""

import sys

from grader.cli import main

sys.exit(main())
