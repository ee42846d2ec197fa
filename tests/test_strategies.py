"""Lecture 09's reference code: exactly blurred objectives and continuation, networks with
their own seeds and skip connections trained as one batch, and the curriculum,
pretraining and skip-connection experiments (small sizes; the lecture's sizes are run by
tests/test_widgets_strategies.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq, minimize_scalar
from scipy.special import logsumexp, roots_hermitenorm

from course.backend import to_numpy
from course.data import spirals
from course.gradcheck import numerical_gradient, rel_error
from course.nn import Sequential, mlp
from course.strategies import curriculum, networks, pretraining, skip
from course.strategies.smoothing import (
    SmoothedObjective, continuation, continuation_path, convexity_sigma, egg_crate, narrow_well, ripples, two_scales,
)

LANDSCAPES_1D = {"ripples": ripples, "two scales": two_scales, "narrow well": narrow_well}
NODES, WEIGHTS = roots_hermitenorm(60)  # ∫ f(z) e^{−z²/2} dz = Σ w f(x)
WEIGHTS = WEIGHTS / math.sqrt(2 * math.pi)  # E[f(z)] for z ~ N(0, 1)


def blurred_by_quadrature(J: SmoothedObjective, theta: np.ndarray, sigma: float) -> float:
    """E[J(θ + σz)] by adaptive quadrature against the normal density (1-D) or by
    Gauss–Hermite quadrature on a tensor grid (2-D): an independent oracle."""
    if sigma == 0:
        return float(J.value(theta))
    if J.dim == 1:
        density = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
        integrand = lambda z: float(J.value(theta + sigma * np.array([z]))) * density(z)  # noqa: E731
        return quad(integrand, -12, 12, points=[((m - theta[0]) / sigma) for m in (2.2,)], epsabs=1e-13,
                    epsrel=1e-13, limit=400)[0]
    z1, z2 = np.meshgrid(NODES, NODES, indexing="ij")
    points = theta + sigma * np.stack([z1, z2], axis=-1)
    return float(np.sum(np.outer(WEIGHTS, WEIGHTS) * np.asarray(J.value(points))))


# --- blurred objectives -----------------------------------------------------------------------


@pytest.mark.parametrize("name", LANDSCAPES_1D)
@pytest.mark.parametrize("sigma", [0.0, 0.05, 0.3, 1.0])
def test_blur_is_the_expectation_over_gaussian_perturbations(name, sigma):
    J = LANDSCAPES_1D[name]()
    for theta in (-2.3, 0.4, 2.2):
        exact = float(J.value(np.array([theta]), sigma))
        assert exact == pytest.approx(blurred_by_quadrature(J, np.array([theta]), sigma), abs=1e-9)


@pytest.mark.parametrize("sigma", [0.0, 0.4, 1.2])
def test_blur_is_exact_in_two_dimensions(sigma):
    J = SmoothedObjective(2, 0.7, center=(0.2, -0.5), amplitudes=(1.0, 0.4), frequencies=((2.0, 1.0), (0.0, 3.0)),
                          phases=(0.3, -1.0), depths=(0.8,), centers=((1.0, 0.5),), widths=(0.8,))
    for theta in ([0.1, 0.2], [-1.0, 1.5]):
        theta = np.array(theta)
        assert float(J.value(theta, sigma)) == pytest.approx(blurred_by_quadrature(J, theta, sigma), abs=1e-9)


def test_a_cosine_blurs_to_a_damped_cosine_and_a_bowl_gains_a_constant():
    J = SmoothedObjective(1, 0.0, amplitudes=(-1.0,), frequencies=((3.0,),))  # J(θ) = cos 3θ
    theta = np.linspace(-2, 2, 9)[:, None]
    np.testing.assert_allclose(J.value(theta, 0.5), np.cos(3 * theta[:, 0]) * math.exp(-9 * 0.25 / 2), rtol=1e-14)
    bowl = SmoothedObjective(3, 2.0, center=(1.0, 0.0, -1.0))
    x = np.array([0.5, 0.5, 0.5])
    assert float(bowl.value(x, 0.7)) == pytest.approx(float(bowl.value(x)) + 0.5 * 2.0 * 3 * 0.49, rel=1e-14)


@pytest.mark.parametrize("make", [ripples, two_scales, narrow_well, egg_crate])
def test_gradient_and_hessian_match_finite_differences(xp, make):
    J = make()
    theta = xp.asarray(np.linspace(-1.3, 1.7, J.dim))
    for sigma in (0.0, 0.3):
        g = J.grad(theta, sigma)
        assert rel_error(g, numerical_gradient(lambda t: J.value(t, sigma), theta)) < 1e-7
        H = to_numpy(J.hessian(theta, sigma))
        for i in range(J.dim):
            column = numerical_gradient(lambda t: J.grad(t, sigma)[i], theta)
            assert rel_error(H[i], column) < 1e-6
        np.testing.assert_allclose(H, H.T, rtol=1e-12)


def test_batches_of_points_give_one_value_per_point(xp):
    J = egg_crate()
    points = xp.asarray(np.random.default_rng(0).uniform(-2, 2, (4, 5, 2)))
    values, grads, hessians = J.value(points, 0.2), J.grad(points, 0.2), J.hessian(points, 0.2)
    assert tuple(values.shape) == (4, 5) and tuple(grads.shape) == (4, 5, 2) and tuple(hessians.shape) == (4, 5, 2, 2)
    one = points[1, 3, :]
    assert float(values[1, 3]) == pytest.approx(float(J.value(one, 0.2)), rel=1e-14)
    np.testing.assert_allclose(to_numpy(grads[1, 3, :]), to_numpy(J.grad(one, 0.2)), rtol=1e-13)


def test_the_landscapes_have_the_minima_the_lecture_describes():
    grid = np.linspace(-3, 3, 6001)[:, None]
    argmin = lambda J, sigma=0.0: grid[int(np.argmin(J.value(grid, sigma))), 0]  # noqa: E731
    assert argmin(ripples()) == pytest.approx(0.0, abs=1e-3)
    assert argmin(two_scales()) == pytest.approx(1.633, abs=2e-3)
    well = narrow_well()
    assert argmin(well) == pytest.approx(2.203, abs=2e-3)
    # the failure case: a little blur already moves the minimum to the broad basin at 0
    assert argmin(well, 0.15) == pytest.approx(0.0, abs=1e-3)
    values = ripples().value(grid)
    local = [grid[i, 0] for i in range(1, len(grid) - 1) if values[i] < values[i - 1] and values[i] < values[i + 1]]
    np.testing.assert_allclose(local, [-2.46, -1.23, 0.0, 1.23, 2.46], atol=0.01)


def test_objectives_refuse_bad_input():
    J = ripples()
    with pytest.raises(ValueError, match=r"theta must have shape \(\.\.\., 1\)"):
        J.value(np.zeros(2))
    with pytest.raises(ValueError, match="sigma must be non-negative"):
        J.grad(np.zeros(1), -0.1)
    with pytest.raises(TypeError, match="floating dtype"):
        J.value(np.zeros(1, dtype=np.int64))
    with pytest.raises(ValueError, match="one row per amplitude"):
        SmoothedObjective(1, 1.0, amplitudes=(1.0, 2.0), frequencies=((1.0,),))
    with pytest.raises(ValueError, match="must have 2 entries"):
        SmoothedObjective(2, 1.0, amplitudes=(1.0,), frequencies=((1.0,),))
    with pytest.raises(ValueError, match="widths.*positive"):
        SmoothedObjective(1, 1.0, depths=(1.0,), centers=((0.0,),), widths=(0.0,))
    with pytest.raises(ValueError, match="a must be non-negative"):
        SmoothedObjective(1, -1.0)


# --- continuation --------------------------------------------------------------------------


def by_hand(grad, x0, sigmas, lr, steps):
    """Continuation written out with explicit indices."""
    x = np.array(x0, dtype=np.float64)
    ends = []
    for i in range(len(sigmas)):
        for _ in range(steps):
            x = x - lr * np.asarray(grad(x, sigmas[i]))
        ends.append(x.copy())
    return x, ends


def test_continuation_is_gradient_descent_on_each_level_from_the_last_end(xp):
    J = egg_crate()
    x0 = xp.asarray([2.1, -1.7])
    sigmas = [0.3, 1.0, 0.0]  # in the order given, not sorted
    before = to_numpy(x0).copy()
    x, ends = continuation(J.grad, x0, sigmas, 0.1, 25)
    expected_x, expected_ends = by_hand(lambda t, s: to_numpy(J.grad(xp.asarray(t), s)), before, sigmas, 0.1, 25)
    np.testing.assert_array_equal(to_numpy(x0), before)
    assert len(ends) == 3
    for end, expected in zip(ends, expected_ends):
        np.testing.assert_allclose(to_numpy(end), expected, rtol=1e-12)
    np.testing.assert_allclose(to_numpy(x), expected_x, rtol=1e-12)
    path = continuation_path(J.grad, x0, sigmas, 0.1, 25)
    assert tuple(path.shape) == (76, 2)
    for i, end in enumerate(ends):
        np.testing.assert_array_equal(to_numpy(path[(i + 1) * 25, :]), to_numpy(end))


def test_the_ends_are_new_arrays():
    x0 = np.array([1.0, -1.0])
    x, ends = continuation(lambda t, s: 2 * t, x0, [1.0, 0.5], 0.1, 3)
    assert ends[0] is not ends[1] and not np.shares_memory(ends[0], ends[1])
    assert not np.shares_memory(ends[0], x0)
    np.testing.assert_allclose(x, x0 * 0.8**6)
    x, ends = continuation(lambda t, s: 2 * t, x0, [1.0, 0.5], 0.1, 0)
    np.testing.assert_array_equal(ends[0], x0)
    np.testing.assert_array_equal(ends[1], x0)
    assert ends[0] is not x0


def test_continuation_finds_the_global_minimum_where_gradient_descent_does_not():
    starts = np.round(np.arange(-2.8, 2.81, 0.4), 1)[:, None]
    schedule = [2.0, 1.4, 1.0, 0.7, 0.5, 0.35, 0.25, 0.15, 0.08, 0.0]
    for J, lr, best in ((ripples(), 0.05, 0.0), (two_scales(), 0.05, 1.633)):
        x, _ = continuation(J.grad, starts, schedule, lr, 150)
        np.testing.assert_allclose(x[:, 0], best, atol=2e-3)
        stuck, _ = continuation(J.grad, starts, [0.0], lr, 1500)
        assert np.sum(np.abs(stuck[:, 0] - best) > 0.1) >= len(starts) // 2
    # and the failure: a narrow global well that blurring erases
    well = narrow_well()
    x, _ = continuation(well.grad, starts, schedule, 0.01, 150)
    np.testing.assert_allclose(x[:, 0], 0.0, atol=2e-3)
    found, _ = continuation(well.grad, np.array([[2.0], [2.4], [2.8]]), [0.0], 0.01, 1500)
    np.testing.assert_allclose(found[:, 0], 2.203, atol=2e-3)


def test_continuation_refuses_bad_input():
    grad = lambda t, s: t  # noqa: E731
    x0 = np.ones(2)
    with pytest.raises(ValueError, match="sigmas is empty"):
        continuation(grad, x0, [], 0.1, 3)
    with pytest.raises(ValueError, match=r"sigmas\[1\] must be non-negative"):
        continuation(grad, x0, [1.0, -0.5], 0.1, 3)
    with pytest.raises(TypeError, match="sigmas must be a sequence"):
        continuation(grad, x0, 0.5, 0.1, 3)
    with pytest.raises(ValueError, match="lr must be positive"):
        continuation(grad, x0, [1.0], 0.0, 3)
    with pytest.raises(TypeError, match="steps must be an integer"):
        continuation(grad, x0, [1.0], 0.1, 2.5)
    with pytest.raises(TypeError, match="grad must be a function"):
        continuation(None, x0, [1.0], 0.1, 3)
    with pytest.raises(ValueError, match="g has shape"):
        continuation(lambda t, s: t[:1], x0, [1.0], 0.1, 3)


def test_convexity_sigma_is_where_the_smallest_curvature_of_the_blur_is_zero():
    theta = np.linspace(-10, 10, 20001)[:, None]  # a whole period 2π/ω of every ripple below
    for a, b, omega in ((0.5, 1.0, 5.0), (2.0, 0.3, 4.0), (0.1, 3.0, 0.7)):
        J = SmoothedObjective(1, a, amplitudes=(b,), frequencies=((omega,),))
        sigma = convexity_sigma(a, b, omega)
        assert float(np.min(J.hessian(theta, sigma))) == pytest.approx(0.0, abs=1e-6 * a)
        assert float(np.min(J.hessian(theta, 0.99 * sigma))) < 0
        found = brentq(lambda s: a - b * omega**2 * math.exp(-0.5 * omega**2 * s**2), 0, 10, xtol=1e-14)
        assert sigma == pytest.approx(found, rel=1e-10)
    assert convexity_sigma(0.5, 1.0, 5.0) == pytest.approx(math.sqrt(2 * math.log(50)) / 5)
    assert convexity_sigma(3.0, 1.0, 1.5) == 0.0  # b ω² = 2.25 ≤ a: convex already
    with pytest.raises(ValueError, match="omega must be positive"):
        convexity_sigma(1.0, 1.0, 0.0)


# --- batched networks with their own seeds ------------------------------------------------


def test_model_k_of_a_seeded_mlp_is_the_mlp_of_seed_k(xp):
    X = xp.asarray(np.random.default_rng(0).standard_normal((7, 2)))
    batched = networks.seeded_mlp((2, 5, 4, 3), [3, 11], xp=xp)
    for k, seed in enumerate((3, 11)):
        single = mlp((2, 5, 4, 3), seed=seed, xp=xp)
        np.testing.assert_allclose(to_numpy(batched.inference(X))[k], to_numpy(single.inference(X)), rtol=1e-13)


def _block_loss(block, x, R):
    return float(np.sum(to_numpy(block.forward(x)) * R))


def test_block_backward_matches_finite_differences_with_and_without_the_skip(xp):
    rng = np.random.default_rng(1)
    rngs = [np.random.default_rng(s) for s in (0, 1)]
    block = networks.Block(4, rngs, [0.0, 1.0], activation="tanh", xp=xp)
    x = xp.asarray(rng.standard_normal((2, 3, 4)))
    R = rng.standard_normal((2, 3, 4))
    block.forward(x)
    dx = block.backward(xp.asarray(R))
    W = block.W

    def loss_in_x(v):
        return _block_loss(block, v, R)

    assert rel_error(dx, numerical_gradient(loss_in_x, x)) < 1e-7
    block.forward(x)
    block.backward(xp.asarray(R))
    dW = block.gradients()[0]

    def loss_in_W(v):
        block.W = v
        return _block_loss(block, x, R)

    numeric = numerical_gradient(loss_in_W, W)
    block.W = W
    assert rel_error(dW, numeric) < 1e-7
    # model 0 has no skip: its output is tanh(xW) alone
    np.testing.assert_allclose(to_numpy(block.forward(x))[0], np.tanh(to_numpy(x)[0] @ to_numpy(W)[0]), rtol=1e-13)


def test_residual_backward_matches_finite_differences_and_the_block(xp):
    rng = np.random.default_rng(2)
    h, W, R = (xp.asarray(rng.standard_normal(s)) for s in ((5, 3), (3, 3), (5, 3)))
    dh, dW = networks.residual_backward(h, W, R)

    def loss(h_, W_):
        return float(xp.sum((h_ + xp.where(h_ @ W_ > 0, h_ @ W_, xp.zeros_like(h_ @ W_))) * R))

    assert rel_error(dh, numerical_gradient(lambda v: loss(v, W), h)) < 1e-7
    assert rel_error(dW, numerical_gradient(lambda v: loss(h, v), W)) < 1e-7
    block = networks.Block(3, [np.random.default_rng(0)], 1.0, xp=xp)
    block.W = xp.reshape(W, (1, 3, 3))
    block.forward(xp.reshape(h, (1, 5, 3)))
    np.testing.assert_allclose(to_numpy(block.backward(xp.reshape(R, (1, 5, 3))))[0], to_numpy(dh), rtol=1e-13)
    np.testing.assert_allclose(to_numpy(block.gradients()[0])[0], to_numpy(dW), rtol=1e-13)
    with pytest.raises(ValueError, match=r"W \(d, d\)"):
        networks.residual_backward(h, xp.zeros((3, 2), dtype=xp.float64), R)


def test_per_model_cross_entropy_and_its_gradient(xp):
    rng = np.random.default_rng(3)
    logits, y = rng.standard_normal((2, 4, 3)) * 3, rng.integers(0, 3, (2, 4))
    loss_fn = networks.PerModelCrossEntropy()
    loss = to_numpy(loss_fn.forward(xp.asarray(logits), xp.asarray(y)))
    expected = np.mean(logsumexp(logits, axis=-1) - np.take_along_axis(logits, y[..., None], -1)[..., 0], axis=-1)
    np.testing.assert_allclose(loss, expected, rtol=1e-13)
    grad = loss_fn.backward()
    for k in range(2):
        numeric = numerical_gradient(
            lambda z: networks.PerModelCrossEntropy().forward(xp.reshape(z, (1, 4, 3)), xp.asarray(y[k:k + 1]))[0],
            xp.asarray(logits[k]))
        np.testing.assert_allclose(to_numpy(grad[k, ...]), to_numpy(numeric), atol=1e-9)
    accuracy = to_numpy(loss_fn.accuracy())
    np.testing.assert_allclose(accuracy, np.mean(np.argmax(logits, -1) == y, axis=-1))
    with pytest.raises(ValueError, match=r"y must have shape \(2, 4\) or \(4,\)"):
        loss_fn.forward(xp.asarray(logits), xp.asarray(y[:, :3]))


def test_fit_trains_each_model_as_if_it_were_alone():
    X, y = spirals(20, 3, seed=0)
    rows = np.random.default_rng(0).integers(0, 60, (30, 2, 8))
    together = networks.seeded_mlp((2, 6, 3), [0, 1])
    losses = networks.fit(together, X, y, lambda k: rows[k], 30, 0.1)
    for k, seed in enumerate((0, 1)):
        alone = networks.seeded_mlp((2, 6, 3), [seed])
        single = networks.fit(alone, X, y, lambda j: rows[j, k:k + 1], 30, 0.1)
        np.testing.assert_allclose(losses[k], single[0], rtol=1e-12)
        np.testing.assert_allclose(to_numpy(together.parameters()[0])[k], to_numpy(alone.parameters()[0])[0],
                                   rtol=1e-12)
    assert losses[:, -1].max() < losses[:, 0].min()


def test_fit_trains_only_the_layers_it_is_given_and_freezes_per_model():
    X, y = spirals(20, 3, seed=0)
    model = networks.seeded_mlp((2, 6, 6, 3), [0, 1])
    second, head = model.layers[2], model.layers[4]
    before = [np.array(to_numpy(p)) for p in model.parameters()]
    networks.fit(model, X, y, lambda k: np.tile(np.arange(8), (2, 1)), 5, 0.1, layers=[second, head],
                 frozen={0: np.array([True, False])})
    after = [to_numpy(p) for p in model.parameters()]
    np.testing.assert_array_equal(after[0], before[0])  # the first layer was not in `layers`
    np.testing.assert_array_equal(after[2][0], before[2][0])  # the second: frozen in model 0
    assert not np.allclose(after[2][1], before[2][1])  # ... and trained in model 1
    assert not np.allclose(after[4], before[4])
    with pytest.raises(ValueError, match=r"sample\(0\) must return a \(2, B\) array"):
        networks.fit(model, X, y, lambda k: np.arange(8), 1, 0.1)
    with pytest.raises(ValueError, match="frozen names layers by their index"):
        networks.fit(model, X, y, lambda k: np.tile(np.arange(8), (2, 1)), 1, 0.1, layers=[head],
                     frozen={3: np.array([True, True])})
    with pytest.raises(FloatingPointError, match="lower the learning rate"), np.errstate(all="ignore"):
        networks.fit(model, X * 1e200, y, lambda k: np.tile(np.arange(8), (2, 1)), 3, 1e150)
    with pytest.raises(TypeError, match="K models"):
        networks.fit(mlp((2, 3)), X, y, lambda k: np.zeros((1, 2), dtype=int), 1, 0.1)


def test_evaluate_gives_loss_accuracy_and_accuracy_on_a_subset():
    X, y = spirals(10, 3, seed=0)
    model = networks.seeded_mlp((2, 4, 3), [0, 1, 2])
    loss, accuracy, part = networks.evaluate(model, X, y, np.arange(30) < 10)
    logits = to_numpy(model.inference(X))
    correct = np.argmax(logits, -1) == y
    np.testing.assert_allclose(accuracy, correct.mean(axis=1))
    np.testing.assert_allclose(part, correct[:, :10].mean(axis=1))
    assert loss.shape == (3,) and np.all(loss > 0)
    with pytest.raises(ValueError, match="subset must be a boolean mask"):
        networks.evaluate(model, X, y, np.zeros(30, dtype=bool))


# --- curriculum ----------------------------------------------------------------------------


def test_the_margin_is_the_distance_to_the_boundary():
    X, y, margin = curriculum.margin_task(300, seed=4)
    side = X[:, 1] > 0.5 * np.sin(3 * X[:, 0])
    np.testing.assert_array_equal(y, side.astype(int))
    near = np.argsort(margin)[:25]  # to first order: exact as the margin goes to 0
    for i in near:
        distance = minimize_scalar(lambda t: np.hypot(t - X[i, 0], 0.5 * np.sin(3 * t) - X[i, 1]),
                                   bounds=(X[i, 0] - 0.5, X[i, 0] + 0.5), method="bounded").fun
        assert margin[i] == pytest.approx(distance, rel=0.05, abs=1e-3)


def test_label_noise_strikes_near_the_boundary():
    X, y_clean, margin = curriculum.margin_task(4000, seed=5)
    _, y_noisy, _ = curriculum.margin_task(4000, seed=5, noise=0.1)
    flipped = y_noisy != y_clean
    assert flipped[margin < 0.02].mean() > 0.3
    assert flipped[margin > 0.4].mean() < 0.02


def test_pacing():
    assert curriculum.pacing(0, 100, 0.2) == pytest.approx(0.2)
    assert curriculum.pacing(50, 100, 0.2) == pytest.approx(0.6)
    assert curriculum.pacing(100, 100, 0.2) == curriculum.pacing(500, 100, 0.2) == 1.0
    assert curriculum.pacing(0, 0, 0.2) == 1.0
    with pytest.raises(ValueError, match=r"start must lie in \(0, 1\]"):
        curriculum.pacing(0, 10, 1.5)


def test_curriculum_batches_come_from_the_easiest_or_hardest_fraction():
    easiest = np.arange(100)[::-1]  # example 99 is the easiest
    draws = np.linspace(0, 0.999, 12).reshape(3, 4)
    easy = curriculum.curriculum_rows("easy first", easiest, draws, 0, 50, 0.2)
    hard = curriculum.curriculum_rows("hard first", easiest, draws, 0, 50, 0.2)
    assert set(easy.ravel()) <= set(range(80, 100)) and set(hard.ravel()) <= set(range(20))
    everything = curriculum.curriculum_rows("easy first", easiest, draws, 50, 50, 0.2)
    assert everything.min() < 20 and everything.max() > 80
    assert curriculum.curriculum_rows("random", easiest, draws, 0, 50, 0.2).max() > 80
    with pytest.raises(ValueError, match="order must be one of"):
        curriculum.curriculum_rows("backwards", easiest, draws, 0, 50, 0.2)


def test_curriculum_experiment_starts_every_order_from_the_same_weights():
    result = curriculum.curriculum_experiment((10, 20), seeds=2, steps=20, n_train=60, n_test=90, every=10,
                                              hidden=(4,))
    np.testing.assert_array_equal(result.steps, [0, 10, 20])
    assert set(result.test_accuracy) == {(o, r) for o in curriculum.ORDERS for r in (10, 20)}
    start = {key: curve[0] for key, curve in result.test_loss.items()}
    for curve in start.values():
        np.testing.assert_array_equal(curve, start["random", 10])
    np.testing.assert_array_equal(result.test_loss["random", 10], result.test_loss["random", 20])
    assert not np.array_equal(result.test_loss["easy first", 10], result.test_loss["hard first", 10])
    for table in (result.test_accuracy, result.hard_accuracy):
        assert all(np.all((0 <= v) & (v <= 1)) for v in table.values())


# --- pretraining and skip connections ---------------------------------------------------------


def test_greedy_pretraining_curves():
    result = pretraining.greedy_pretraining(depth=2, seeds=2, stage_steps=10, finetune_steps=10, width=8, every=5)
    np.testing.assert_array_equal(result.steps, [0, 5, 10, 15, 20, 25, 30])
    assert result.marks == (10, 20)
    assert set(result.train_loss) == set(pretraining.GREEDY)
    for name in pretraining.GREEDY:
        assert result.train_loss[name].shape == result.test_accuracy[name].shape == (7, 2)
    # the two greedy variants differ only from the second stage on, where one freezes layer 1
    first, second = (result.train_loss[name] for name in pretraining.GREEDY[1:])
    np.testing.assert_array_equal(first[:3], second[:3])
    assert not np.allclose(first[4:], second[4:])
    assert result.train_loss[pretraining.GREEDY[0]][0, 0] != first[0, 0]  # another network at step 0


def test_pretraining_on_the_related_task_helps_on_the_small_one():
    results = pretraining.transfer(seeds=3, sizes=(5, 10), pretrain_steps=300, steps=40, every=20)
    assert set(results) == {5, 10}
    for result in results.values():
        np.testing.assert_array_equal(result.steps, [0, 20, 40])
        related, scratch = (result.test_accuracy[name] for name in ("from the related task", "from scratch"))
        assert np.median(related[-1]) > np.median(scratch[-1]) + 0.2
        # the scratch networks start from the initial weights of their seed, the pretrained ones do not
        assert not np.allclose(result.train_loss["from scratch"][0], result.train_loss["from the related task"][0])
    with pytest.raises(ValueError, match="sizes is empty"):
        pretraining.transfer(sizes=())


def test_skip_connections_keep_the_gradients_of_a_deep_network():
    runs = skip.skip_experiment((2, 12), seeds=2, steps=4, checkpoints=(0, 3), dtype="float64")
    assert set(runs) == {(init, depth) for init in skip.INITS for depth in (2, 12)}
    run = runs["U(±1/√m)", 12]
    assert run.grad_norms.shape == (2, 2, 12, 2) and run.losses.shape == (2, 2, 4)
    plain, residual = np.median(run.grad_norms[0, 0]), np.median(run.grad_norms[0, 1])
    assert plain < 3.0 ** -4 < 0.1 < residual  # the plain network's gradient shrinks ~√3 per tanh layer
    with pytest.raises(ValueError, match="checkpoints must be steps from 0 to 3"):
        skip.skip_experiment((2,), seeds=1, steps=4, checkpoints=(4,))
    with pytest.raises(ValueError, match="inits must be keys of INITS"):
        skip.skip_experiment((2,), ("He",), seeds=1, steps=4, checkpoints=(0,))


def test_networks_refuse_bad_sizes():
    with pytest.raises(ValueError, match="seeds is empty"):
        networks.seeded_mlp((2, 3), [])
    with pytest.raises(ValueError, match="skip must be one number or one per model"):
        networks.Block(3, [np.random.default_rng(0)], [0.0, 1.0])
    with pytest.raises(ValueError, match="activation must be"):
        networks.seeded_mlp((2, 3, 3), [0], activation="sigmoid")
    assert isinstance(networks.seeded_mlp((2, 3), [0]), Sequential)


def test_the_experiments_run_on_every_array_library(xp):
    """Each experiment, tiny, gives on xp's arrays the numbers it gives on NumPy's."""
    runs = {
        "curriculum": lambda lib: curriculum.curriculum_experiment(
            (5,), seeds=1, steps=10, n_train=30, n_test=30, every=5, hidden=(4,), xp=lib).test_loss["easy first", 5],
        "greedy": lambda lib: pretraining.greedy_pretraining(
            depth=2, seeds=1, stage_steps=3, finetune_steps=3, width=4, every=3, xp=lib,
        ).train_loss["greedy: all layers"],
        "transfer": lambda lib: pretraining.transfer(
            seeds=1, sizes=(3,), pretrain_steps=3, steps=3, every=3, width=4, depth=1, xp=lib)[3].train_loss[
            "from the related task"],
        "skip": lambda lib: skip.skip_experiment(
            (2,), seeds=1, steps=3, checkpoints=(0, 2), dtype="float64", xp=lib)["Glorot", 2].grad_norms,
    }
    for name, run in runs.items():
        np.testing.assert_allclose(run(xp), run(np), rtol=1e-10, err_msg=name)
