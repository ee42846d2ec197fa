"""Every verdict of the notebooks' graded test cells, as JSON on standard output.

For each exercise of the solution notebooks: the solution, its unfinished release form,
every mutant (tests/mutants/) and every right variant (tests/variants/), each run with
the notebook's setup cell and graded test cells as in test_mutants.py; the value is the
failing cells, by grade_id, with their messages. test_verdict_matrix.py runs this
script under each BLAS kernel and SIMD path NumPy may pick and compares the tables:
a grade must not depend on the machine that grades it.

    python tests/verdict_table.py > verdicts.json
    python tests/verdict_table.py --runtime      # only which kernels run

The JSON also says which kernels ran: OpenBLAS's core type (threadpoolctl) and the
CPU features NumPy dispatches to.
"""

from __future__ import annotations

import json
import re
import sys

import numpy as np
from threadpoolctl import threadpool_info

from test_mutants import (
    CASES, RIGHT, SOLUTIONS, code_cell, failing_test_cells, notebook,
)


def unfinished(source: str) -> str:
    """What nbgrader generate_assignment leaves of a solution cell."""
    return re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "# YOUR CODE HERE\n    raise NotImplementedError()",
                  source, flags=re.S)


def table() -> dict[str, dict[str, str]]:
    """{"<lecture>/<function>/<case>": {failing grade_id: message}} for every case."""
    verdicts = {}
    for param in SOLUTIONS:
        lecture, function = param.values
        solution = code_cell(notebook(lecture), function)
        verdicts[f"{param.id}/solution"] = failing_test_cells(lecture, function, solution)
        verdicts[f"{param.id}/unfinished"] = failing_test_cells(lecture, function, unfinished(solution))
    for param in (*CASES, *RIGHT):
        lecture, function, path = param.values
        kind = "mutant" if path.parent.parent.name == "mutants" else "variant"
        verdicts[f"{param.id}/{kind}"] = failing_test_cells(lecture, function, path.read_text())
    return verdicts


def runtime() -> dict[str, object]:
    """The BLAS core type and NumPy's dispatched CPU features in this process."""
    from numpy._core import _multiarray_umath as umath

    blas = [info.get("architecture") for info in threadpool_info() if info.get("user_api") == "blas"]
    simd = sorted(f for f in umath.__cpu_dispatch__ if umath.__cpu_features__.get(f))
    return {"blas": blas, "simd": simd, "numpy": np.__version__}


if __name__ == "__main__":
    result = {"runtime": runtime()}
    if sys.argv[1:] != ["--runtime"]:  # --runtime: which kernels run, nothing else
        result["verdicts"] = table()
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False, sort_keys=True)
