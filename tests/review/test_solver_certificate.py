"""The solver on small hard-style instances (topic clusters, ties, no load slack) against exhaustive search, in
total and fair mode, and the dual certificate: it accepts the solver's answer and rejects any worse one."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.review.solver import certify, dual_bound, solve

BENCH = Path(__file__).resolve().parents[2] / "bench" / "assignment.py"
SMALL = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def hard_small(draw):
    """A few proposals and experts on 3 topics, scores to 2 decimals (many ties), Lmax = ⌈N·k/M⌉."""
    k = draw(st.integers(1, 2))
    n = draw(st.integers(2, 5 if k == 2 else 6))
    m = draw(st.integers(k + 1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    topics = 3
    P = np.eye(topics)[rng.integers(0, topics, size=n)] + 0.2 * rng.random((n, topics))
    E = np.eye(topics)[rng.integers(0, topics, size=m)] + 0.2 * rng.random((m, topics))
    A = (P / np.linalg.norm(P, axis=1, keepdims=True)) @ (E / np.linalg.norm(E, axis=1, keepdims=True)).T
    generalist = rng.random(m) < 0.2
    A[:, generalist] = np.maximum(A[:, generalist], 0.6)
    A = np.round(np.clip(A + 0.05 * rng.random((n, m)), 0, 1), 2)
    C = rng.random((n, m)) < draw(st.sampled_from([0.0, 0.05, 0.15]))
    Lmax = np.full(m, math.ceil(n * k / m))
    return A, C, k, Lmax


def exhaustive(A, C, k, Lmax):
    """Every complete assignment: (best total, (best worst, best total under it), lowest total), or None."""
    n, m = A.shape
    options = []
    for i in range(n):
        allowed = [j for j in range(m) if not C[i, j]]
        from itertools import combinations

        options.append([(tuple(c), float(A[i, list(c)].sum())) for c in combinations(allowed, k)])
    load = np.zeros(m, int)
    best = {"total": -math.inf, "fair": (-math.inf, -math.inf), "low": math.inf, "low_pairs": None}
    chosen: list[tuple[int, ...]] = []

    def walk(i, total, worst):
        if i == n:
            if total > best["total"]:
                best["total"] = total
            if (worst, total) > best["fair"]:
                best["fair"] = (worst, total)
            if total < best["low"]:
                best["low"] = total
                best["low_pairs"] = [(p, j) for p, c in enumerate(chosen) for j in c]
            return
        for combo, value in options[i]:
            if all(load[j] < Lmax[j] for j in combo):
                for j in combo:
                    load[j] += 1
                chosen.append(combo)
                walk(i + 1, total + value, min(worst, value))
                chosen.pop()
                for j in combo:
                    load[j] -= 1

    walk(0, 0.0, math.inf)
    if best["total"] == -math.inf:
        return None
    return best


@SMALL
@given(hard_small())
def test_total_mode_matches_exhaustive_search_and_is_certified(instance):
    A, C, k, Lmax = instance
    result = solve(A, C, k, Lmax)
    reference = exhaustive(A, C, k, Lmax)
    if reference is None:
        assert result.infeasible
        return
    assert result.optimal and not result.infeasible
    assert result.total == pytest.approx(reference["total"], abs=1e-9)
    assert certify(A, C, k, Lmax, result.pairs, *result.duals)
    if reference["low"] < reference["total"] - 1e-9:
        # The worst complete assignment keeps every rule, yet the certificate refuses it.
        assert not certify(A, C, k, Lmax, reference["low_pairs"], *result.duals)


@SMALL
@given(hard_small())
def test_fair_mode_matches_exhaustive_search(instance):
    A, C, k, Lmax = instance
    result = solve(A, C, k, Lmax, fair=True)
    reference = exhaustive(A, C, k, Lmax)
    if reference is None:
        assert result.infeasible
        return
    worst, total = reference["fair"]
    assert result.optimal and result.fair
    assert result.worst_proposal == pytest.approx(worst, abs=1e-9)
    assert result.total == pytest.approx(total, abs=1e-9)
    assert result.bound == pytest.approx(worst, abs=1e-9)


def _hard_instance(n, m, k, seed):
    spec = importlib.util.spec_from_file_location("bench_assignment", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_hard_instance(n, m, k, seed=seed)


def test_certificate_on_a_hard_instance_rejects_a_worse_swap_and_broken_rules():
    A, C, k, Lmax = _hard_instance(1500, 600, 3, 1)
    result = solve(A, C, k, Lmax)
    assert result.optimal
    y, z = result.duals
    assert dual_bound(A, C, k, Lmax, y, z) == pytest.approx(result.total, rel=1e-9)
    assert certify(A, C, k, Lmax, result.pairs, y, z)

    # Exchange the experts of two assigned pairs: counts and loads stay, the rules hold, the total drops.
    pairs = result.pairs
    assigned = {tuple(p) for p in pairs.tolist()}
    rng = np.random.default_rng(0)
    worse = None
    for _ in range(10_000):
        a, b = rng.integers(0, len(pairs), size=2)
        (i1, j1), (i2, j2) = pairs[a], pairs[b]
        if i1 == i2 or j1 == j2 or C[i1, j2] or C[i2, j1] or (i1, j2) in assigned or (i2, j1) in assigned:
            continue
        if float(A[i1, j2]) + float(A[i2, j1]) < float(A[i1, j1]) + float(A[i2, j2]):
            worse = pairs.copy()
            worse[a, 1], worse[b, 1] = j2, j1
            break
    assert worse is not None
    assert not certify(A, C, k, Lmax, worse, y, z)

    conflicted = np.argwhere(C)[0]
    broken = pairs.copy()
    row = np.nonzero(broken[:, 0] == conflicted[0])[0][0]
    broken[row, 1] = conflicted[1]
    assert not certify(A, C, k, Lmax, broken, y, z)  # a conflict of interest
    assert not certify(A, C, k, Lmax, pairs[1:], y, z)  # a proposal short of a reviewer


@pytest.mark.parametrize("window", [None, 0])
def test_rounds_repaired_from_the_previous_flow_reach_the_unpruned_optimum(window, monkeypatch):
    # Window 0 keeps only the tight residual arcs, so some repairs miss a cycle: the potentials then find a negative
    # cycle and the round is solved afresh, with the same certified answer.
    from minsheng.review import solver

    if window is not None:
        monkeypatch.setattr(solver, "REPAIR_WINDOW", window)
    A, C, k, Lmax = _hard_instance(1500, 600, 3, 2)
    pruned = solve(A, C, k, Lmax)
    full = solve(A, C, k, Lmax, candidates_per_proposal=600)
    assert pruned.rounds > 1 and pruned.timings["repairs"] >= 1
    if window == 0:
        assert pruned.timings["repairs redone"] >= 1
    assert pruned.optimal and full.optimal
    assert pruned.total == pytest.approx(full.total, abs=1e-9)
    assert certify(A, C, k, Lmax, pruned.pairs, *pruned.duals)


@pytest.mark.parametrize("seed", range(8))
def test_float32_grid_scores_with_fixed_pairs_are_certified_exactly(seed):
    # A small total leaves the certificate's relative tolerance at about 2e-8: the float32 copy of the largest
    # score (0.99 is 0.9900000095…) must not leak into the duals.
    rng = np.random.default_rng(seed)
    A = np.round(rng.random((12, 7)), 2).astype(np.float32)
    C = rng.random((12, 7)) < 0.1
    fixed = [(i, int(np.nonzero(~C[i])[0][0])) for i in range(3)]
    Lmax = np.full(7, 4)
    result = solve(A, C, 2, Lmax, fixed=fixed)
    assert result.optimal and result.complete
    assert certify(A, C, 2, Lmax, result.pairs, *result.duals, fixed=fixed)
    # Dropping a fixed pair from the answer breaks a rule, whatever the total.
    kept = [p for p in result.pairs.tolist() if tuple(p) != fixed[0]]
    assert not certify(A, C, 2, Lmax, kept, *result.duals, fixed=fixed)
