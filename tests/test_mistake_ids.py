"""Every known mistake of the checks has a stable identifier ``<function>/<slug>``.

The autograder records the identifier a failing check names (``CheckFailed.mistake``)
and the instructor's report counts it, so identifiers must be unique, one per mistake,
and independent of the message's wording. tests/test_mutants.py proves that every
mutant's visible test cell names the identifier of its ``# mistake:`` line.
"""

from __future__ import annotations

import dataclasses
import importlib
import pickle
import pkgutil
import re

import numpy as np
import pytest

import course.checks
from course.checks import CheckFailed, check_sgd_step
from course.checks.common import Exercise, Mistake, verify
from course.checks.failure import MISTAKE_LABEL, mistake_id
from course.checks.secondorder.line_search_solvers import InverseBFGS, PolakRibiere
from course.checks.sgd import SGD, _sgd_cases

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _modules():
    for info in pkgutil.walk_packages(course.checks.__path__, "course.checks."):
        yield importlib.import_module(info.name)


def exercises() -> dict[str, Exercise]:
    """Every Exercise defined in a module of course.checks, by function name."""
    return {value.name: value for module in _modules() for value in vars(module).values()
            if isinstance(value, Exercise)}


def mistake_tables() -> dict[str, tuple[Mistake, ...]]:
    """Module-level tuples of mistakes that are not an Exercise's (e.g. conjugate_gradient's)."""
    return {f"{module.__name__}.{name}": value for module in _modules() for name, value in vars(module).items()
            if isinstance(value, tuple) and value and all(isinstance(v, Mistake) for v in value)}


def test_every_exercise_is_found():
    assert {"sgd_step", "adam_step", "batchnorm_backward", "bfgs_inverse_update"} <= set(exercises())


@pytest.mark.parametrize("name", sorted(exercises()))
def test_every_mistake_has_a_slug_unique_to_its_diagnosis(name):
    """One slug per diagnosis and one diagnosis per slug, in an exercise."""
    mistakes = exercises()[name].known_mistakes
    bad = [m.diagnosis[:60] for m in mistakes if not SLUG.match(m.slug)]
    assert not bad, f"mistakes of {name} without a slug (Mistake(..., slug='a-b-c')): {bad}"
    by_slug: dict[str, set[str]] = {}
    by_text: dict[str, set[str]] = {}
    for m in mistakes:
        by_slug.setdefault(m.slug, set()).add(m.diagnosis)
        by_text.setdefault(m.diagnosis, set()).add(m.slug)
    assert all(len(texts) == 1 for texts in by_slug.values()), \
        {slug: texts for slug, texts in by_slug.items() if len(texts) > 1}
    assert all(len(slugs) == 1 for slugs in by_text.values()), \
        {text[:60]: slugs for text, slugs in by_text.items() if len(slugs) > 1}


@pytest.mark.parametrize("table", sorted(mistake_tables()))
def test_every_mistake_table_has_unique_slugs(table):
    mistakes = mistake_tables()[table]
    assert all(SLUG.match(m.slug) for m in mistakes)
    assert len({m.slug for m in mistakes}) == len({m.diagnosis for m in mistakes})


@pytest.mark.parametrize("rule", [PolakRibiere, InverseBFGS])
def test_line_search_solvers_name_their_mistakes_with_unique_slugs(rule):
    directions = rule(3)
    g = np.array([1.0, -2.0, 0.5])
    directions.learn(-g, g, np.array([0.1, 0.2, -0.1]), np.array([0.3, 0.1, 0.2]))
    named = list(directions.candidates(1, np.array([0.5, -1.0, 0.2])))
    slugs = [slug for slug, _ in named]
    assert named and all(SLUG.match(slug) for slug in slugs)
    assert len(set(slugs)) == len(slugs)


def _sign_error(theta, g, lr):
    return theta + lr * g


def test_the_identifier_does_not_depend_on_the_wording():
    """Rewording a mistake's diagnosis changes the message, not the identifier."""
    reworded = dataclasses.replace(SGD, mistakes=tuple(
        dataclasses.replace(m, diagnosis=f"reworded {i}") for i, m in enumerate(SGD.mistakes)))
    with pytest.raises(CheckFailed) as original:
        check_sgd_step(_sign_error)
    with pytest.raises(CheckFailed) as other:
        verify(reworded, _sign_error, _sgd_cases(0), True)
    assert original.value.mistake == other.value.mistake == "sgd_step/sign-error"
    assert "reworded" in str(other.value) and "reworded" not in str(original.value)


def test_a_check_failed_ends_with_its_identifier_and_survives_pickling():
    named = CheckFailed("it is wrong", "sgd_step/sign-error")
    assert named.message == "it is wrong"
    assert str(named) == f"it is wrong\n{MISTAKE_LABEL}sgd_step/sign-error"
    copy = pickle.loads(pickle.dumps(named))
    assert (copy.message, copy.mistake, str(copy)) == (named.message, named.mistake, str(named))
    unnamed = CheckFailed("no known mistake")
    assert unnamed.mistake is None and str(unnamed) == "no known mistake"
    assert mistake_id("sgd_step", "") is None and mistake_id("sgd_step", "in-place") == "sgd_step/in-place"
