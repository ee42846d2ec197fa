"""Evaluations and speed of the second-order methods of :mod:`course.secondorder` against scipy.

1. **Evaluations on Rosenbrock** (``scipy.optimize.rosen``, n = 2, 10, 100, from
   (−1.2, 1, −1.2, 1, …)) to ‖∇f‖ ≤ 10⁻⁶: ``bfgs``, ``lbfgs`` and
   ``nonlinear_cg(beta="PR+")`` against ``scipy.optimize.minimize`` with BFGS,
   L-BFGS-B and CG. The counts are deterministic. scipy's BFGS and CG get
   ``norm=2`` (our stopping test; their default is the max-norm); L-BFGS-B stops on
   the max-norm of the projected gradient (it has no other) and gets ``ftol=0`` so
   that it stops on the gradient only (by default it stops earlier, on the relative
   decrease of f, with ‖∇f‖ ≈ 6·10⁻⁵ at n = 2).
2. **Linear CG time per iteration** on an SPD tridiagonal system of n = 10⁴
   (1-D Laplacian + shift, A = tridiag(−1, 2 + σ, −1), σ = 10⁻², κ ≈ 400) to
   relative residual 10⁻¹⁰: ``conjugate_gradient`` with the operator v ↦ Av of a
   ``scipy.sparse`` CSR matrix against ``scipy.sparse.linalg.cg`` with the same
   matrix, in the same run, best of ``--repeats`` runs each. Reported as a ratio.

Run from the repository root::

    python bench/secondorder_bench.py              # ~3 s on an idle 2-core CPU
    python bench/secondorder_bench.py --repeats 20

NumPy only (scipy is the reference).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TextIO

import numpy as np
import scipy.sparse
import scipy.sparse.linalg
from scipy.optimize import minimize, rosen, rosen_der

from course.secondorder import bfgs, conjugate_gradient, lbfgs, nonlinear_cg

GTOL = 1e-6
SIZES = (2, 10, 100)
CG_N, CG_SHIFT, CG_RTOL = 10_000, 1e-2, 1e-10

#: (our name, our solver, scipy's method, scipy's options besides gtol)
PAIRS: list[tuple[str, Callable[..., Any], str, dict[str, Any]]] = [
    ("bfgs", bfgs, "BFGS", {"norm": 2}),
    ("lbfgs", lbfgs, "L-BFGS-B", {"ftol": 0.0}),
    ("nonlinear_cg PR+", lambda f, g, x0, tol: nonlinear_cg(f, g, x0, beta="PR+", tol=tol), "CG", {"norm": 2}),
]


@dataclass
class EvalRow:
    """Evaluations of f and ∇f of one method and scipy's counterpart on one problem size."""

    method: str
    scipy_method: str
    n: int
    nfev: int
    njev: int
    scipy_nfev: int
    scipy_njev: int
    grad_norm: float
    scipy_grad_norm: float
    minimum: str
    scipy_minimum: str

    @property
    def meets_goal(self) -> bool:
        """No more evaluations of f, and none more of ∇f, than scipy's."""
        return self.nfev <= self.scipy_nfev and self.njev <= self.scipy_njev


def standard_start(n: int) -> np.ndarray:
    """(−1.2, 1, −1.2, 1, …) of length n."""
    return np.resize(np.array([-1.2, 1.0]), n)


def which_minimum(x: np.ndarray) -> str:
    """"global" near (1, …, 1), else "local" (Rosenbrock has a second minimum for n ≥ 4)."""
    return "global" if np.max(np.abs(x - 1.0)) < 1e-3 else "local"


def evaluations(sizes: Sequence[int] = SIZES) -> list[EvalRow]:
    """Run every pair of methods on Rosenbrock of every size."""
    rows = []
    for n in sizes:
        x0 = standard_start(n)
        for name, ours, scipy_method, options in PAIRS:
            res = ours(rosen, rosen_der, x0, tol=GTOL)
            ref = minimize(rosen, x0, jac=rosen_der, method=scipy_method, options={"gtol": GTOL, **options})
            rows.append(EvalRow(
                name, scipy_method, n, res.nfev, res.njev, int(ref.nfev), int(ref.njev),
                float(np.linalg.norm(rosen_der(res.x))), float(np.linalg.norm(rosen_der(ref.x))),
                which_minimum(res.x), which_minimum(ref.x),
            ))
    return rows


def laplacian(n: int, shift: float) -> scipy.sparse.csr_matrix:
    """tridiag(−1, 2 + shift, −1), n × n, CSR: SPD with eigenvalues in (shift, 4 + shift)."""
    return scipy.sparse.diags([-1.0, 2.0 + shift, -1.0], [-1, 0, 1], shape=(n, n), format="csr")


@dataclass
class CGRow:
    """Best time per iteration of our linear CG and scipy's on the same system."""

    n: int
    iterations: int
    scipy_iterations: int
    ours_us: float
    scipy_us: float

    @property
    def ratio(self) -> float:
        return self.ours_us / self.scipy_us


def _best_time(run: Callable[[], int], repeats: int) -> tuple[float, int]:
    """(best seconds over ``repeats`` runs, iterations reported by the last run)."""
    best, iterations = float("inf"), 0
    for _ in range(repeats):
        start = time.perf_counter()
        iterations = run()
        best = min(best, time.perf_counter() - start)
    return best, iterations


def cg_timing(n: int = CG_N, repeats: int = 5) -> CGRow:
    """Time our conjugate_gradient and scipy.sparse.linalg.cg, alternating, on one system."""
    A = laplacian(n, CG_SHIFT)
    b = np.random.default_rng(0).standard_normal(n)

    def ours() -> int:
        res = conjugate_gradient(lambda v: A @ v, b, tol=CG_RTOL, record_path=False)
        assert res.converged, res.message
        return res.nit

    def theirs() -> int:
        count = [0]
        x, info = scipy.sparse.linalg.cg(A, b, rtol=CG_RTOL, atol=0.0, maxiter=10 * n,
                                         callback=lambda _: count.__setitem__(0, count[0] + 1))
        assert info == 0, info
        return count[0]

    ours(), theirs()  # warm-up
    t_ours = t_theirs = float("inf")
    for _ in range(repeats):  # alternate, so a burst of load hits both
        t, it = _best_time(ours, 1)
        t_ours = min(t_ours, t)
        t2, it2 = _best_time(theirs, 1)
        t_theirs = min(t_theirs, t2)
    return CGRow(n, it, it2, 1e6 * t_ours / it, 1e6 * t_theirs / it2)


def print_tables(rows: list[EvalRow], cg: CGRow, out: TextIO) -> None:
    """Both results as markdown tables."""
    print(f"Rosenbrock from (−1.2, 1, …) to ‖∇f‖ ≤ {GTOL:g}: evaluations of f / of ∇f\n", file=out)
    print("| ours | scipy | n | ours nfev / njev | scipy nfev / njev | ours ‖∇f‖ | scipy ‖∇f‖ "
          "| minimum (ours, scipy) | goal met |", file=out)
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |", file=out)
    for r in rows:
        print(f"| {r.method} | {r.scipy_method} | {r.n} | {r.nfev} / {r.njev} | {r.scipy_nfev} / "
              f"{r.scipy_njev} | {r.grad_norm:.1e} | {r.scipy_grad_norm:.1e} | {r.minimum}, "
              f"{r.scipy_minimum} | {'yes' if r.meets_goal else 'no'} |", file=out)
    print(f"\nLinear CG, tridiag(−1, 2 + {CG_SHIFT:g}, −1), n = {cg.n}, rtol {CG_RTOL:g}, "
          "same CSR matrix\n", file=out)
    print("| n | iterations (ours, scipy) | ours µs/iter | scipy µs/iter | ours / scipy |", file=out)
    print("| --- | --- | --- | --- | --- |", file=out)
    print(f"| {cg.n} | {cg.iterations}, {cg.scipy_iterations} | {cg.ours_us:.1f} | {cg.scipy_us:.1f} "
          f"| {cg.ratio:.2f} |", file=out)


def main(argv: Sequence[str] | None = None, sizes: Sequence[int] = SIZES, cg_n: int = CG_N,
         out: TextIO = sys.stdout) -> tuple[list[EvalRow], CGRow]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each CG (best is kept)")
    args = parser.parse_args(argv)
    rows = evaluations(sizes)
    cg = cg_timing(cg_n, args.repeats)
    print_tables(rows, cg, out)
    return rows, cg


if __name__ == "__main__":
    main()
