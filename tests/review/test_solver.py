"""The assignment solver against independent optima: SciPy's HiGHS LP (the assignment LP is totally unimodular,
so its optimum is the integer optimum) and HiGHS MILP for the fair mode's max-min."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix, hstack, vstack

from minsheng.review.solver import Assignment, InstanceError, dual_bound, solve

SRC = Path(__file__).resolve().parents[2] / "src"
TOL = 1e-6
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FAIR_PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def instances(draw, max_n=8, max_m=8, max_k=3, with_fixed=True, with_lmin=True):
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, max_m))
    k = draw(st.integers(1, max_k))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # A coarse grid makes ties likely, the hard case for any "exact" claim.
    A = rng.integers(0, 5, size=(n, m)) / 4.0 if draw(st.booleans()) else rng.random((n, m))
    C = rng.random((n, m)) < draw(st.sampled_from([0.0, 0.1, 0.3, 0.6]))
    Lmax = rng.integers(0, 6, size=m)
    Lmin = np.minimum(rng.integers(0, 3, size=m), Lmax) if with_lmin and draw(st.booleans()) else np.zeros(m, int)
    fixed = []
    if with_fixed and draw(st.booleans()):
        load = np.zeros(m, int)
        count = np.zeros(n, int)
        for i, j in zip(rng.integers(0, n, size=3), rng.integers(0, m, size=3), strict=True):
            if not C[i, j] and load[j] < Lmax[j] and count[i] < k and (i, j) not in fixed:
                fixed.append((int(i), int(j)))
                load[j] += 1
                count[i] += 1
    c = draw(st.one_of(st.none(), st.integers(1, 4)))
    return A, C, k, Lmax, Lmin, fixed, c


def lp_optimum(A, C, k, Lmax, Lmin, fixed):
    """max Σa·x with Σ_j x_ij = k, Lmin ≤ Σ_i x_ij ≤ Lmax, 0 ≤ x ≤ 1, x = 1 on fixed pairs; None if infeasible."""
    n, m = A.shape
    rows, cols = np.nonzero(~C)
    e = rows.size
    if e == 0:
        return None
    lower = np.zeros(e)
    fixed_set = set(fixed)
    for idx in range(e):
        if (rows[idx], cols[idx]) in fixed_set:
            lower[idx] = 1
    a_eq = coo_matrix((np.ones(e), (rows, np.arange(e))), shape=(n, e))
    a_col = coo_matrix((np.ones(e), (cols, np.arange(e))), shape=(m, e))
    res = linprog(-A[rows, cols], A_ub=vstack([a_col, -a_col]), b_ub=np.concatenate([Lmax, -Lmin]), A_eq=a_eq,
                  b_eq=np.full(n, k), bounds=np.stack([lower, np.ones(e)], axis=1), method="highs")
    return -res.fun if res.status == 0 else None


def max_flow_lp(A, C, Lmax, k, fixed, group=None):
    """Most reviews that can be placed (for the proposals in ``group``, default all), by LP."""
    n, m = A.shape
    allowed = ~C
    rows, cols = np.nonzero(allowed)
    keep = np.isin(rows, group) if group is not None else np.ones(rows.size, bool)
    rows, cols = rows[keep], cols[keep]
    if group is not None:
        # Fixed pairs of the proposals left out still take their experts' places.
        Lmax = Lmax - np.bincount([j for i, j in fixed if i not in group], minlength=m)
    e = rows.size
    if e == 0:
        return 0
    fixed_set = set(fixed)
    lower = np.array([1.0 if (r, c) in fixed_set else 0.0 for r, c in zip(rows, cols, strict=True)])
    a_row = coo_matrix((np.ones(e), (rows, np.arange(e))), shape=(n, e))
    a_col = coo_matrix((np.ones(e), (cols, np.arange(e))), shape=(m, e))
    res = linprog(-np.ones(e), A_ub=vstack([a_row, a_col]), b_ub=np.concatenate([np.full(n, k), Lmax]),
                  bounds=np.stack([lower, np.ones(e)], axis=1), method="highs")
    assert res.status == 0
    return round(-res.fun)


def check_constraints(result: Assignment, A, C, k, Lmax, Lmin, fixed, complete=True):
    n, m = A.shape
    pairs = result.pairs
    assert pairs.shape[1] == 2
    assert len({tuple(p) for p in pairs.tolist()}) == len(pairs), "duplicate pair"
    assert not C[pairs[:, 0], pairs[:, 1]].any(), "conflicted pair assigned"
    counts = np.bincount(pairs[:, 0], minlength=n)
    loads = np.bincount(pairs[:, 1], minlength=m)
    assert (counts <= k).all()
    assert (loads <= Lmax).all()
    if complete:
        assert (counts == k).all()
    for pair in fixed:
        assert list(pair) in pairs.tolist(), "fixed pair dropped"
    assert np.array_equal(result.loads, loads)
    assert result.total == pytest.approx(A[pairs[:, 0], pairs[:, 1]].sum(), abs=1e-9)
    per = np.bincount(pairs[:, 0], weights=A[pairs[:, 0], pairs[:, 1]], minlength=n)
    assert np.allclose(result.per_proposal, per)
    assert result.worst_proposal == pytest.approx(per.min(), abs=1e-12)
    return counts, loads


@PROPERTY
@given(instances())
def test_total_matches_lp_optimum(instance):
    A, C, k, Lmax, Lmin, fixed, c = instance
    result = solve(A, C, k, Lmax, Lmin, fixed, candidates_per_proposal=c)
    reference = lp_optimum(A, C, k, Lmax, Lmin, fixed)
    if reference is None:
        # No complete assignment meets every rule: the solver says why, and still keeps the hard rules.
        assert result.infeasible
        counts, loads = check_constraints(result, A, C, k, Lmax, Lmin, fixed, complete=False)
        named = {e.proposal for e in result.infeasible if e.proposal is not None}
        assert named == set(np.nonzero(counts < k)[0].tolist())
        short_experts = {e.expert for e in result.infeasible if e.kind == "min_load"}
        assert short_experts == set(np.nonzero(loads < Lmin)[0].tolist())
        return
    assert result.optimal
    assert not result.infeasible
    check_constraints(result, A, C, k, Lmax, Lmin, fixed)
    assert (result.loads >= Lmin).all()
    assert result.total == pytest.approx(reference, abs=TOL)


@PROPERTY
@given(instances(with_lmin=False))
def test_infeasible_instances_name_the_right_proposals(instance):
    A, C, k, Lmax, _, fixed, c = instance
    result = solve(A, C, k, Lmax, None, fixed, candidates_per_proposal=c)
    counts, _ = check_constraints(result, A, C, k, Lmax, np.zeros_like(Lmax), fixed, complete=False)
    # As many reviews as the maximum flow allows: a partial answer is still the best partial answer.
    assert counts.sum() == max_flow_lp(A, C, Lmax, k, fixed)
    short = set(np.nonzero(counts < k)[0].tolist())
    assert {e.proposal for e in result.infeasible} == short
    for exp in result.infeasible:
        i = exp.proposal
        assert exp.needed == k and exp.assigned == counts[i]
        assert str(i) in exp.message
        fixed_load = np.bincount([j for _, j in fixed], minlength=A.shape[1])
        if exp.kind == "few_experts":
            open_experts = {j for j in range(A.shape[1])
                            if not C[i, j] and Lmax[j] > fixed_load[j] and (i, j) not in fixed}
            assert len(open_experts) < k - sum(1 for p, _ in fixed if p == i)
        elif exp.kind == "capacity":
            assert Lmax.sum() - len(fixed) < A.shape[0] * k - len(fixed)
        else:
            assert exp.kind == "hall"
            group = list(exp.group)
            assert i in group
            # Hall's condition fails for the group: even alone, it cannot get all the reviews it needs.
            assert max_flow_lp(A, C, Lmax, k, fixed, group=group) < k * len(group)
    if not short:
        assert result.optimal


def test_every_expert_conflicted_for_one_proposal():
    A = np.array([[0.9, 0.8, 0.7], [0.1, 0.2, 0.3], [0.5, 0.5, 0.5]])
    C = np.array([[True, True, True], [False, False, False], [False, False, False]])
    result = solve(A, C, 2, np.array([2, 2, 2]))
    assert [e.proposal for e in result.infeasible] == [0]
    assert result.infeasible[0].kind == "few_experts"
    assert "every expert is conflicted" in result.infeasible[0].message
    # The others still get the best reviewers available.
    assert sorted(result.pairs.tolist()) == [[1, 1], [1, 2], [2, 0], [2, 1]] or result.total == pytest.approx(1.5)
    assert not result.complete


def test_fewer_experts_than_k():
    result = solve(np.ones((2, 2)), None, 3, np.array([5, 5]))
    assert {e.proposal for e in result.infeasible} == {0, 1}
    assert all(e.kind == "few_experts" and "only 2 non-conflicted experts" in e.message for e in result.infeasible)
    assert len(result.pairs) == 4


def test_load_limit_too_small_for_the_call():
    A = np.random.default_rng(0).random((6, 3))
    result = solve(A, None, 2, np.array([1, 2, 1]))
    assert len(result.pairs) == 4
    assert {e.kind for e in result.infeasible} == {"capacity"}
    assert "4 places" in result.infeasible[0].message and "12 reviews" in result.infeasible[0].message


def test_hall_violation_names_the_group():
    # Proposals 0 and 1 may only use expert 0 (capacity 1); proposal 2 has plenty.
    C = np.array([[False, True, True], [False, True, True], [False, False, False]])
    result = solve(np.ones((3, 3)), C, 1, np.array([1, 5, 5]))
    assert len(result.infeasible) == 1
    exp = result.infeasible[0]
    assert exp.kind == "hall" and exp.proposal in (0, 1) and set(exp.group) == {0, 1}
    assert "Hall" in exp.message


def test_minimum_load_that_cannot_be_met():
    result = solve(np.ones((2, 2)), np.array([[False, True], [False, True]]), 1, np.array([2, 2]), np.array([0, 1]))
    assert [e.expert for e in result.infeasible] == [1]
    assert result.infeasible[0].kind == "min_load" and "only 0 proposals" in result.infeasible[0].message
    assert len(result.pairs) == 2


def test_minimum_load_is_met_at_a_cost_in_affinity():
    A = np.array([[1.0, 0.0], [1.0, 0.0]])
    result = solve(A, None, 1, np.array([2, 2]), np.array([0, 1]))
    assert result.loads.tolist() == [1, 1] and result.total == pytest.approx(1.0) and result.optimal


def test_a_score_near_but_off_a_decimal_grid_is_not_snapped_to_it():
    """0.80500292 is not 0.805: snapping it would make the certificate's bound and the total disagree."""
    A = np.array([[0.80500292]])
    result = solve(A, None, 1, np.array([2]), candidates_per_proposal=1)
    y, z = result.duals
    assert result.optimal and result.total == pytest.approx(0.80500292, abs=1e-12)
    assert dual_bound(A, None, 1, np.array([2]), y, z) == pytest.approx(result.total, abs=1e-9)


@PROPERTY
@given(instances(max_n=8, max_m=8, with_fixed=False, with_lmin=False), st.integers(1, 2))
def test_pruning_to_one_candidate_still_reaches_the_lp_optimum(instance, c):
    A, C, k, Lmax, _, _, _ = instance
    result = solve(A, C, k, Lmax, candidates_per_proposal=c)
    reference = lp_optimum(A, C, k, Lmax, np.zeros_like(Lmax), [])
    if reference is not None:
        assert result.optimal and result.total == pytest.approx(reference, abs=TOL)
        y, z = result.duals
        # The LP duals recovered from the flow's potentials are an independent certificate.
        assert dual_bound(A, C, k, Lmax, y, z) == pytest.approx(result.total, abs=1e-6)


def test_pruning_on_a_larger_instance_is_certified():
    rng = np.random.default_rng(7)
    A = rng.random((300, 120))
    C = rng.random((300, 120)) < 0.05
    Lmax = np.full(120, 9)
    narrow = solve(A, C, 3, Lmax, candidates_per_proposal=3)
    wide = solve(A, C, 3, Lmax, candidates_per_proposal=120)
    assert narrow.optimal and wide.optimal
    assert narrow.total == pytest.approx(wide.total, abs=1e-6)
    assert narrow.total == pytest.approx(lp_optimum(A, C, 3, Lmax, np.zeros(120), []), abs=1e-6)
    assert narrow.arcs < wide.arcs



def clustered_instance(n, m, k, seed, topics=8, slack=0):
    """Topic clusters, a few generalists everyone rates well, 4-decimal ties, 2% conflicts, no load slack."""
    rng = np.random.default_rng(seed)

    def profiles(count):
        P = np.zeros((count, topics))
        for t in range(3):
            rows = np.nonzero(rng.integers(1, 4, size=count) > t)[0]
            P[rows, rng.integers(0, topics, size=rows.size)] += rng.random(rows.size) + (t == 0)
        P += 0.03 * rng.random((count, topics))
        return P / np.linalg.norm(P, axis=1, keepdims=True)

    A = profiles(n) @ profiles(m).T + 0.05 * rng.random((n, m))
    generalists = rng.random(m) < 0.05
    A[:, generalists] = np.maximum(A[:, generalists], 0.6 + 0.1 * rng.random((n, int(generalists.sum()))))
    A = np.round(np.clip(A, 0, 1), 4)
    C = rng.random((n, m)) < 0.02
    Lmax = np.full(m, -(-n * k // m) + slack)
    return A, C, k, Lmax


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("c", [None, 1])
def test_clustered_tight_instances_reach_the_lp_optimum_with_a_certificate(seed, c):
    A, C, k, Lmax = clustered_instance(150, 50, 3, seed)
    result = solve(A, C, k, Lmax, candidates_per_proposal=c)
    check_constraints(result, A, C, k, Lmax, np.zeros(50), [])
    assert result.optimal and not result.infeasible
    assert result.total == pytest.approx(lp_optimum(A, C, k, Lmax, np.zeros(50), []), abs=TOL)
    assert dual_bound(A, C, k, Lmax, *result.duals) == pytest.approx(result.total, abs=1e-6)


@pytest.mark.parametrize("n, m, seed", [(400, 130, 11), (4200, 120, 12)])
def test_clustered_instance_matches_a_dense_min_cost_flow(n, m, seed):
    # 4,200 proposals take the sampled-threshold path for the experts short of candidates.
    from ortools.graph.python import min_cost_flow

    A, C, k, Lmax = clustered_instance(n, m, 3, seed)
    n, m = A.shape
    rows, cols = np.nonzero(~C)
    e = rows.size
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([np.full(n, n + m), rows, n + np.arange(m)]).astype(np.int32),
        np.concatenate([np.arange(n), n + cols, np.full(m, n + m + 1)]).astype(np.int32),
        np.concatenate([np.full(n, k), np.ones(e, np.int64), Lmax]).astype(np.int64),
        np.concatenate([np.zeros(n, np.int64), np.rint((1 - A[rows, cols]) * 10**4).astype(np.int64),
                        np.zeros(m, np.int64)]))
    mcf.set_node_supply(n + m, n * k)
    mcf.set_node_supply(n + m + 1, -n * k)
    assert mcf.solve() == mcf.OPTIMAL
    used = np.asarray(mcf.flows(np.arange(n, n + e))) > 0
    reference = A[rows[used], cols[used]].sum()
    result = solve(A, C, k, Lmax, candidates_per_proposal=2)
    assert result.optimal
    assert result.total == pytest.approx(reference, abs=1e-6)


def test_clustered_instance_without_a_complete_assignment_is_explained():
    # One place short in total: the overflow arcs cannot be emptied, and the search proves the cut.
    A, C, k, Lmax = clustered_instance(150, 50, 3, 3)
    Lmax[0] -= 1
    assert Lmax.sum() == 449
    result = solve(A, C, k, Lmax)
    assert result.optimal
    assert len(result.pairs) == 449
    assert [e.kind for e in result.infeasible] == ["capacity"]

def max_min_milp(A, C, k, Lmax, Lmin, fixed):
    """Exact (max worst proposal, then max total) by HiGHS MILP; None if there is no complete assignment."""
    n, m = A.shape
    rows, cols = np.nonzero(~C)
    e = rows.size
    if e == 0:
        return None
    fixed_set = set(fixed)
    lower = np.array([1.0 if (r, c) in fixed_set else 0.0 for r, c in zip(rows, cols, strict=True)] + [-np.inf])
    upper = np.array([1.0] * e + [np.inf])
    a = A[rows, cols]
    a_eq = coo_matrix((np.ones(e), (rows, np.arange(e))), shape=(n, e + 1))
    a_col = coo_matrix((np.ones(e), (cols, np.arange(e))), shape=(m, e + 1))
    a_fair = hstack([coo_matrix((-a, (rows, np.arange(e))), shape=(n, e)), coo_matrix(np.ones((n, 1)))])
    constraints = [LinearConstraint(a_eq, k, k), LinearConstraint(a_col, Lmin, Lmax),
                   LinearConstraint(a_fair, -np.inf, 0)]
    integrality = np.array([1] * e + [0])
    objective = np.zeros(e + 1)
    objective[e] = -1
    opts = {"mip_rel_gap": 0}
    first = milp(objective, constraints=constraints, integrality=integrality, bounds=Bounds(lower, upper),
                 options=opts)
    if first.status != 0:
        return None
    worst = -first.fun
    lower[e] = worst - 1e-7
    second = milp(np.append(-a, 0.0), constraints=constraints, integrality=integrality, bounds=Bounds(lower, upper),
                  options=opts)
    assert second.status == 0
    return worst, -second.fun


@FAIR_PROPERTY
@given(instances(max_n=7, max_m=7))
def test_fair_mode_matches_the_exact_max_min(instance):
    A, C, k, Lmax, Lmin, fixed, c = instance
    result = solve(A, C, k, Lmax, Lmin, fixed, fair=True, candidates_per_proposal=c)
    reference = max_min_milp(A, C, k, Lmax, Lmin, fixed)
    if reference is None:
        assert result.infeasible
        return
    worst, total = reference
    assert result.optimal and result.fair
    check_constraints(result, A, C, k, Lmax, Lmin, fixed)
    assert (result.loads >= Lmin).all()
    # CP-SAT works on affinities scaled to 1e-6 steps; ties closer than that may resolve either way.
    assert result.worst_proposal == pytest.approx(worst, abs=k * 1e-6)
    assert result.total == pytest.approx(total, abs=A.shape[0] * k * 1e-6)
    assert result.bound == pytest.approx(result.worst_proposal)
    plain = solve(A, C, k, Lmax, Lmin, fixed)
    assert result.worst_proposal >= plain.worst_proposal - 1e-9
    assert result.total <= plain.total + 1e-9


def test_fair_mode_gives_up_total_for_the_worst_proposal():
    # Max total gives proposal 1 the poor expert; the fair answer swaps.
    A = np.array([[1.0, 0.2], [0.5, 0.0]])
    plain = solve(A, None, 1, np.array([1, 1]))
    fair = solve(A, None, 1, np.array([1, 1]), fair=True)
    assert plain.total == pytest.approx(1.0) and plain.worst_proposal == pytest.approx(0.0)
    assert fair.worst_proposal == pytest.approx(0.2) and fair.total == pytest.approx(0.7)
    assert fair.optimal


def test_fair_mode_large_instance_uses_the_approximation_with_a_certified_bound():
    rng = np.random.default_rng(3)
    A = rng.random((60, 30))
    C = rng.random((60, 30)) < 0.05
    result = solve(A, C, 2, np.full(30, 5), fair=True, exact_pairs=100, time_limit=5)
    plain = solve(A, C, 2, np.full(30, 5))
    check_constraints(result, A, C, 2, np.full(30, 5), np.zeros(30), [])
    assert result.worst_proposal >= plain.worst_proposal - 1e-9
    assert result.bound is not None and result.bound >= result.worst_proposal - 1e-9
    exact = max_min_milp(A, C, 2, np.full(30, 5), np.zeros(30), [])
    # The certified bound is an upper bound on the true max-min.
    assert result.bound >= exact[0] - 1e-9
    # The worst value is claimed only when it reaches that bound, and optimality only with the total too.
    assert result.worst_certified == (result.worst_proposal >= result.bound - 1e-9 * max(1.0, result.bound))
    assert result.optimal == (result.worst_certified and result.total_certified)
    if result.worst_certified:
        assert result.worst_proposal >= exact[0] - 1e-6


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fixed": [(0, 0)], "C": np.array([[True, False], [False, False]])}, "conflict of interest"),
        ({"fixed": [(0, 0), (0, 0)]}, "twice"),
        ({"fixed": [(0, 5)]}, "outside"),
        ({"Lmin": np.array([3, 0])}, "exceeds maximum"),
        ({"k": np.array([1, 2, 3])}, "k must be"),
        ({"A": np.array([[np.nan, 0.0], [0.0, 0.0]])}, "NaN"),
    ],
)
def test_bad_instances_get_a_clear_message(kwargs, message):
    args = {"A": np.zeros((2, 2)), "C": None, "k": 1, "Lmax": np.array([2, 2])}
    args.update(kwargs)
    with pytest.raises(InstanceError, match=message):
        solve(**args)


def test_float32_affinities_and_per_proposal_k():
    rng = np.random.default_rng(11)
    A = rng.random((40, 15)).astype(np.float32)
    k = rng.integers(0, 4, size=40)
    result = solve(A, None, k, np.full(15, 10))
    assert result.optimal
    assert np.array_equal(np.bincount(result.pairs[:, 0], minlength=40), k)
    rows, cols = np.nonzero(np.ones((40, 15), bool))
    reference = linprog(-A[rows, cols].astype(np.float64),
                        A_ub=coo_matrix((np.ones(rows.size), (cols, np.arange(rows.size))), shape=(15, rows.size)),
                        b_ub=np.full(15, 10),
                        A_eq=coo_matrix((np.ones(rows.size), (rows, np.arange(rows.size))), shape=(40, rows.size)),
                        b_eq=k, bounds=(0, 1), method="highs")
    assert result.total == pytest.approx(-reference.fun, abs=1e-5)


def run_cli(tmp_path, arrays, *extra):
    instance = tmp_path / "instance.npz"
    np.savez(instance, **arrays)
    out = tmp_path / "result.json"
    proc = subprocess.run([sys.executable, "-m", "minsheng.review.solver", str(instance), "--out", str(out), *extra],
                          capture_output=True, text=True, env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
                          timeout=120, check=False)
    return proc, out


def test_command_line_writes_the_result(tmp_path):
    rng = np.random.default_rng(2)
    A = rng.random((30, 12))
    C = rng.random((30, 12)) < 0.1
    arrays = {"A": A, "C": C, "k": np.int64(2), "Lmax": np.full(12, 6), "Lmin": np.zeros(12, int)}
    proc, out = run_cli(tmp_path, arrays)
    assert proc.returncode == 0, proc.stderr
    assert "reviews placed" in proc.stderr  # progress on stderr
    data = json.loads(out.read_text())
    assert set(data) == {"pairs", "total", "worst_proposal", "seconds", "optimal"}
    pairs = np.array(data["pairs"])
    assert not C[pairs[:, 0], pairs[:, 1]].any()
    assert data["optimal"] is True
    assert data["total"] == pytest.approx(lp_optimum(A, C, 2, np.full(12, 6), np.zeros(12), []), abs=TOL)

    proc, out = run_cli(tmp_path, arrays, "--fair")
    assert proc.returncode == 0, proc.stderr
    fair = json.loads(out.read_text())
    assert fair["worst_proposal"] >= data["worst_proposal"] - 1e-9


def test_command_line_reports_infeasible_proposals_and_bad_files(tmp_path):
    arrays = {"A": np.ones((2, 2)), "C": np.array([[True, True], [False, False]]), "k": np.int64(1),
              "Lmax": np.array([1, 1]), "Lmin": np.array([0, 0])}
    proc, out = run_cli(tmp_path, arrays)
    assert proc.returncode == 0
    data = json.loads(out.read_text())
    assert [e["proposal"] for e in data["infeasible"]] == [0]
    assert len(data["pairs"]) == 1

    proc, _ = run_cli(tmp_path, {"A": np.ones((2, 2))})
    assert proc.returncode == 2 and "lacks C, k, Lmax" in proc.stderr
