"""Fair mode against exhaustive search: the worst proposal's value, the total under it and the two certificates.

Every complete assignment of a small instance is enumerated, so the lexicographic optimum (max worst proposal, then
max total) is known without trusting any solver. Both of fair mode's paths are checked: CP-SAT over every pair
(small instances) and the large-instance search (forced here with ``exact_pairs=0``), whose claims must hold
whenever they are made.
"""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.review.solver import solve

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assignments(A, C, k, Lmax):
    """Every complete assignment: a tuple of expert sets, one per proposal."""
    n, m = A.shape
    options = [[combo for combo in itertools.combinations(range(m), k) if not C[i, list(combo)].any()]
               for i in range(n)]
    for choice in itertools.product(*options):
        load = np.zeros(m, int)
        for combo in choice:
            load[list(combo)] += 1
        if (load <= Lmax).all():
            yield choice


def values(A, choice):
    per = [float(A[i, list(combo)].sum()) for i, combo in enumerate(choice)]
    return min(per), sum(per)


def exhaustive(A, C, k, Lmax):
    """(max worst, max total under that worst, function: best total among assignments with worst ≥ floor)."""
    scored = [values(A, choice) for choice in assignments(A, C, k, Lmax)]
    if not scored:
        return None
    worst = max(w for w, _ in scored)
    total = max(t for w, t in scored if w >= worst - 1e-12)

    def best_total(floor):
        return max(t for w, t in scored if w >= floor - 1e-12)

    return worst, total, best_total


@st.composite
def small_instances(draw):
    n = draw(st.integers(2, 4))
    m = draw(st.integers(3, 5))
    k = draw(st.integers(2, min(3, m)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # Quarter steps make ties, where a wrong claim would hide.
    A = rng.integers(0, 5, size=(n, m)) / 4.0 if draw(st.booleans()) else np.round(rng.random((n, m)), 4)
    C = rng.random((n, m)) < draw(st.sampled_from([0.0, 0.15]))
    Lmax = rng.integers(1, n + 1, size=m)
    return A, C, k, Lmax


@SETTINGS
@given(small_instances())
def test_fair_mode_over_every_pair_matches_exhaustive_search(instance):
    A, C, k, Lmax = instance
    reference = exhaustive(A, C, k, Lmax)
    result = solve(A, C, k, Lmax, fair=True)
    if reference is None:
        assert not result.complete
        return
    worst, total, _ = reference
    assert result.worst_certified and result.total_certified and result.optimal
    # CP-SAT works on affinities scaled to 1e-6 steps of the largest one.
    assert result.worst_proposal == pytest.approx(worst, abs=k * 1e-6)
    assert result.total == pytest.approx(total, abs=A.shape[0] * k * 1e-6)


@SETTINGS
@given(small_instances())
def test_the_large_instance_search_claims_only_what_holds(instance):
    A, C, k, Lmax = instance
    reference = exhaustive(A, C, k, Lmax)
    result = solve(A, C, k, Lmax, fair=True, exact_pairs=0, time_limit=2)
    if reference is None:
        assert not result.complete
        return
    worst, total, best_total = reference
    assert result.complete and (np.bincount(result.pairs[:, 1], minlength=A.shape[1]) <= Lmax).all()
    assert result.worst_proposal <= worst + 1e-9
    # The bound holds for every assignment, whatever the search found.
    assert result.bound is not None and result.bound >= worst - 1e-9
    if result.worst_certified:
        assert result.worst_proposal == pytest.approx(worst, abs=1e-9)
    if result.total_certified:
        assert result.total == pytest.approx(best_total(result.worst_proposal), abs=1e-9)
    assert result.optimal == (result.worst_certified and result.total_certified)
    if result.optimal:
        assert result.total == pytest.approx(total, abs=1e-9)


def test_a_bound_that_no_assignment_reaches_is_not_claimed():
    # Both proposals want expert 0, who takes one proposal: the best-two row sums (1.5) and the LP (1.0) bound
    # the worst proposal, but only 0.5 is reachable.
    A = np.array([[1.0, 0.5, 0.0], [1.0, 0.0, 0.5]])
    Lmax = np.array([1, 2, 2])
    worst, total, _ = exhaustive(A, np.zeros_like(A, bool), 2, Lmax)
    assert (worst, total) == (0.5, 2.0)

    search = solve(A, None, 2, Lmax, fair=True, exact_pairs=0, time_limit=2)
    assert search.worst_proposal == pytest.approx(0.5)
    assert search.bound == pytest.approx(1.0)
    assert not search.worst_certified and not search.optimal
    # Its total is proven all the same: it is the largest of all, so the largest among assignments as fair.
    assert search.total_certified and search.total == pytest.approx(2.0)

    exact = solve(A, None, 2, Lmax, fair=True)
    assert exact.worst_proposal == pytest.approx(0.5) and exact.total == pytest.approx(2.0)
    assert exact.worst_certified and exact.total_certified and exact.optimal


def test_the_search_certifies_both_stages_when_the_max_total_meets_the_bound():
    # Each proposal's two best experts are its own: the max-total assignment gives every proposal its best-two
    # row sum, which bounds every assignment's worst proposal.
    rng = np.random.default_rng(11)
    A = np.round(rng.random((6, 12)) * 0.5, 4)
    for i in range(6):
        A[i, 2 * i:2 * i + 2] = [0.9, 0.8]
    result = solve(A, None, 2, np.full(12, 1), fair=True, exact_pairs=0, time_limit=2)
    assert result.worst_proposal == pytest.approx(1.7) and result.bound == pytest.approx(1.7)
    assert result.worst_certified and result.total_certified and result.optimal
    assert result.total == pytest.approx(6 * 1.7)
