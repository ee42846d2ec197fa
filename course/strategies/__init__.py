"""Optimization strategies and meta-algorithms (lecture 09, book §8.7.4–8.7.6).

Strategies that change the problem rather than the optimizer:

:mod:`course.strategies.smoothing`
    continuation on Gaussian-blurred objectives J_σ(θ) = E[J(θ + σz)] whose blur is exact
    (a bowl, cosines, Gaussian wells): :class:`SmoothedObjective`, the landscapes of the
    lecture, :func:`continuation`, :func:`continuation_path`, :func:`convexity_sigma`;
:mod:`course.strategies.curriculum`
    curriculum learning by margin, several orders, ramps and seeds in one batched run;
:mod:`course.strategies.pretraining`
    greedy supervised layer-wise pretraining, and initialization from a related task;
:mod:`course.strategies.skip`
    gradient norms per layer of deep plain and residual networks;
:mod:`course.strategies.networks`
    what the experiments train: many MLPs with their own initializations, minibatches and
    labels along a model axis, residual blocks (:class:`Block`, :func:`residual_backward`),
    and momentum SGD on chosen layers (:func:`fit`).
"""

from course.strategies.networks import Block, residual_backward
from course.strategies.smoothing import (
    SmoothedObjective, continuation, continuation_path, convexity_sigma, egg_crate, narrow_well, ripples, two_scales,
)

__all__ = [
    "Block",
    "SmoothedObjective",
    "continuation",
    "continuation_path",
    "convexity_sigma",
    "egg_crate",
    "narrow_well",
    "residual_backward",
    "ripples",
    "two_scales",
]
