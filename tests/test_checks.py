"""Tests for course.checks: the checks pass right answers (every variant in
tests/variants/), fail every mutant in tests/mutants/ with the diagnosis of its
mistake, fail code that uses the course's reference, keep hidden inputs out of
hidden-test messages, show a student no checker frames, and let
NotImplementedError through."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbclient
import nbformat
import numpy as np
import pytest

import course.checks as checks
import course.optim as optim
from course.checks import CheckFailed, assert_own_implementation, exercise_demo

REPO = Path(__file__).resolve().parents[1]
MUTANTS = Path(__file__).parent / "mutants"
VARIANTS = Path(__file__).parent / "variants"
FUNCTIONS = ("sgd_step", "sgd_noise_floor", "linear_decay", "minibatches", "momentum_step", "nesterov_step",
             "adagrad_step", "rmsprop_step", "adam_step", "uncorrected_step_length")
SEEDS = (0, 2718)

#: What the failure message of each mutant must say (case-insensitive).
EXPECTED = {
    ("sgd_step", "sign_error"): "sign is wrong",
    ("sgd_step", "lr_twice"): "applied twice",
    ("sgd_step", "lr_not_applied"): "not applied",
    ("sgd_step", "in_place"): "modified its argument `theta` in place",
    ("sgd_step", "returns_step"): "returns the step",
    ("sgd_step", "upcasts_to_float64"): "keep the inputs' dtype",
    ("sgd_noise_floor", "no_batch"): "the noise variance is σ², that of one example",
    ("sgd_noise_floor", "no_lr_on_noise"): "the noise enters the update multiplied by ε",
    ("sgd_noise_floor", "returns_variance"): "it returns E[θ²], the spread of θ",
    ("sgd_noise_floor", "not_squared"): "the factor (1 − ελ) is not squared",
    ("sgd_noise_floor", "small_lr"): "the small-ε approximation",
    ("sgd_noise_floor", "no_divergence"): "for ελ ≥ 2 SGD diverges",
    ("linear_decay", "no_clamp"): "keeps decaying after step τ (no clamp)",
    ("linear_decay", "inverted"): "inverted",
    ("linear_decay", "off_by_one"): "off-by-one",
    ("linear_decay", "off_by_one_tau_plus_one"): "off-by-one",
    ("linear_decay", "integer_division"): "integer division",
    ("minibatches", "with_replacement"): "with replacement",
    ("minibatches", "not_shuffled"): "not shuffled",
    ("minibatches", "drops_last_batch"): "drops the last partial batch",
    ("minibatches", "global_random"): "ignores rng",
    ("minibatches", "fixed_seed"): "ignores rng",
    ("minibatches", "wrong_batch_size"): "makes batch_size batches",
    ("minibatches", "batch_size_off_by_one"): "wrong batch size",
    ("minibatches", "shuffles_batch_order"): "only the order of the batches",
    ("minibatches", "returns_list"): "returned a list; it must be a generator",
    ("momentum_step", "pytorch_units"): "pytorch's units",
    ("momentum_step", "old_velocity"): "old velocity",
    ("momentum_step", "sign_error_in_v"): "sign of the gradient term in v",
    ("momentum_step", "missing_alpha"): "α is missing",
    ("momentum_step", "in_place"): "in place",
    ("momentum_step", "returns_only_theta"): "must return a tuple (theta, v)",
    ("momentum_step", "swapped_returns"): "the returned values are in the wrong order: return theta, v",
    ("nesterov_step", "gradient_at_theta"): "rather than the look-ahead point",
    ("nesterov_step", "lookahead_minus"): "uses −αv",
    ("nesterov_step", "lookahead_without_alpha"): "misses α",
    ("nesterov_step", "old_velocity"): "old velocity",
    ("nesterov_step", "pytorch_form"): "pytorch's form of nesterov momentum, which tracks the look-ahead point",
    ("nesterov_step", "pytorch_units"): "pytorch's form of nesterov momentum in pytorch's units",
    ("nesterov_step", "grad_fn_twice"): "called grad_fn 2 times; it must evaluate the gradient once, at the "
                                        "look-ahead point θ + αv",
    ("nesterov_step", "swapped_returns"): "the returned values are in the wrong order: return theta, v",
    ("adagrad_step", "delta_inside_sqrt"): "δ is inside the square root",
    ("adagrad_step", "not_accumulated"): "not accumulated",
    ("adagrad_step", "no_sqrt"): "square root is missing",
    ("adagrad_step", "r_updated_after_step"): "updated after the step",
    ("adagrad_step", "in_place"): "modified its argument `r` in place",
    ("adagrad_step", "swapped_returns"): "the returned values are in the wrong order: return theta, r",
    ("adagrad_step", "sums_absolute_values"): "r sums |g| and the step divides by r",
    ("rmsprop_step", "delta_outside_sqrt"): "δ is outside the square root",
    ("rmsprop_step", "rho_swapped"): "ρ and 1 − ρ are swapped",
    ("rmsprop_step", "r_not_updated"): "r is not updated",
    ("rmsprop_step", "no_sqrt"): "square root is missing",
    ("rmsprop_step", "missing_one_minus_rho"): "1 − ρ is missing",
    ("rmsprop_step", "swapped_returns"): "the returned values are in the wrong order: return theta, r",
    ("rmsprop_step", "newest_weight_rho"): "the newest squared gradient gets the weight (1 − ρ)ρ",
    ("adam_step", "no_bias_correction"): "without bias correction",
    ("adam_step", "delta_inside_sqrt"): "δ is inside the square root",
    ("adam_step", "zero_based_t"): "0-based",
    ("adam_step", "zero_based_t_python_floats"): "0-based",
    ("adam_step", "t_plus_one"): "uses t + 1",
    ("adam_step", "rhos_swapped"): "ρ₁ and ρ₂ are swapped",
    ("adam_step", "moments_swapped"): "moments are swapped",
    ("adam_step", "stores_corrected"): "stored as the state",
    ("adam_step", "paper_efficient_form"): "efficient\" form",
    ("adam_step", "in_place"): "modified its argument `s` in place",
    ("adam_step", "moments_returned_swapped"): "the returned values are in the wrong order: return theta, s, r",
    ("uncorrected_step_length", "with_correction"): "the length with the bias correction",
    ("uncorrected_step_length", "simulated_with_correction"): "the length with the bias correction",
    ("uncorrected_step_length", "no_sqrt"): "the square root is missing",
    ("uncorrected_step_length", "first_step_only"): "it gives the first step's length",
    ("uncorrected_step_length", "rhos_swapped"): "ρ₁ and ρ₂ are swapped",
    ("uncorrected_step_length", "weight_of_start"): "the weight left on the zero start",
    ("uncorrected_step_length", "decaying_sum"): "the factors 1 − ρ of the averages are missing",
    ("uncorrected_step_length", "correction_factor"): "the factor the bias correction multiplies the step by",
    ("uncorrected_step_length", "zero_based_t"): "an off-by-one in t",
}

#: Right answers written independently of course.optim, as a student might.
CLEAN_SOURCE = '''
import numpy as np


def sgd_step(theta, g, lr):
    return np.subtract(theta, np.multiply(g, lr))


def sgd_noise_floor(lam, lr, sigma, m):
    if abs(1 - lr * lam) >= 1:
        return float("inf")
    return 0.5 * lam * (lr * sigma) ** 2 / m / (1 - (1 - lr * lam) ** 2)


def linear_decay(k, eps0, eps_tau, tau):
    if k >= tau:
        return eps_tau
    return eps0 + (eps_tau - eps0) * k / tau


def minibatches(n, batch_size, rng):
    order = np.arange(n)
    rng.shuffle(order)
    for i in range(0, n, batch_size):
        yield order[i:i + batch_size]


def momentum_step(theta, v, g, lr, alpha):
    new_v = alpha * v - lr * g
    return theta + new_v, new_v


def nesterov_step(theta, v, grad_fn, lr, alpha):
    look_ahead = theta + alpha * v
    new_v = alpha * v - lr * grad_fn(look_ahead)
    return theta + new_v, new_v


def adagrad_step(theta, r, g, lr, delta=1e-7):
    r = r + np.square(g)
    return theta - lr * g / (np.sqrt(r) + delta), r


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    r = rho * r + (1 - rho) * g ** 2
    return theta - lr * g / np.sqrt(r + delta), r


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    s = rho1 * s + (1 - rho1) * g
    r = rho2 * r + (1 - rho2) * g * g
    step = lr * (s / (1 - rho1 ** t)) / (np.sqrt(r / (1 - rho2 ** t)) + delta)
    return theta - step, s, r


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    return (1.0 - rho1 ** t) / np.sqrt(1.0 - rho2 ** t)
'''


def namespace(source: str, name: str = "<notebook>") -> dict:
    """Run source like a notebook cell in a fresh namespace."""
    ns: dict = {"__name__": "__main__"}
    exec(compile(source, name, "exec"), ns)
    return ns


CLEAN = namespace(CLEAN_SOURCE)


def check_of(function: str):
    return getattr(checks, f"check_{function}")


def load_mutant(path: Path):
    return namespace(path.read_text(), str(path))[path.parent.name]


def mutant_files(function: str) -> list[Path]:
    return sorted((MUTANTS / function).glob("*.py"))


def variant_files(function: str) -> list[Path]:
    return sorted((VARIANTS / function).glob("*.py"))


WRONG = [pytest.param(p, id=f"{p.parent.name}/{p.stem}")
         for f in FUNCTIONS for p in mutant_files(f) if p.stem != "calls_reference"]
RIGHT = [pytest.param(p, id=f"{p.parent.name}/{p.stem}") for f in FUNCTIONS for p in variant_files(f)]
REFERENCE_CALLERS = [pytest.param(MUTANTS / f / "calls_reference.py", id=f) for f in FUNCTIONS]


def failure(check, fn, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        check(fn, **kwargs)
    return str(info.value)


# --- Right answers pass -------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_independent_implementation_passes(function, seed):
    check_of(function)(CLEAN[function], seed=seed)
    assert_own_implementation(CLEAN[function])


@pytest.mark.parametrize("path", RIGHT)
def test_variant_passes_for_any_seed(path):
    """Every equivalent form passes visible and hidden checks, with room to spare: with
    seeds other than the notebooks' too (round-off must stay within the tolerances)."""
    fn = load_mutant(path)
    for seed in range(8):
        check_of(path.parent.name)(fn, seed=seed, reveal=seed % 2 == 0)
    assert_own_implementation(fn)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_has_three_variants(function):
    assert len(variant_files(function)) >= 3


# --- Using the course's code fails ---------------------------------------------------


@pytest.mark.parametrize("reveal", [True, False])
@pytest.mark.parametrize("path", REFERENCE_CALLERS)
def test_reference_callers_fail_the_visible_checks(path, reveal):
    function = path.parent.name
    message = failure(check_of(function), load_mutant(path), reveal=reveal)
    assert message.startswith(f"{function} calls course.optim."), message
    assert "the course's reference code: write the" in message, message


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_reference_itself_fails_the_visible_check(function):
    message = failure(check_of(function), getattr(optim, function))
    assert message.startswith(f"{function} calls course.optim.{function}, the course's reference code"), message


def test_reference_reached_at_run_time_fails_the_visible_check():
    # No course name anywhere in the code: only the disabled references can see this call.
    ns = namespace(
        "import sys\n"
        "def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):\n"
        "    module = sys.modules[''.join(['cou', 'rse.optim'])]\n"
        "    return module.adam_step(theta, s, r, g, t, lr, rho1, rho2, delta)\n"
    )
    reference = optim.adam_step
    assert failure(checks.check_adam_step, ns["adam_step"], reveal=False).startswith(
        "adam_step calls course.optim.adam_step, the course's reference code")
    assert optim.adam_step is reference


# --- Mutants fail, with their diagnosis ---------------------------------------------


def test_every_mutant_has_an_expected_diagnosis():
    """Each file of tests/mutants/ (but the reference callers) has its expected message."""
    found = {(p.parent.name, p.stem) for f in FUNCTIONS for p in mutant_files(f) if p.stem != "calls_reference"}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_has_four_mutants_and_a_reference_caller(function):
    stems = [p.stem for p in mutant_files(function)]
    assert "calls_reference" in stems
    assert len(stems) - 1 >= 4


@pytest.mark.parametrize("path", WRONG)
def test_mutant_fails_with_its_diagnosis(path):
    function = path.parent.name
    message = failure(check_of(function), load_mutant(path))
    assert EXPECTED[function, path.stem].lower() in message.lower(), message


@pytest.mark.parametrize("path", WRONG)
def test_hidden_failure_keeps_inputs_out(path):
    function = path.parent.name
    message = failure(check_of(function), load_mutant(path), seed=2718, reveal=False)
    assert EXPECTED[function, path.stem].lower() in message.lower(), message
    assert not re.search(r"\d\.\d|\d[eE]-?\d", message), message
    assert "Example" not in message and not re.search(r"\[\s*-?\d", message), message


#: Mutants whose mistake no example of values shows: the inputs changed in place, the
#: dtype, the rng ignored, a list for a generator, one value for a tuple, two gradient
#: calls, an exception on the first call (their messages say what is wrong: EXPECTED).
#: Every other mutant's visible failure shows an example.
WITHOUT_EXAMPLE = {
    "sgd_step/in_place", "sgd_step/upcasts_to_float64", "minibatches/fixed_seed", "minibatches/global_random",
    "minibatches/returns_list", "momentum_step/in_place", "momentum_step/returns_only_theta",
    "nesterov_step/grad_fn_twice", "adagrad_step/in_place", "adam_step/in_place",
    "uncorrected_step_length/zero_based_t",
}


def test_the_mutants_without_an_example_exist():
    assert WITHOUT_EXAMPLE <= {param.id for param in WRONG}


@pytest.mark.parametrize("path", [param for param in WRONG if param.id not in WITHOUT_EXAMPLE])
def test_visible_failure_shows_an_example(path):
    """The message shows one example: the inputs, what was expected, and what the
    student's code gave (values, or the batches it yielded)."""
    function = path.parent.name
    message = failure(check_of(function), load_mutant(path))
    assert "Example" in message and "expected" in message, message
    assert re.search(r"\b(got|yielded)\b", message), message


def test_mutant_files_document_their_mistake():
    for function in FUNCTIONS:
        for path in mutant_files(function):
            source = path.read_text()
            assert source.startswith('"""'), path
            assert f"def {function}(" in source, path


# --- Exceptions ---------------------------------------------------------------------


def unfinished(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("function", FUNCTIONS)
def test_not_implemented_error_passes_through(function):
    with pytest.raises(NotImplementedError):
        check_of(function)(unfinished)
    with pytest.raises(NotImplementedError):
        check_of(function)(unfinished, seed=1, reveal=False)


def test_not_implemented_error_passes_through_assert_own_implementation():
    def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        assert_own_implementation(adam_step)


def test_other_exceptions_say_which_call_failed():
    def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
        return theta - lr * np.ones(3) * g, s, r  # broadcasting error for 5-vectors

    with pytest.raises(AssertionError, match=r"adam_step raised ValueError: .* when called as adam_step\(") as info:
        checks.check_adam_step(adam_step)
    assert isinstance(info.value.__cause__, ValueError)


def test_failures_are_check_failed_assertion_errors():
    def sgd_step(theta, g, lr):
        return theta + lr * g

    with pytest.raises(AssertionError) as info:
        checks.check_sgd_step(sgd_step)
    assert type(info.value) is CheckFailed


def test_grad_fn_never_called_is_explained():
    def nesterov_step(theta, v, grad_fn, lr, alpha):
        return theta + alpha * v, alpha * v

    assert "called grad_fn 0 times" in failure(checks.check_nesterov_step, nesterov_step)


def test_returned_none_is_explained():
    def momentum_step(theta, v, g, lr, alpha):
        v = alpha * v - lr * g

    assert "return` missing" in failure(checks.check_momentum_step, momentum_step)


def test_changed_default_is_reported():
    def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-7):
        return CLEAN["adam_step"](theta, s, r, g, t, lr, rho1, rho2, delta)

    assert "default of `delta`" in failure(checks.check_adam_step, adam_step)
    hidden = failure(checks.check_adam_step, adam_step, reveal=False)
    assert "default of `delta`" in hidden and not re.search(r"\d", hidden)


def test_minibatches_yielding_floats_is_explained():
    def minibatches(n, batch_size, rng):
        order = rng.permutation(n).astype(float)
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size]

    assert "integer indices" in failure(checks.check_minibatches, minibatches)


def test_minibatches_yielding_lists_is_explained():
    def minibatches(n, batch_size, rng):
        order = rng.permutation(n).tolist()
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size]

    assert "must yield NumPy arrays of indices" in failure(checks.check_minibatches, minibatches)


# --- assert_own_implementation ------------------------------------------------------


@pytest.mark.parametrize("path", REFERENCE_CALLERS)
def test_reference_callers_are_caught(path):
    with pytest.raises(CheckFailed, match=f"{path.parent.name} calls course.optim.* the course's reference code"):
        assert_own_implementation(load_mutant(path))


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_reference_itself_is_caught(function):
    with pytest.raises(CheckFailed, match=f"{function} calls course.optim.{function}, the course's reference code"):
        assert_own_implementation(getattr(optim, function))


def test_reference_through_a_global_alias_is_caught():
    ns = namespace(
        "import numpy as np\n"
        "from course.optim import momentum_step as helper\n"
        "def momentum_step(theta, v, g, lr, alpha):\n"
        "    return helper(theta, v, g, lr, alpha)\n"
    )
    with pytest.raises(AssertionError, match=r"calls course\.optim\.momentum_step, "):
        assert_own_implementation(ns["momentum_step"])


def test_reference_through_a_notebook_helper_is_caught():
    ns = namespace(
        "import course.optim as co\n"
        "def _update(theta, g, lr):\n"
        "    return co.sgd_step(theta, g, lr)\n"
        "def sgd_step(theta, g, lr):\n"
        "    return _update(theta, g, lr)\n"
    )
    with pytest.raises(AssertionError, match="course.optim"):
        assert_own_implementation(ns["sgd_step"])


def test_hidden_reference_call_is_caught_at_run_time_and_restored():
    # No course name anywhere in the code: only the sentinels can see this call.
    ns = namespace(
        "import sys\n"
        "def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):\n"
        "    module = sys.modules[''.join(['cou', 'rse.optim'])]\n"
        "    try:\n"
        "        return module.adam_step(theta, s, r, g, t, lr, rho1, rho2, delta)\n"
        "    except Exception:\n"
        "        return theta, s, r\n"
    )
    reference = optim.adam_step
    with pytest.raises(AssertionError, match="calls course.optim.adam_step, "):
        assert_own_implementation(ns["adam_step"])
    assert optim.adam_step is reference
    assert sys.modules["course.optim.steps"].adam_update.__module__ == "course.optim.steps"


def test_clean_function_in_a_namespace_with_course_imports_passes():
    ns = namespace(
        "import numpy as np\n"
        "from course.checks import check_sgd_step, exercise_demo\n"
        "from course import optim\n"
        "def sgd_step(theta, g, lr):\n"
        "    return theta - lr * g\n"
    )
    assert_own_implementation(ns["sgd_step"])


# --- exercise_demo ------------------------------------------------------------------


def test_exercise_demo_turns_not_implemented_into_a_hint(capsys):
    with exercise_demo("sgd_step"):
        unfinished()
        print("not reached")
    out = capsys.readouterr().out
    assert out.strip() == "⏳ Implement `sgd_step` above to see this demo."


def test_exercise_demo_runs_a_finished_demo_quietly(capsys):
    with exercise_demo("sgd_step"):
        print("demo output")
    assert capsys.readouterr().out == "demo output\n"


def test_exercise_demo_lets_other_errors_through():
    with pytest.raises(ValueError):
        with exercise_demo("sgd_step"):
            raise ValueError("a bug in the demo")


def test_exercise_demo_names_every_exercise_it_needs(capsys):
    with exercise_demo("sgd_step", "linear_decay", "minibatches"):
        unfinished()
    out = capsys.readouterr().out
    assert out.strip() == "⏳ Implement `sgd_step`, `linear_decay`, `minibatches` above to see this demo."


# --- What a student sees -------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CHECKER = str(REPO / "course")


def test_rendered_failure_shows_the_message_then_the_students_frames_only(tmp_path):
    cell = tmp_path / "cell.py"  # a file, so that the traceback can quote its lines
    cell.write_text(
        "import numpy as np\n"
        "def helper(x):\n"
        "    return x.T @ np.ones(3)\n"
        "def sgd_step(theta, g, lr):\n"
        "    return theta - lr * helper(g)\n"
    )
    ns = namespace(cell.read_text(), str(cell))
    with pytest.raises(CheckFailed) as info:
        checks.check_sgd_step(ns["sgd_step"])
    lines = [ANSI.sub("", line) for line in info.value._render_traceback_()]
    assert lines[0].startswith("CheckFailed: sgd_step raised ValueError: "), lines
    text = "\n".join(lines)
    assert "in sgd_step" in text and "in helper" in text and "x.T @ np.ones(3)" in text, text
    assert CHECKER not in text, text


def test_rendered_failure_without_a_cause_is_the_message_alone():
    def momentum_step(theta, v, g, lr, alpha):
        v = alpha * v - lr * g
        return v, theta + v

    with pytest.raises(CheckFailed) as info:
        checks.check_momentum_step(momentum_step)
    assert info.value._render_traceback_() == [f"\x1b[31mCheckFailed\x1b[39m: {info.value}"]


STUDENT_CELLS = {
    "setup": "import numpy as np\nfrom course.checks import check_adam_step, check_sgd_step",
    "wrong values": (
        "def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):\n"
        "    return theta - lr * g, s, r\n"
        "check_adam_step(adam_step)"
    ),
    "raises": (
        "def sgd_step(theta, g, lr):\n"
        "    return theta - lr * g.T @ np.ones(3)\n"
        "check_sgd_step(sgd_step)"
    ),
    "unfinished": (
        "def sgd_step(theta, g, lr):\n"
        "    raise NotImplementedError()\n"
        "check_sgd_step(sgd_step)"
    ),
    "unfinished, lecture 02": (
        "from course.checks import check_hessian_eigs\n"
        "def hessian_eigs(w1, w2):\n"
        "    raise NotImplementedError()\n"
        "check_hessian_eigs(hessian_eigs)"
    ),
}


@pytest.fixture(scope="module")
def student_errors() -> dict[str, nbformat.NotebookNode]:
    """The error output of each of STUDENT_CELLS, run in a Jupyter kernel as a student does."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in STUDENT_CELLS.values()])
    nbclient.NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=60,
                            resources={"metadata": {"path": str(REPO)}}).execute()
    return {label: next((o for o in cell.outputs if o.output_type == "error"), None)
            for label, cell in zip(STUDENT_CELLS, nb.cells)}


def test_a_failing_check_in_jupyter_shows_only_its_message(student_errors):
    error = student_errors["wrong values"]
    assert error.ename == "CheckFailed"
    assert [ANSI.sub("", line) for line in error.traceback] == [f"CheckFailed: {error.evalue}"]
    assert error.evalue.startswith("adam_step gives wrong values of `theta`")


def test_a_check_whose_function_raised_in_jupyter_shows_the_students_cell(student_errors):
    assert student_errors["setup"] is None
    error = student_errors["raises"]
    lines = [ANSI.sub("", line) for line in error.traceback]
    assert lines[0].startswith("CheckFailed: sgd_step raised ValueError: "), lines
    text = "\n".join(lines)
    assert "Cell In[3], line 2, in sgd_step" in text and "g.T @ np.ones(3)" in text, text
    assert CHECKER not in text and "course/checks" not in text, text


@pytest.mark.parametrize("cell", ["unfinished", "unfinished, lecture 02"])
def test_an_unfinished_exercise_in_jupyter_shows_only_the_students_frames(student_errors, cell):
    error = student_errors[cell]
    assert error.ename == "NotImplementedError"
    text = ANSI.sub("", "\n".join(error.traceback))
    assert "raise NotImplementedError()" in text and "check_" in text, text
    assert "course/checks" not in text and "skipping hidden" not in text, text


@pytest.mark.parametrize("check", [checks.check_sgd_step, checks.check_minibatches, checks.check_adam_step])
def test_tracebacks_of_unfinished_exercises_hide_the_checker(check):
    """IPython skips frames whose locals hold __tracebackhide__: a student sees the
    failing cell and their own `raise NotImplementedError()`, not the checker's code."""
    with pytest.raises(NotImplementedError) as info:
        check(unfinished)
    tb, checker_frames = info.value.__traceback__, 0
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith("course.checks"):
            checker_frames += 1
            assert tb.tb_frame.f_locals.get("__tracebackhide__"), tb.tb_frame.f_code.co_name
        tb = tb.tb_next
    assert checker_frames >= 2
