"""Tests for the checks of lecture 04's new exercises: ``terminal_velocity`` and
``largest_stable_momentum_lr`` (predict, then check), ``momentum_rate`` and ``optimal_momentum``.

As tests/test_checks.py does for the step functions: right answers (tests/variants/) pass
for any seed, every mutant (tests/mutants/) fails with the diagnosis of its mistake, hidden
failures keep inputs out, and code that uses the reference fails. And the rate checks
accept right answers where rounding is largest, at a double eigenvalue (critical damping)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from test_checks import MUTANTS, VARIANTS, failure, load_mutant, namespace

import course.checks as checks
from course.checks import CheckFailed, assert_own_implementation
from course.checks.momentum import DOUBLE_ROOT_TOLERANCE, _rate_cases

FUNCTIONS = ("terminal_velocity", "momentum_rate", "largest_stable_momentum_lr", "optimal_momentum")
SEEDS = (0, 2718)

#: What the failure message of each mutant must say.
EXPECTED = {
    ("terminal_velocity", "plain_step"): "plain gradient descent's step",
    ("terminal_velocity", "series_from_alpha"): "the geometric series starts at α instead of 1",
    ("terminal_velocity", "pytorch_units"): "ε is missing",
    ("terminal_velocity", "uphill"): "the velocity points uphill",
    ("terminal_velocity", "two_terms"): "only two terms of the series are summed",
    ("momentum_rate", "real_parts"): "the real parts of complex eigenvalues instead of their moduli",
    ("momentum_rate", "gradient_descent_rate"): "gradient descent's rate |1 − ελ|",
    ("momentum_rate", "sqrt_alpha"): "√α is the rate only when the eigenvalues are complex",
    ("momentum_rate", "larger_root"): "the larger root is not the larger modulus",
    ("momentum_rate", "old_velocity"): "θ is updated with the old velocity",
    ("momentum_rate", "squared_modulus"): "this is |z|²",
    ("largest_stable_momentum_lr", "gradient_descent"): "2/λ is gradient descent's limit",
    ("largest_stable_momentum_lr", "effective_rate"): "the effective learning rate ε/(1 − α)",
    ("largest_stable_momentum_lr", "critical_damping"): "where the eigenvalues turn real again",
    ("largest_stable_momentum_lr", "nesterov"): "Nesterov momentum's limit",
    ("largest_stable_momentum_lr", "factor_two"): "a factor 2 is missing",
    ("optimal_momentum", "alpha_not_squared"): "α is not squared",
    ("optimal_momentum", "kappa_not_sqrt"): "κ is used where √κ belongs",
    ("optimal_momentum", "gradient_descent_step"): "gradient descent's best step",
    ("optimal_momentum", "roots_after_sum"): "the square roots are taken after adding",
    ("optimal_momentum", "swapped_returns"): "the returned values are in the wrong order: return lr, alpha",
}

#: Right answers written independently of course.optim, as a student might.
CLEAN = namespace('''
import cmath
import numpy as np


def terminal_velocity(g, lr, alpha):
    return g * (-lr / (1 - alpha))


def momentum_rate(lam, lr, alpha):
    b = 1 + alpha - lr * lam
    root = cmath.sqrt(b * b - 4 * alpha)
    return max(abs(b + root), abs(b - root)) / 2


def largest_stable_momentum_lr(lam, alpha):
    return 2 * (1 + alpha) / lam


def optimal_momentum(lam_min, lam_max):
    a, b = np.sqrt(lam_min), np.sqrt(lam_max)
    return 4 / (a + b) ** 2, ((b - a) / (b + a)) ** 2
''')


def check_of(function: str):
    return getattr(checks, f"check_{function}")


def files(folder, function: str):
    return sorted((folder / function).glob("*.py"))


WRONG = [pytest.param(p, id=f"{f}/{p.stem}") for f in FUNCTIONS for p in files(MUTANTS, f)
         if p.stem != "calls_reference"]
RIGHT = [pytest.param(p, id=f"{f}/{p.stem}") for f in FUNCTIONS for p in files(VARIANTS, f)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_independent_implementation_passes(function, seed):
    check_of(function)(CLEAN[function], seed=seed)
    assert_own_implementation(CLEAN[function])


@pytest.mark.parametrize("path", RIGHT)
def test_variant_passes_for_any_seed(path):
    fn = load_mutant(path)
    for seed in range(8):
        check_of(path.parent.name)(fn, seed=seed, reveal=seed % 2 == 0)
    assert_own_implementation(fn)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_has_three_variants_four_mutants_and_a_reference_caller(function):
    assert len(files(VARIANTS, function)) >= 3
    stems = [p.stem for p in files(MUTANTS, function)]
    assert "calls_reference" in stems and len(stems) - 1 >= 4


def test_every_mutant_has_an_expected_diagnosis():
    found = {(p.parent.name, p.stem) for f in FUNCTIONS for p in files(MUTANTS, f) if p.stem != "calls_reference"}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("path", WRONG)
def test_mutant_fails_with_its_diagnosis_and_an_example(path):
    message = failure(check_of(path.parent.name), load_mutant(path))
    assert EXPECTED[path.parent.name, path.stem] in message, message
    assert "Example" in message and "expected" in message and "got" in message, message


@pytest.mark.parametrize("path", WRONG)
def test_hidden_failure_keeps_inputs_out(path):
    message = failure(check_of(path.parent.name), load_mutant(path), seed=2718, reveal=False)
    assert EXPECTED[path.parent.name, path.stem] in message, message
    assert not re.search(r"\d\.\d|\d[eE]-?\d", message), message
    assert "Example" not in message, message


@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_callers_fail(function):
    message = failure(check_of(function), load_mutant(MUTANTS / function / "calls_reference.py"), reveal=False)
    assert message.startswith(f"{function} calls course.optim.{function}, the course's reference code"), message


@pytest.mark.parametrize("function", FUNCTIONS)
def test_not_implemented_error_passes_through(function):
    def unfinished(*args):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check_of(function)(unfinished)


# --- Numbers, and tuples of numbers ------------------------------------------------------


def test_a_rate_must_be_a_number():
    assert "momentum_rate must return a number, got tuple" in failure(
        checks.check_momentum_rate, lambda lam, lr, alpha: (lr, alpha))
    assert "must return a number, got complex" in failure(
        checks.check_momentum_rate, lambda lam, lr, alpha: complex(math.sqrt(alpha), 0.0))


def test_optimal_momentum_must_return_two_numbers():
    assert "optimal_momentum must return a tuple (lr, alpha) of numbers, got a single float" in failure(
        checks.check_optimal_momentum, lambda lam_min, lam_max: 0.1)
    assert "got a tuple of 3 values" in failure(checks.check_optimal_momentum, lambda lam_min, lam_max: (1, 2, 3))
    assert "got None (is `return` missing?)" in failure(checks.check_optimal_momentum, lambda lam_min, lam_max: None)
    assert "must return alpha as a number, got str" in failure(
        checks.check_optimal_momentum, lambda lam_min, lam_max: (0.1, "0.5"))
    # NumPy scalars and 1-element arrays are numbers too
    checks.check_optimal_momentum(lambda lam_min, lam_max: tuple(np.array([v]) for v in CLEAN["optimal_momentum"](
        lam_min, lam_max)))


# --- Rounding at a double root -----------------------------------------------------------


def test_the_rate_checks_visit_critical_damping_exactly():
    """Both edges of the complex band, with t² = 4α exactly in floating point."""
    critical = [case for case in _rate_cases(0) if "critical damping" in case.label]
    assert len(critical) == 2
    for case in critical:
        assert case.tolerance == DOUBLE_ROOT_TOLERANCE
        calls = [case.args] + [case.advance(k, None, None) for k in range(1, case.steps)]
        for lam, lr, alpha in calls:
            t = 1 + alpha - lr * lam
            assert t * t - 4 * alpha == 0.0


def test_eigenvalues_of_a_jordan_block_are_off_by_the_root_of_rounding_and_accepted():
    """At a double root np.linalg.eigvals errs by about 1e-8: more than float64's usual
    tolerance (1e-9), well within the double roots' (1e-6); every mistake is far further."""
    lam, lr, alpha = 21.125, 0.125, 0.390625  # ελ = (1 + √α)²: z = −√α twice
    M = np.array([[1 - lr * lam, alpha], [-lr * lam, alpha]])
    error = abs(float(np.max(np.abs(np.linalg.eigvals(M)))) - math.sqrt(alpha)) / math.sqrt(alpha)
    assert error < DOUBLE_ROOT_TOLERANCE / 10

    def off_by_rounding(lam, lr, alpha):
        rate = CLEAN["momentum_rate"](lam, lr, alpha)
        t = 1 + alpha - lr * lam
        return rate * (1 + 3e-8) if t * t == 4 * alpha else rate

    checks.check_momentum_rate(off_by_rounding)

    def off_everywhere(lam, lr, alpha):
        return CLEAN["momentum_rate"](lam, lr, alpha) * (1 + 3e-8)

    with pytest.raises(CheckFailed, match="gives wrong values of `rate`"):
        checks.check_momentum_rate(off_everywhere)


def test_a_right_answer_that_takes_the_other_branch_at_a_double_root_passes():
    """Rounding may put t² − 4α on either side of 0: the complex branch (√α) and the real
    one ((|t| + √(t² − 4α))/2) then differ by about 1e-8, and both are right."""
    def real_branch_at_zero(lam, lr, alpha):
        t = 1 + alpha - lr * lam
        d = t * t - 4 * alpha
        return math.sqrt(alpha) if d < 0 else (abs(t) + math.sqrt(d + 1e-16)) / 2

    checks.check_momentum_rate(real_branch_at_zero)


def test_alpha_star_of_one_curvature_may_carry_rounding():
    """κ = 1: α* = 0, where a right answer may return 1e-17 instead."""
    def rounded(lam_min, lam_max):
        lr, alpha = CLEAN["optimal_momentum"](lam_min, lam_max)
        return lr, alpha if lam_min != lam_max else 1e-17

    checks.check_optimal_momentum(rounded)


@pytest.mark.parametrize("seed", range(0, 400, 7))
def test_every_rate_case_lies_in_the_regime_its_label_names(seed):
    """The inputs of each case are where its label says (a hidden test's label is all a
    student sees), away from the edges except where the label says critical damping."""
    for case in _rate_cases(seed):
        calls = [case.args] + [case.advance(k, None, None) for k in range(1, case.steps)]
        for lam, lr, alpha in calls:
            x, s = lr * lam, math.sqrt(alpha)
            t = 1 + alpha - x
            if "complex" in case.label:
                assert t * t < 4 * alpha
            elif "real positive" in case.label:
                assert 0 < x < (1 - s) ** 2 and t * t > 4 * alpha
            elif "real negative" in case.label:
                assert (1 + s) ** 2 < x < 2 * (1 + alpha)
            elif "beyond the stability limit" in case.label:
                assert x > 2 * (1 + alpha)
            elif "α = 0" in case.label:
                assert alpha == 0
            else:
                assert "critical damping" in case.label and t * t == 4 * alpha
            if "critical damping" not in case.label and alpha > 0:
                assert abs(t * t - 4 * alpha) > 1e-6, "far enough from a double root for the usual tolerance"
