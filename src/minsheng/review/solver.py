"""Reviewer assignment: the best possible assignment of experts to proposals, with a proof.

Pure Python, numpy and OR-Tools; no Django. One call, :func:`solve`, takes numpy arrays and returns an
:class:`Assignment`.

Problem. N proposals, M experts, affinities ``A`` (N×M floats), conflicts ``C`` (N×M, True = forbidden).
Proposal i needs ``k[i]`` distinct reviewers, expert j reviews at most ``Lmax[j]`` and at least ``Lmin[j]``
proposals, and the ``fixed`` pairs (existing assignments) are kept. The solver maximises, in this order:

1. the number of reviews placed (a complete assignment whenever one exists);
2. the number of reviews that count towards the experts' minimum loads (all of them whenever the minimums can
   be met together with 1);
3. the total affinity (``fair=False``), or first the worst-served proposal's total affinity and then the total
   (``fair=True``).

What is exact (``optimal=True`` means all of the following were proven in this run):

* Total mode is an integer min-cost flow: source → proposal (capacity k) → expert (capacity 1, cost
  ``round((a_max − a)·scale)``) → sink. Affinities are rounded to integers with ``COST_RANGE = 10**9`` steps
  over their range, so the optimum found is exact for the rounded costs and within ``F·span/10**9`` of the
  optimum for the raw floats (F = number of reviews placed): for affinities in [0, 1] and F = 100,000 that is
  at most 1e-4 on a total near 10^5. Scores that lie on a decimal grid of at most ``GRID_DECIMALS`` decimals
  (as rounded affinity scores do, float32 storage included) are costed in grid steps instead, so the optimum is
  exact for the scores as given and ties stay ties. Totals are always recomputed from the chosen pairs in float64.
* Minimum loads: each expert → sink arc is split into a "must" arc (capacity ``Lmin``, cost 0) and a "rest" arc
  (capacity ``Lmax − Lmin``, cost B). With B > F·COST_RANGE, any flow with one more unit on must arcs is cheaper
  than every flow with fewer, whatever its affinity (the affinity part of a cost lies in [0, F·COST_RANGE]), so
  the min-cost flow meets every minimum whenever that is possible and otherwise meets as many as possible.
* Pruning keeps the answer exact. The flow is solved on the best ``c`` candidates per proposal (plus the best
  proposals of any expert that would otherwise be short of candidates). Without minimum loads, each proposal
  also has an overflow arc to the sink (capacity k, cost 64 times the affinity range; from the first round
  when the places exceed the reviews by less than 10%, else after a round that left reviews out), so the flow
  then places every review and its potentials price the full instance at once: on tight
  instances (no load slack) the pairs that empty the overflow arrive together by reduced cost rather than one
  augmenting search at a time. The overflow is a device of the pruned network only: the answer is certified
  only once it carries no flow. Then
  (a) if the flow is not complete (or pricing ends with overflow still used, which then is dropped), a
  breadth-first search on the residual graph of the *full* instance looks for an augmenting path; any found is
  added and the flow re-solved, otherwise the reachable set is a minimum cut of the full instance, which proves
  the flow maximum (and explains who cannot be served);
  (b) node potentials are computed as shortest-path distances in the residual graph of the pruned network
  (Bellman–Ford from a virtual root; the residual graph of an optimal flow has no negative cycle), and every
  pruned pair's reduced cost ``c_ij + π(p_i) − π(e_j)`` is checked over the full N×M matrix in row blocks.
  Pairs with a negative reduced cost are added back and the flow re-solved: from the previous optimal flow, by a
  min-cost circulation over the near-tight residual arcs (:func:`_repair`), whenever every review was placed.
  When none remains, the potentials satisfy complementary slackness on the full instance: the flow is a
  min-cost flow of the full instance. :func:`certify` checks any assignment against the duals derived from
  them, without trusting the solver.
* Fair mode, every proposal needing at most one more reviewer: exact and polynomial. The worst proposal's value
  is its single reviewer's affinity, so "worst ≥ T" holds exactly when only pairs with ``a ≥ T`` are used. A
  binary search over the distinct affinity values finds the largest T for which a complete flow (meeting the
  minimums) exists; the exact total-mode flow restricted to pairs ``a ≥ T*`` is then the maximum total among
  assignments whose worst proposal is ``T*``.
* Fair mode with k > 1: "every proposal gets k reviewers whose affinities sum to at least T" is NP-hard in
  general. The result says what was proven: ``worst_certified`` (the worst proposal's value is maximal) and
  ``total_certified`` (the total is maximal among assignments whose worst proposal is at least as good), and
  ``optimal`` is both. When the instance has at most ``exact_pairs`` allowed pairs, both stages are solved by
  CP-SAT over every allowed pair (affinities scaled to integers with 10^6 steps over their largest magnitude) and
  each is certified when CP-SAT proves it optimal within ``time_limit``. Larger instances:
  (a) ``bound``, a certified upper bound on the worst value over the full instance: the smallest, over proposals,
  of its fixed pairs' value plus its best ``kr`` allowed affinities (one pass over the matrix), and on instances
  up to ``FAIR_LP_PAIRS`` pairs also the LP relaxation's (weak duality from its duals, priced against every pair);
  (b) CP-SAT maximises the worst value over twice the total mode's candidates plus the max-total pairs, starting
  from the max-total assignment (feasible, so whatever time it gets gives an answer at least as fair), for three
  fifths of the time left; a pair (i, j) is left out when ``a_ij`` plus proposal i's best ``kr − 1`` others
  cannot reach the max-total assignment's worst value (no assignment at least as fair can use it); (c) CP-SAT
  then maximises the total under the worst value reached. The worst value is certified only when it meets
  ``bound``; the total only when it equals the unconstrained maximum total (the max-total assignment is the best
  total among assignments at least as fair as itself). On instances where no assignment attains the bound (the
  hard topic-cluster bench instances) the worst value is not certified.

When no complete assignment exists, the result is the maximum partial assignment (best affinity among those)
with one :class:`Explanation` per proposal that is short of reviewers, and one per expert whose minimum load
cannot be met. Fair mode then returns the total-mode result.

Command line::

    python -m minsheng.review.solver INSTANCE.npz --out RESULT.json [--fair]

INSTANCE.npz holds ``A`` (N×M float), ``C`` (N×M bool), ``k`` (int or N ints), ``Lmax`` (M ints), ``Lmin`` (M
ints, optional) and optionally ``fixed`` (n×2 ints). The result JSON has ``pairs`` (0-based
``[proposal, expert]``), ``total``, ``worst_proposal``, ``seconds``, ``optimal`` and, when some proposal cannot
be served, ``infeasible``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

COST_RANGE = 10**9
"""Integer steps between the lowest and the highest affinity in the min-cost flow's costs."""

GRID_DECIMALS = 6
"""Scores given to at most this many decimals are costed exactly on their decimal grid."""

REPAIR_WINDOW = 4
"""A round that only added pairs repairs the previous flow over residual arcs whose reduced cost is at most this
many times the most negative new pair's (see :func:`_repair`)."""

FAIR_SCALE = 10**6
"""Integer steps for the largest affinity magnitude in the CP-SAT models of fair mode."""

FAIR_LP_PAIRS = 250_000
"""Fair mode also bounds the worst proposal by its LP relaxation on instances up to this many pairs (the LP is
degenerate and slow beyond: 5 s at 1,500×600)."""

BLOCK_ENTRIES = 1 << 22
"""Matrix entries processed at once when scanning the full N×M instance (bounds temporary memory)."""

_INT64_HEADROOM = 1 << 62

Progress = Callable[[str], None]


class InstanceError(ValueError):
    """The instance itself is wrong (shapes, indices, a fixed pair that breaks a hard rule)."""


@dataclass(frozen=True)
class Explanation:
    """Why a proposal cannot get all its reviewers, or why an expert's minimum load cannot be met.

    kind is ``"few_experts"`` (fewer non-conflicted experts with free places than reviewers needed),
    ``"capacity"`` (the experts' load limits add up to less than the reviews needed), ``"hall"`` (the experts open
    to a group of proposals are full: Hall's condition fails for ``group``) or ``"min_load"``.
    """

    kind: str
    message: str
    proposal: int | None = None
    expert: int | None = None
    assigned: int = 0
    needed: int = 0
    group: tuple[int, ...] = ()

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "message": self.message,
            "proposal": self.proposal,
            "expert": self.expert,
            "assigned": self.assigned,
            "needed": self.needed,
            "group": list(self.group),
        }


@dataclass
class Assignment:
    """The solver's answer. Indices are 0-based; ``pairs`` rows are ``(proposal, expert)`` sorted."""

    pairs: np.ndarray
    total: float
    worst_proposal: float
    per_proposal: np.ndarray
    loads: np.ndarray
    optimal: bool
    seconds: float
    infeasible: list[Explanation] = field(default_factory=list)
    fair: bool = False
    bound: float | None = None
    """Fair mode: a certified upper bound on the worst proposal's value. Total mode: None."""
    worst_certified: bool = False
    """Fair mode: the worst proposal's value is proven maximal (it meets ``bound``, or CP-SAT proved it over every
    pair, or the threshold search when each proposal needs at most one more reviewer)."""
    total_certified: bool = False
    """Fair mode: the total is proven maximal among assignments whose worst proposal is at least this one's."""
    rounds: int = 0
    arcs: int = 0
    """Proposal–expert arcs in the final flow network (after pruning and add-back)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage of the exact flow (candidates, flow, augment, potentials, pricing; wall clock, and with
    " cpu" the process's CPU time), and the counts of rounds repaired from the previous flow ("repairs") and of
    repairs redone afresh ("repairs redone")."""
    duals: tuple[np.ndarray, np.ndarray] | None = None
    """Total mode, complete assignment: LP dual values (y per proposal, z per expert) in affinity units; feed
    them to :func:`dual_bound` for an independent upper bound on the LP optimum."""

    @property
    def complete(self) -> bool:
        return not any(e.proposal is not None for e in self.infeasible)

    def as_json(self) -> dict:
        out = {
            "pairs": self.pairs.tolist(),
            "total": float(self.total),
            "worst_proposal": float(self.worst_proposal),
            "seconds": float(self.seconds),
            "optimal": bool(self.optimal),
        }
        if self.infeasible:
            out["infeasible"] = [e.as_dict() for e in self.infeasible]
        if self.bound is not None:
            out["bound"] = float(self.bound)
        if self.fair:
            out["worst_certified"] = bool(self.worst_certified)
            out["total_certified"] = bool(self.total_certified)
        return out


# ---------------------------------------------------------------------------------------------------------
# The instance
# ---------------------------------------------------------------------------------------------------------


class _Instance:
    """Validated arrays plus what remains to assign after the fixed pairs."""

    def __init__(self, A, C, k, Lmax, Lmin, fixed) -> None:
        A = np.asarray(A)
        if A.ndim != 2:
            raise InstanceError("A must be a 2-D matrix of affinities (proposals × experts).")
        if not np.issubdtype(A.dtype, np.floating):
            A = A.astype(np.float64)
        self.A = A
        N, M = A.shape
        self.N, self.M = N, M
        if C is None:
            C = np.zeros((N, M), dtype=bool)
        C = np.asarray(C)
        if C.shape != (N, M):
            raise InstanceError(f"C has shape {C.shape}, expected {(N, M)}.")
        if C.dtype != np.bool_:
            C = C.astype(bool)
        self.C = C
        self.k = _int_vector(k, N, "k")
        self.Lmax = _int_vector(Lmax, M, "Lmax")
        self.Lmin = _int_vector(0 if Lmin is None else Lmin, M, "Lmin")
        if (self.k < 0).any() or (self.Lmax < 0).any() or (self.Lmin < 0).any():
            raise InstanceError("k, Lmax and Lmin must not be negative.")
        bad = np.nonzero(self.Lmin > self.Lmax)[0]
        if bad.size:
            j = bad[0]
            raise InstanceError(f"Expert {j}: minimum load {self.Lmin[j]} exceeds maximum {self.Lmax[j]}.")
        self.block_rows = max(1, BLOCK_ENTRIES // max(M, 1))

        lo, hi = math.inf, -math.inf
        for b0, b1 in self.blocks():
            block = A[b0:b1]
            if block.size:
                lo, hi = min(lo, float(block.min())), max(hi, float(block.max()))
        if N * M == 0:
            lo, hi = 0.0, 0.0
        if not (math.isfinite(lo) and math.isfinite(hi)):
            # min and max propagate NaN, and an infinity would be the min or the max.
            raise InstanceError("A contains NaN or infinite values.")
        self.amin, self.amax = lo, hi
        self.span = hi - lo if hi > lo else 1.0

        fixed = np.asarray(list(fixed) if fixed is not None else [], dtype=np.int64).reshape(-1, 2)
        if fixed.size:
            if (fixed < 0).any() or (fixed[:, 0] >= N).any() or (fixed[:, 1] >= M).any():
                raise InstanceError("A fixed pair names a proposal or expert outside the instance.")
            if np.unique(fixed, axis=0).shape[0] != fixed.shape[0]:
                raise InstanceError("The same fixed pair is given twice.")
            conflicted = C[fixed[:, 0], fixed[:, 1]]
            if conflicted.any():
                i, j = fixed[np.argmax(conflicted)]
                raise InstanceError(f"Fixed pair (proposal {i}, expert {j}) is a conflict of interest.")
            order = np.lexsort((fixed[:, 1], fixed[:, 0]))
            fixed = fixed[order]
        self.fixed = fixed
        self.fixed_count = np.bincount(fixed[:, 0], minlength=N).astype(np.int64)
        self.fixed_load = np.bincount(fixed[:, 1], minlength=M).astype(np.int64)
        over = np.nonzero(self.fixed_count > self.k)[0]
        if over.size:
            i = over[0]
            raise InstanceError(f"Proposal {i} has {self.fixed_count[i]} fixed reviewers but needs only {self.k[i]}.")
        over = np.nonzero(self.fixed_load > self.Lmax)[0]
        if over.size:
            j = over[0]
            raise InstanceError(f"Expert {j} has {self.fixed_load[j]} fixed proposals, above the limit {self.Lmax[j]}.")
        self.fixed_value = np.zeros(N, dtype=np.float64)
        if fixed.size:
            np.add.at(self.fixed_value, fixed[:, 0], A[fixed[:, 0], fixed[:, 1]].astype(np.float64))
        # What the flow still has to place.
        self.kr = self.k - self.fixed_count
        self.Ur = self.Lmax - self.fixed_load
        self.Lr = np.maximum(self.Lmin - self.fixed_load, 0)
        self.demand = int(self.kr.sum())
        self.grid = _decimal_grid(A, self.blocks(), self.span, max(abs(lo), abs(hi)))
        # Scores given to d decimals are costed on that grid: every tie stays a tie and the cost range (hence the
        # number of cost-scaling phases in the flow) is as small as the data allow.
        self.scale = float(self.grid) if self.grid else COST_RANGE / self.span
        self.cost_range = math.ceil(self.span * self.scale)
        self.bonus = 0
        if self.Lr.any():
            # B > F·cost range makes a unit on a "must" arc worth more than any affinity difference.
            self.bonus = (self.demand + 1) * self.cost_range + 1
            n_nodes = N + M + 2
            if self.bonus * (n_nodes + 1) > _INT64_HEADROOM:
                # Coarsen the affinity resolution so that OR-Tools' cost scaling cannot overflow.
                steps = max(1, _INT64_HEADROOM // (n_nodes + 1) // (self.demand + 1) - 1)
                self.scale = steps / self.span
                self.grid = None
                self.cost_range = steps
                self.bonus = (self.demand + 1) * steps + 1

    def blocks(self, rows: int | None = None) -> Iterator[tuple[int, int]]:
        step = rows or self.block_rows
        for b0 in range(0, self.N, step):
            yield b0, min(self.N, b0 + step)

    def cost(self, a: np.ndarray) -> np.ndarray:
        """Integer min-cost-flow cost of affinities ``a`` (the same rounding everywhere)."""
        return np.rint((self.amax - a.astype(np.float64)) * self.scale).astype(np.int64)

    def allowed(self, rows, floor: float | None = None) -> np.ndarray:
        """Pairs the flow may still use, for a row slice or an array of row indices.

        With ``floor``, only pairs that would lift their proposal's value (fixed pairs' affinity plus this pair's)
        to at least ``floor``: fair mode's threshold when every proposal needs at most one more reviewer.
        """
        ok = ~self.C[rows]
        ok &= (self.Ur > 0)[None, :]
        ok &= (self.kr[rows] > 0)[:, None]
        if self.fixed.size:
            if isinstance(rows, slice):
                sel = (self.fixed[:, 0] >= rows.start) & (self.fixed[:, 0] < rows.stop)
                ok[self.fixed[sel, 0] - rows.start, self.fixed[sel, 1]] = False
            else:
                rows = np.asarray(rows)
                pos = np.full(self.N, -1, dtype=np.int64)
                pos[rows] = np.arange(rows.size)
                local = pos[self.fixed[:, 0]]
                sel = local >= 0
                ok[local[sel], self.fixed[sel, 1]] = False
        if floor is not None:
            ok &= (self.fixed_value[rows][:, None] + self.A[rows]) >= floor
        return ok

    def allowed_at(self, r: np.ndarray, c: np.ndarray, floor: float | None = None) -> np.ndarray:
        """:meth:`allowed` for the pairs ``(r[e], c[e])`` only."""
        ok = ~self.C[r, c]
        ok &= self.Ur[c] > 0
        ok &= self.kr[r] > 0
        if self.fixed.size and r.size:
            keys = self.fixed[:, 0] * self.M + self.fixed[:, 1]
            key = r.astype(np.int64) * self.M + c
            pos = np.minimum(np.searchsorted(keys, key), keys.size - 1)
            ok &= keys[pos] != key
        if floor is not None:
            ok &= (self.fixed_value[r] + self.A[r, c]) >= floor
        return ok


def _decimal_grid(A: np.ndarray, spans, span: float, magnitude: float) -> int | None:
    """``10**d`` when every affinity is a multiple of ``10**-d`` (d ≤ GRID_DECIMALS, up to float32 rounding).

    Such scores are costed exactly on their grid. A value counts as on the grid when it lies within a few units of
    its storage's rounding (float32 or float64) of a grid value, and never more than 1% of a step: 0.80500292 is
    not 0.805, while 0.1234 held as float32 (0.12340000271…) is 0.1234. Rounding then recovers the grid value
    exactly. None when the scores have no such grid or the grid would be finer than COST_RANGE steps over the
    span. A sample picks d; the whole matrix is then checked, in the storage's own precision.
    """
    spans = list(spans)
    if not spans or A.size == 0:
        return None
    flat = A.reshape(-1)
    sample = flat[np.random.default_rng(A.size).integers(0, A.size, size=min(A.size, 4096))].astype(np.float64)
    # The storage's rounding, in steps: a few units of its last place at the largest scaled score (the product
    # below is computed in the storage's precision too).
    dtype = np.float32 if A.dtype == np.float32 else np.float64
    eps = float(np.finfo(dtype).eps)

    def tolerance(step: int) -> float:
        return min(0.01, 8 * eps * max(1.0, magnitude * step))

    for d in range(GRID_DECIMALS + 1):
        step = 10**d
        if span * step > COST_RANGE:
            return None
        scaled = sample * step
        if np.abs(scaled - np.rint(scaled)).max() <= tolerance(step):
            break
    else:
        return None
    factor, limit = dtype(step), tolerance(step)

    def off_grid(b0: int, b1: int) -> bool:
        scaled = np.multiply(A[b0:b1], factor, dtype=dtype)
        rounded = np.rint(scaled)
        scaled -= rounded
        return bool(np.abs(scaled, out=scaled).max() > limit)

    for b0, b1 in spans:
        if off_grid(b0, b1):
            return None
    return step


def _int_vector(value, n: int, name: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim == 0:
        arr = np.full(n, int(arr), dtype=np.int64)
    if arr.shape != (n,):
        raise InstanceError(f"{name} must be one integer or {n} integers, got shape {arr.shape}.")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(arr == np.round(arr)):
        raise InstanceError(f"{name} must hold whole numbers.")
    return arr.astype(np.int64)


# ---------------------------------------------------------------------------------------------------------
# Exact max-total flow with pruning and certification
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Flow:
    rows: np.ndarray  # chosen (non-fixed) pairs
    cols: np.ndarray
    certified: bool
    rounds: int
    arcs: int
    must_flow: int
    reached_p: np.ndarray | None  # source side of the min cut when the flow is not complete
    reached_e: np.ndarray | None
    potentials: np.ndarray | None
    proposal_flow: np.ndarray
    timings: dict[str, float]


class _Clock:
    """Wall-clock seconds per stage, summed over rounds."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.last = time.perf_counter()
        self.last_cpu = time.process_time()

    def lap(self, name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.laps[name] = self.laps.get(name, 0.0) + now - self.last
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu - self.last_cpu
        self.last, self.last_cpu = now, cpu


def _auto_candidates(inst: _Instance) -> int:
    kmax = int(inst.kr.max()) if inst.N else 0
    return max(kmax + 8, 2 * kmax + 4)


def _map_blocks(inst: _Instance, fn: Callable[[int, int], object]) -> list:
    """``fn(b0, b1)`` over row blocks, on a few threads (numpy releases the GIL on large array operations)."""
    spans = list(inst.blocks())
    workers = min(len(spans), os.cpu_count() or 1, 4)
    if workers <= 1:
        return [fn(b0, b1) for b0, b1 in spans]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda span: fn(*span), spans))


def _top_per_row(r: np.ndarray, c: np.ndarray, v: np.ndarray, width: int, descending: bool = True):
    """Of pairs grouped by row, keep the ``width`` best values per row (highest, or lowest if not descending)."""
    order = np.lexsort((-v if descending else v, r))
    r, c = r[order], c[order]
    first = np.searchsorted(r, r, side="left")
    keep = (np.arange(r.size) - first) < width
    return r[keep], c[keep]


def _row_candidates(inst: _Instance, c: int, floor, b0: int, b1: int) -> tuple[np.ndarray, np.ndarray]:
    """Best ``c`` allowed experts for each proposal in rows b0:b1 (fewer if fewer are allowed)."""
    M = inst.M
    sl = slice(b0, b1)
    block = inst.A[sl]
    if c < M // 8 and M >= 1024:
        # A threshold per row from a column sample keeps about 3c entries per row; rows left with fewer than c
        # allowed entries above it fall back to a full partition.
        sample = np.random.default_rng(M).choice(M, size=1024, replace=False)
        q = min(1024, max(2, math.ceil(3 * c * 1024 / M)))
        tau = np.partition(block[:, sample], 1024 - q, axis=1)[:, 1024 - q]
        r, cc = np.nonzero(block >= tau[:, None])
        r_abs = r + b0
        ok = inst.allowed_at(r_abs, cc, floor)
        r, cc = r[ok], cc[ok]
        count = np.bincount(r, minlength=b1 - b0)
        redo = np.nonzero((count < c) & (inst.kr[sl] > 0))[0]
        if redo.size:
            keep = ~np.isin(r, redo)
            r, cc = r[keep], cc[keep]
            ok = inst.allowed(b0 + redo, floor)
            vals = np.where(ok, block[redo], -np.inf)
            idx = np.argpartition(vals, M - c, axis=1)[:, M - c:]
            good = np.take_along_axis(ok, idx, axis=1)
            r = np.concatenate([r, np.broadcast_to(redo[:, None], idx.shape)[good]])
            cc = np.concatenate([cc, idx[good]])
        r, cc = _top_per_row(r, cc, block[r, cc].astype(np.float64), c)
        return r.astype(np.int64) + b0, cc.astype(np.int64)
    ok = inst.allowed(sl, floor)
    if c >= M:
        r, cc = np.nonzero(ok)
    else:
        vals = np.where(ok, block, -np.inf)
        idx = np.argpartition(vals, M - c, axis=1)[:, M - c:]
        keep = np.take_along_axis(ok, idx, axis=1)
        r = np.broadcast_to(np.arange(b1 - b0)[:, None], idx.shape)[keep]
        cc = idx[keep]
    return r.astype(np.int64) + b0, cc.astype(np.int64)


def _initial_candidates(inst: _Instance, c: int, floor) -> tuple[np.ndarray, np.ndarray]:
    N, M = inst.N, inst.M
    parts = _map_blocks(inst, lambda b0, b1: _row_candidates(inst, c, floor, b0, b1))
    rows = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
    cols = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
    # Experts short of candidates get their best proposals too, so that every expert's places can be used.
    degree = np.bincount(cols, minlength=M)
    want = np.minimum(inst.Ur + 2, N)
    short = np.nonzero((degree < want) & (inst.Ur > 0))[0]
    if short.size and N > 2048 and short.size * N > BLOCK_ENTRIES // 4:
        # A threshold per expert from a row sample keeps about 3·want entries per column in one pass over row
        # blocks; experts left with fewer than they want above it fall back to the exact column partition.
        sample = np.sort(inst.A[np.sort(np.random.default_rng(N).choice(N, size=2048, replace=False))][:, short],
                         axis=0)
        q = np.minimum(2048, np.maximum(2, np.ceil(3 * want[short] * 2048 / N).astype(np.int64)))
        tau = sample[2048 - q, np.arange(short.size)]
        del sample

        def column_scan(b0: int, b1: int):
            r, jj = np.nonzero(inst.A[b0:b1][:, short] >= tau[None, :])
            r += b0
            js = short[jj]
            ok = inst.allowed_at(r, js, floor)
            return r[ok], js[ok]

        parts = _map_blocks(inst, column_scan)
        extra_r = np.concatenate([p[0] for p in parts]).astype(np.int64)
        extra_c = np.concatenate([p[1] for p in parts]).astype(np.int64)
        got = np.bincount(extra_c, minlength=M)
        order = np.lexsort((-inst.A[extra_r, extra_c].astype(np.float64), extra_c))
        extra_r, extra_c = extra_r[order], extra_c[order]
        rank = np.arange(extra_c.size) - np.searchsorted(extra_c, extra_c, side="left")
        keep = rank < want[extra_c]
        rows = np.concatenate([rows, extra_r[keep]])
        cols = np.concatenate([cols, extra_c[keep]])
        short = short[got[short] < want[short]]
    if short.size:
        chunk = max(1, BLOCK_ENTRIES // max(N, 1))
        extra_r, extra_c = [], []
        for s0 in range(0, short.size, chunk):
            js = short[s0:s0 + chunk]
            sub_ok = ~inst.C[:, js]
            sub_ok &= (inst.kr > 0)[:, None]
            if floor is not None:
                sub_ok &= (inst.fixed_value[:, None] + inst.A[:, js]) >= floor
            if inst.fixed.size:
                pos = np.full(M, -1, dtype=np.int64)
                pos[js] = np.arange(js.size)
                local = pos[inst.fixed[:, 1]]
                sel = local >= 0
                sub_ok[inst.fixed[sel, 0], local[sel]] = False
            vals = np.where(sub_ok, inst.A[:, js], -np.inf)
            take = int(min(N, want[js].max()))
            idx = np.argpartition(vals, N - take, axis=0)[N - take:, :] if take < N else np.broadcast_to(
                np.arange(N)[:, None], (N, js.size))
            keep = np.take_along_axis(sub_ok, idx, axis=0)
            extra_r.append(idx[keep])
            extra_c.append(np.broadcast_to(js[None, :], idx.shape)[keep])
        rows = np.concatenate([rows, *extra_r])
        cols = np.concatenate([cols, *extra_c])
    return _merge(rows, cols)


def _merge(rows: np.ndarray, cols: np.ndarray, more_rows=None, more_cols=None) -> tuple[np.ndarray, np.ndarray]:
    if more_rows is not None:
        rows = np.concatenate([rows, more_rows])
        cols = np.concatenate([cols, more_cols])
    if rows.size == 0:
        return rows.astype(np.int64), cols.astype(np.int64)
    key = rows.astype(np.int64) * (int(cols.max()) + 1 if cols.size else 1) + cols
    key, first = np.unique(key, return_index=True)
    return rows[first].astype(np.int64), cols[first].astype(np.int64)


def _bellman_ford(n: int, tails: np.ndarray, heads: np.ndarray, costs: np.ndarray) -> np.ndarray:
    """Shortest distances from a virtual root joined to every node at cost 0 (so all distances ≤ 0)."""
    if tails.size == 0:
        return np.zeros(n, dtype=np.int64)
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    targets, starts = np.unique(heads, return_index=True)
    dist = np.zeros(n, dtype=np.int64)
    for _ in range(n + 1):
        best = np.minimum.reduceat(dist[tails] + costs, starts)
        current = dist[targets]
        better = best < current
        if not better.any():
            return dist
        dist[targets[better]] = best[better]
    raise RuntimeError("The residual graph has a negative cycle: the flow is not optimal.")


def _max_total(inst: _Instance, c: int | None, floor=None, progress: Progress | None = None,
               max_rounds: int = 200) -> _Flow:
    """Lexicographic max (reviews placed, minimum-load reviews, affinity) flow, certified on the full instance."""
    N, M = inst.N, inst.M
    s, t = N + M, N + M + 1
    n_nodes = N + M + 2
    c = c if c is not None else _auto_candidates(inst)
    clock = _Clock()
    rows, cols = _initial_candidates(inst, max(1, c), floor)
    clock.lap("candidates")
    kr, Ur, Lr = inst.kr, inst.Ur, inst.Lr
    certified = False
    rounds = 0
    reached_p = reached_e = None
    dist = None
    # Overflow arcs (proposal → sink, cost P) keep the pruned network able to place every review, so that its
    # potentials price the full instance from the first round: the pairs that would let a proposal leave its
    # overflow arc have negative reduced costs and come in together, instead of one augmenting path search per
    # round. They are used only without minimum loads (P must stay above every real arc's cost) and dropped once
    # pricing finds nothing more while some overflow is still used: the search below then settles the rest.
    # They slow OR-Tools down a little, so with 10% or more spare places in all (where the candidates nearly always
    # suffice) they join only after a round that could not place every review.
    overflow_cost = 64 * (int(inst.cost(np.array([inst.amin]))[0]) + 1)
    usable = inst.bonus == 0 and overflow_cost * (n_nodes + 1) <= _INT64_HEADROOM // 4
    overflow = usable and int(np.maximum(Ur, 0).sum()) < 1.1 * inst.demand
    overflow_next = usable and not overflow
    warm = None
    repairs = retries = 0
    while True:
        rounds += 1
        E = rows.size
        pair_cost = inst.cost(inst.A[rows, cols]) if E else np.zeros(0, np.int64)
        X = N if overflow else 0
        tails = np.concatenate([np.full(N, s), rows, N + np.arange(M), N + np.arange(M),
                                np.arange(X)]).astype(np.int32)
        heads = np.concatenate([np.arange(N), N + cols, np.full(M, t), np.full(M, t), np.full(X, t)]).astype(np.int32)
        caps = np.concatenate([kr, np.ones(E, np.int64), Lr, Ur - Lr, kr[:X]]).astype(np.int64)
        costs = np.concatenate([np.zeros(N, np.int64), pair_cost, np.zeros(M, np.int64),
                                np.full(M, inst.bonus, np.int64), np.full(X, overflow_cost, np.int64)])
        flows = None
        if warm is not None and warm[0] == X:
            flows = _repair(n_nodes, tails, heads, caps, costs, warm, rows, cols, M)
        repaired = flows is not None
        repairs += repaired
        if flows is None:
            mcf = min_cost_flow.SimpleMinCostFlow()
            mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
            # Supplies bound the flow; solve_max_flow_with_min_cost pushes as much of it as the network allows.
            mcf.set_node_supply(s, inst.demand)
            mcf.set_node_supply(t, -inst.demand)
            status = mcf.solve_max_flow_with_min_cost()
            if status != mcf.OPTIMAL:
                raise RuntimeError(f"OR-Tools min-cost flow failed with status {status}.")
            flows = np.asarray(mcf.flows(np.arange(mcf.num_arcs())), dtype=np.int64)
            del mcf
        warm = None
        clock.lap("flow")
        fo = flows[N + E + 2 * M:]
        fs = flows[:N].copy()
        fs[:X] -= fo
        fp = flows[N:N + E]
        fm = flows[N + E:N + E + M]
        fr = flows[N + E + M:N + E + 2 * M]
        used = fp > 0
        chosen_r, chosen_c = rows[used], cols[used]
        placed = int(fs.sum())
        if progress:
            progress(f"round {rounds}: {E:,} arcs, {placed:,}/{inst.demand:,} reviews placed")

        if placed < inst.demand and overflow_next:
            overflow, overflow_next = True, False
            if progress:
                progress("  not every review placed: overflow arcs added")
            continue
        if placed < inst.demand and not overflow:
            new_r, new_c, reached_p, reached_e = _augmenting_search(inst, chosen_r, chosen_c, fs, fm + fr, floor)
            clock.lap("augment")
            if new_r is not None:
                rows, cols = _merge(rows, cols, new_r, new_c)
                if progress:
                    progress(f"  augmenting paths outside the candidates: +{new_r.size} arcs")
                continue
        else:
            reached_p = reached_e = None

        # Potentials: shortest distances in the residual graph of the pruned network.
        res_t = [rows[~used], N + cols[used]]
        res_h = [N + cols[~used], rows[used]]
        res_c = [pair_cost[~used], -pair_cost[used]]
        prop = np.arange(N)
        exp = N + np.arange(M)
        fs_all = fs + (fo if overflow else 0)
        for mask, tail, head, cost in (
            (fs_all < kr, np.full(N, s), prop, 0),
            (fs_all > 0, prop, np.full(N, s), 0),
            (fm < Lr, exp, np.full(M, t), 0),
            (fm > 0, np.full(M, t), exp, 0),
            (fr < Ur - Lr, exp, np.full(M, t), inst.bonus),
            (fr > 0, np.full(M, t), exp, -inst.bonus),
            (fo < kr[:X], prop[:X], np.full(X, t), overflow_cost),
            (fo > 0, np.full(X, t), prop[:X], -overflow_cost),
        ):
            res_t.append(tail[mask])
            res_h.append(head[mask])
            res_c.append(np.full(int(mask.sum()), cost, np.int64))
        try:
            dist = _bellman_ford(n_nodes, np.concatenate(res_t), np.concatenate(res_h), np.concatenate(res_c))
        except RuntimeError:
            if not repaired:
                raise
            # The repair missed a cycle outside its window: solve this network afresh.
            rounds -= 1
            retries += 1
            continue
        clock.lap("potentials")
        new_r, new_c = _negative_reduced_costs(inst, rows, cols, dist, floor, per_row=max(2, 2 * c))
        clock.lap("pricing")
        if new_r.size == 0:
            if overflow and placed < inst.demand:
                # No pair can lower the cost, yet some reviews still go to the overflow: leave it to the search.
                overflow = False
                if progress:
                    progress("  overflow still used after pricing: searching for augmenting paths")
                continue
            certified = True
            break
        if progress:
            progress(f"  pruned pairs that could improve the flow: +{new_r.size:,} arcs")
        if int(flows[:N].sum()) == inst.demand:
            # Every review is placed (some maybe on overflow arcs): the next round starts from this flow and its
            # potentials instead of from nothing.
            warm = (X, flows, rows, cols, E, dist)
        rows, cols = _merge(rows, cols, new_r, new_c)
        if rounds >= max_rounds:
            break
    must_flow = int(np.minimum(fm, Lr).sum())
    return _Flow(rows=chosen_r, cols=chosen_c, certified=certified, rounds=rounds, arcs=int(rows.size),
                 must_flow=must_flow, reached_p=reached_p, reached_e=reached_e, potentials=dist,
                 proposal_flow=fs, timings={**clock.laps, **{f"{k} cpu": v for k, v in clock.cpu.items()},
                                            "repairs": repairs, "repairs redone": retries})


def _repair(n_nodes: int, tails, heads, caps, costs, warm, rows, cols, M: int) -> np.ndarray | None:
    """The min-cost flow of a network that gained pair arcs, from the previous round's optimal flow.

    ``warm`` holds that flow, its network's pair arcs and potentials π (reduced costs ``c + π(tail) − π(head)`` are
    ≥ 0 on every residual arc of the old network). Only the new arcs can have negative reduced costs, and they
    add up to −B. The new optimum differs from the old flow by negative cycles of the residual graph, and on such a
    cycle no arc's reduced cost can exceed B; so a min-cost circulation over the residual arcs whose reduced cost
    is at most B, with those reduced costs (small integers: few cost-scaling phases), turns the old flow into the
    new optimum. Returns the flow per arc of the new network (None if OR-Tools fails); the caller certifies it as it
    does any flow.
    """
    X, old_flows, old_rows, old_cols, old_E, pi = warm
    N = tails.size - rows.size - 2 * M - X
    E = rows.size
    flows = np.zeros(tails.size, dtype=np.int64)
    flows[:N] = old_flows[:N]
    flows[N + E:] = old_flows[N + old_E:]
    pos = np.searchsorted(rows * M + cols, old_rows * M + old_cols)
    flows[N + pos] = old_flows[N:N + old_E]
    tails64, heads64 = tails.astype(np.int64), heads.astype(np.int64)
    rc = costs + pi[tails64] - pi[heads64]
    fwd = flows < caps
    bwd = flows > 0
    budget = int(-rc[fwd & (rc < 0)].sum())
    if budget == 0:
        return flows
    # B bounds every cycle's positive part; cycles through more than a few of the new arcs are rare, so the
    # window is narrowed to REPAIR_WINDOW times the most negative arc. Should a cycle be missed, the caller's
    # potentials find it as a negative cycle and the round is solved afresh.
    budget = min(budget, REPAIR_WINDOW * int(-rc[fwd].min()))
    keep_f = fwd & (rc <= budget)
    keep_b = bwd & (-rc <= budget)
    idx_f = np.nonzero(keep_f)[0]
    idx_b = np.nonzero(keep_b)[0]
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([tails[idx_f], heads[idx_b]]).astype(np.int32),
        np.concatenate([heads[idx_f], tails[idx_b]]).astype(np.int32),
        np.concatenate([caps[idx_f] - flows[idx_f], flows[idx_b]]).astype(np.int64),
        np.concatenate([rc[idx_f], -rc[idx_b]]).astype(np.int64))
    mcf.set_node_supply(n_nodes - 1, 0)
    if mcf.solve() != mcf.OPTIMAL:
        return None
    g = np.asarray(mcf.flows(np.arange(mcf.num_arcs())), dtype=np.int64)
    np.add.at(flows, idx_f, g[:idx_f.size])
    np.subtract.at(flows, idx_b, g[idx_f.size:])
    return flows


def _negative_reduced_costs(inst: _Instance, rows, cols, dist, floor, per_row: int):
    """Pairs outside the network whose reduced cost is negative (they could lower the flow's cost).

    The reduced cost ``round((a_max − a)·s) + π_i − π_j`` is negative only if ``a + π_j/s > a_max + π_i/s`` up
    to the rounding; a float64 pass with a safe margin keeps the pairs near or past that line, and the exact
    integer test runs on those alone. A row with many pairs past the line (a proposal that still uses the
    overflow arc) keeps only its ``per_row`` best allowed new pairs, provided all of them are clearly past the
    line (so each is certainly negative); otherwise every pair near the line goes to the exact test.
    """
    N, M = inst.N, inst.M
    pi_p = dist[:N]
    pi_e = dist[N:N + M]
    col_shift = pi_e / inst.scale
    row_line = inst.amax + pi_p / inst.scale
    magnitude = (1.0 + np.abs(col_shift).max(initial=0) + np.abs(row_line).max(initial=0)
                 + abs(inst.amin) + abs(inst.amax))
    # float32 halves the memory traffic; it is used while its rounding error stays small beside the affinities'
    # grid (the margin below covers it either way), float64 when overflow potentials make the numbers large.
    dtype = np.float32 if 64 * float(np.finfo(np.float32).eps) * magnitude < 1e-4 * inst.span else np.float64
    margin = 2.0 / inst.scale + 64 * float(np.finfo(dtype).eps) * magnitude
    line_lo = row_line - margin
    line_hi = row_line + margin
    keys = rows * M + cols
    row_start = np.searchsorted(rows, np.arange(N + 1))

    def scan(b0: int, b1: int):
        sl = slice(b0, b1)
        near = np.add(inst.A[sl], col_shift.astype(dtype)[None, :], dtype=dtype)
        mask = near > line_lo[b0:b1, None].astype(dtype)
        count = np.count_nonzero(mask, axis=1)
        big = np.nonzero(count > 4 * per_row)[0]
        sure_r, sure_c = [], []
        if big.size:
            sub = np.where(inst.allowed(b0 + big, floor), near[big], -np.inf)
            for n_i, i in enumerate(big):
                sub[n_i, cols[row_start[b0 + i]:row_start[b0 + i + 1]]] = -np.inf
            idx = np.argpartition(sub, M - per_row, axis=1)[:, M - per_row:]
            top = np.take_along_axis(sub, idx, axis=1)
            clear = (top > line_hi[b0 + big][:, None]).all(axis=1)
            if clear.any():
                mask[big[clear]] = False
                sure_r.append(np.broadcast_to(big[clear][:, None], (int(clear.sum()), per_row)).ravel() + b0)
                sure_c.append(idx[clear].ravel())
        r, cc = np.nonzero(mask)
        del near, mask
        r += b0
        rc = inst.cost(inst.A[r, cc]) + pi_p[r] - pi_e[cc]
        neg = rc < 0
        r, cc, rc = r[neg], cc[neg], rc[neg]
        ok = inst.allowed_at(r, cc, floor)
        key = r * M + cc
        pos = np.searchsorted(keys, key)
        pos[pos >= keys.size] = 0
        ok &= keys[pos] != key if keys.size else ok
        r, cc, rc = r[ok], cc[ok], rc[ok]
        if sure_r:
            sr = np.concatenate(sure_r).astype(np.int64)
            sc = np.concatenate(sure_c).astype(np.int64)
            r = np.concatenate([r, sr])
            cc = np.concatenate([cc, sc])
            rc = np.concatenate([rc, inst.cost(inst.A[sr, sc]) + pi_p[sr] - pi_e[sc]])
        return r, cc, rc

    parts = _map_blocks(inst, scan)
    r = np.concatenate([p[0] for p in parts]).astype(np.int64)
    cc = np.concatenate([p[1] for p in parts]).astype(np.int64)
    v = np.concatenate([p[2] for p in parts])
    if r.size == 0:
        return r, cc
    # Keep the most negative few per proposal: enough to make progress, not enough to rebuild a dense graph.
    return _top_per_row(r, cc, v.astype(np.float64), per_row, descending=False)


def _augmenting_search(inst: _Instance, used_r, used_c, fs, loads, floor):
    """Search the full instance's residual graph from the proposals short of reviewers.

    Returns (rows, cols) of arcs to add when an augmenting path exists, otherwise (None, None, reached proposals,
    reached experts): the source side of a minimum cut of the full instance.
    """
    N, M = inst.N, inst.M
    reached_p = np.zeros(N, bool)
    reached_e = np.zeros(M, bool)
    parent = np.full(M, -1, dtype=np.int64)
    order = np.argsort(used_c, kind="stable")
    by_expert_r = used_r[order]
    by_expert_start = np.searchsorted(used_c[order], np.arange(M + 1))
    frontier = np.nonzero(fs < inst.kr)[0]
    reached_p[frontier] = True
    free = loads < inst.Ur
    chunk = max(1, BLOCK_ENTRIES // max(M, 1))
    while frontier.size:
        new_experts = []
        for f0 in range(0, frontier.size, chunk):
            idx = np.sort(frontier[f0:f0 + chunk])
            ok = inst.allowed(idx, floor)
            ok &= ~reached_e[None, :]
            pos = np.full(N, -1, dtype=np.int64)
            pos[idx] = np.arange(idx.size)
            local = pos[used_r]
            sel = local >= 0
            ok[local[sel], used_c[sel]] = False  # a used pair's forward arc is saturated
            hit = ok.any(axis=0)
            js = np.nonzero(hit)[0]
            if js.size:
                parent[js] = idx[np.argmax(ok[:, js], axis=0)]
                reached_e[js] = True
                new_experts.append(js)
        if not new_experts:
            break
        js = np.concatenate(new_experts)
        if free[js].any():
            tree = np.nonzero(reached_e)[0]
            return parent[tree], tree, None, None
        nxt = [by_expert_r[by_expert_start[j]:by_expert_start[j + 1]] for j in js]
        nxt = np.unique(np.concatenate(nxt)) if nxt else np.zeros(0, np.int64)
        nxt = nxt[~reached_p[nxt]]
        reached_p[nxt] = True
        frontier = nxt
    return None, None, reached_p, reached_e


# ---------------------------------------------------------------------------------------------------------
# Explanations
# ---------------------------------------------------------------------------------------------------------


def _names(items: Sequence[int], limit: int = 10) -> str:
    items = list(items)
    text = ", ".join(str(i) for i in items[:limit])
    if len(items) > limit:
        text += f" and {len(items) - limit} more"
    return "{" + text + "}"


def _explain(inst: _Instance, flow: _Flow, loads: np.ndarray) -> list[Explanation]:
    out: list[Explanation] = []
    fs = flow.proposal_flow
    short = np.nonzero(fs < inst.kr)[0]
    if short.size:
        total_places = int(inst.Ur.sum())
        group = tuple(int(i) for i in np.nonzero(flow.reached_p)[0]) if flow.reached_p is not None else ()
        group_experts = np.nonzero(flow.reached_e)[0] if flow.reached_e is not None else np.zeros(0, np.int64)
        group_arr = np.asarray(group, dtype=np.int64)
        group_need = int(inst.kr[group_arr].sum()) if group else 0
        group_got = int(fs[group_arr].sum()) if group else 0
        for i in short:
            i = int(i)
            open_experts = int(inst.allowed(np.array([i]))[0].sum())
            assigned = int(inst.k[i] - inst.kr[i] + fs[i])
            needed = int(inst.k[i])
            if open_experts < inst.kr[i]:
                conflicted = int(inst.C[i].sum())
                if open_experts == 0:
                    msg = (f"Proposal {i} cannot get {needed} reviewers: every expert is conflicted or full "
                           f"({conflicted} of {inst.M} conflicted).")
                else:
                    msg = (f"Proposal {i} cannot get {needed} reviewers: only {open_experts} non-conflicted experts "
                           f"have free places ({conflicted} of {inst.M} conflicted).")
                out.append(Explanation("few_experts", msg, proposal=i, assigned=assigned, needed=needed))
            elif total_places < inst.demand:
                msg = (f"Proposal {i} gets {assigned} of {needed} reviewers: the experts' load limits leave "
                       f"{total_places} places (sum of Lmax) for {inst.demand} reviews (N·k).")
                out.append(Explanation("capacity", msg, proposal=i, assigned=assigned, needed=needed, group=group))
            else:
                msg = (f"Proposal {i} gets {assigned} of {needed} reviewers: the experts available to proposals "
                       f"{_names(group)} are full — they need {group_need} reviews but their "
                       f"{group_experts.size} open experts can give at most {group_got} (Hall's condition fails).")
                out.append(Explanation("hall", msg, proposal=i, assigned=assigned, needed=needed, group=group))
    short_e = np.nonzero(loads < inst.Lmin)[0]
    if short_e.size:
        col_open = np.zeros(inst.M, dtype=np.int64)
        for b0, b1 in inst.blocks():
            col_open += inst.allowed(slice(b0, b1)).sum(axis=0)
        col_open += inst.fixed_load
        for j in short_e:
            j = int(j)
            if col_open[j] < inst.Lmin[j]:
                msg = (f"Expert {j} cannot reach the minimum load {inst.Lmin[j]}: only {col_open[j]} proposals are "
                       "open to them (not conflicted, still needing reviewers).")
            elif int(inst.Lmin.sum()) > int(inst.k.sum()):
                msg = (f"Expert {j} gets {loads[j]} of the minimum {inst.Lmin[j]}: the minimum loads add up to "
                       f"{int(inst.Lmin.sum())} but only {int(inst.k.sum())} reviews are needed.")
            else:
                msg = (f"Expert {j} gets {loads[j]} of the minimum {inst.Lmin[j]}: meeting it would leave another "
                       "proposal short of reviewers or another expert below their minimum.")
            out.append(Explanation("min_load", msg, expert=j, assigned=int(loads[j]), needed=int(inst.Lmin[j])))
    return out


# ---------------------------------------------------------------------------------------------------------
# Results and certificates
# ---------------------------------------------------------------------------------------------------------


def _finish(inst: _Instance, rows, cols, started: float, optimal: bool, explanations, *, fair=False, bound=None,
            rounds=0, arcs=0, duals=None) -> Assignment:
    pairs = np.concatenate([inst.fixed, np.stack([rows, cols], axis=1).astype(np.int64)]) if len(rows) else inst.fixed
    pairs = pairs.reshape(-1, 2)
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    pairs = pairs[order]
    values = inst.A[pairs[:, 0], pairs[:, 1]].astype(np.float64)
    per_proposal = np.bincount(pairs[:, 0], weights=values, minlength=inst.N)
    loads = np.bincount(pairs[:, 1], minlength=inst.M).astype(np.int64)
    served = inst.k > 0
    worst = float(per_proposal[served].min()) if served.any() else 0.0
    return Assignment(pairs=pairs, total=float(values.sum()), worst_proposal=worst, per_proposal=per_proposal,
                      loads=loads, optimal=optimal, seconds=time.perf_counter() - started,
                      infeasible=explanations, fair=fair, bound=bound, rounds=rounds, arcs=arcs, duals=duals)


def _duals_from_potentials(inst: _Instance, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LP duals of max Σ a·x (Σ_j x_ij = k_i, Σ_i x_ij ≤ Lmax_j, 0 ≤ x ≤ 1) from the flow's potentials."""
    N, M = inst.N, inst.M
    r = -dist[:N].astype(np.float64)
    q = -dist[N:N + M].astype(np.float64)
    q_t = -float(dist[N + M + 1])
    alpha = r - q_t
    beta = np.maximum(q - q_t, 0.0)
    # On a decimal grid the costs were measured from the grid value of the largest score, not its float32 copy.
    amax = float(np.rint(inst.amax * inst.grid) / inst.grid) if inst.grid else inst.amax
    y = amax - alpha / inst.scale
    z = beta / inst.scale
    return y, z


def dual_bound(A, C, k, Lmax, y, z, fixed=None) -> float:
    """Weak-duality upper bound on max Σ a·x over complete assignments (Lmin relaxed), for any y and z ≥ 0.

    ``Σ_i k'_i·y_i + Σ_j Lmax'_j·z_j + Σ_{allowed ij} max(0, a_ij − y_i − z_j)`` plus the fixed pairs'
    affinity, where primes are what remains after the fixed pairs. It holds whatever produced y and z, so it
    certifies a total independently of the solver: total == bound proves the total optimal.

    Scores stored on a decimal grid (see :func:`_decimal_grid`; 0.1234 held as float32 is 0.12340000271…) are
    read as their grid values, the scores the solver optimised: otherwise the storage error of each pair tied
    at zero reduced cost, up to 6e-8 of its value, would add up over thousands of ties.
    """
    inst = _Instance(A, C, k, Lmax, None, fixed)
    z = np.maximum(np.asarray(z, dtype=np.float64), 0.0)
    y = np.asarray(y, dtype=np.float64)
    fixed_value = inst.fixed_value
    if inst.grid and inst.fixed.size:
        fixed_value = np.bincount(inst.fixed[:, 0], weights=_on_grid(inst, inst.A[inst.fixed[:, 0], inst.fixed[:, 1]]),
                                  minlength=inst.N)
    bound = float(fixed_value.sum()) + float(inst.kr @ y) + float(np.maximum(inst.Ur, 0) @ z)
    for b0, b1 in inst.blocks():
        sl = slice(b0, b1)
        slack = _on_grid(inst, inst.A[sl]) - y[b0:b1, None] - z[None, :]
        np.maximum(slack, 0.0, out=slack)
        slack *= inst.allowed(sl)
        bound += float(slack.sum())
    return bound


def _on_grid(inst: _Instance, a: np.ndarray) -> np.ndarray:
    """Affinities in float64, snapped to the instance's decimal grid when it has one."""
    a = a.astype(np.float64)
    if inst.grid:
        a = np.rint(a * inst.grid) / inst.grid
    return a


def certify(A, C, k, Lmax, pairs, y, z, fixed=None) -> bool:
    """Whether ``pairs`` is a complete assignment whose total is proven maximal by the duals ``(y, z)``.

    The pairs must keep every rule (no conflict, no pair twice, each proposal exactly ``k`` reviewers, no expert
    above ``Lmax``, every fixed pair kept), and their total must reach :func:`dual_bound` (relative tolerance
    1e-9). The bound holds for every complete assignment whatever produced y and z, so a True answer is a proof
    of optimality that does not trust the solver; an assignment with a smaller total than the optimum is always
    rejected, since the bound is at least the optimum.
    """
    A = np.asarray(A)
    N, M = A.shape
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    C = np.zeros((N, M), dtype=bool) if C is None else np.asarray(C, dtype=bool)
    kv = _int_vector(k, N, "k")
    Lv = _int_vector(Lmax, M, "Lmax")
    if pairs.size and ((pairs < 0).any() or (pairs[:, 0] >= N).any() or (pairs[:, 1] >= M).any()):
        return False
    if np.unique(pairs, axis=0).shape[0] != pairs.shape[0] or C[pairs[:, 0], pairs[:, 1]].any():
        return False
    if not np.array_equal(np.bincount(pairs[:, 0], minlength=N), kv):
        return False
    if (np.bincount(pairs[:, 1], minlength=M) > Lv).any():
        return False
    fixed_arr = np.asarray(list(fixed) if fixed is not None else [], dtype=np.int64).reshape(-1, 2)
    if fixed_arr.size:
        have = set(map(tuple, pairs.tolist()))
        if any(tuple(p) not in have for p in fixed_arr.tolist()):
            return False
    inst = _Instance(A, C, kv, Lv, None, fixed_arr)
    total = float(_on_grid(inst, A[pairs[:, 0], pairs[:, 1]]).sum())
    return _reaches(total, dual_bound(A, C, kv, Lv, y, z, fixed_arr))


# ---------------------------------------------------------------------------------------------------------
# Fair mode
# ---------------------------------------------------------------------------------------------------------


def _fair_threshold(inst: _Instance, base: Assignment, started: float, c, progress) -> Assignment:
    """Exact max-min then max-total when every proposal needs at most one more reviewer (see module docstring)."""
    need = inst.kr == 1
    done = (inst.k > 0) & (inst.kr == 0)
    cap = float(inst.fixed_value[done].min()) if done.any() else math.inf
    w0 = float(base.per_proposal[need].min()) if need.any() else math.inf
    hi = cap
    row_best = np.full(inst.N, -math.inf)
    for b0, b1 in inst.blocks():
        sl = slice(b0, b1)
        ok = inst.allowed(sl)
        vals = np.where(ok, inst.fixed_value[sl][:, None] + inst.A[sl], -math.inf)
        row_best[b0:b1] = vals.max(axis=1) if inst.M else -math.inf
    if need.any():
        hi = min(hi, float(row_best[need].min()))
    if not need.any() or w0 >= hi:
        base.bound = base.worst_proposal if base.optimal else None
        base.worst_certified = base.total_certified = base.optimal
        base.seconds = time.perf_counter() - started
        return base
    values = []
    for b0, b1 in inst.blocks():
        sl = slice(b0, b1)
        ok = inst.allowed(sl)
        v = inst.fixed_value[sl][:, None] + inst.A[sl]
        v = v[ok & (v > w0) & (v <= hi)]
        values.append(np.unique(v))
    values = np.unique(np.concatenate(values)) if values else np.zeros(0)
    if np.isfinite(cap) and w0 < cap <= hi:
        values = np.union1d(values, [cap])
    lo_i, hi_i = -1, values.size  # values[lo_i] feasible (-1: base's w0), values[hi_i] infeasible
    best_flow = None
    certified = base.optimal
    rounds = base.rounds
    while hi_i - lo_i > 1:
        mid = (lo_i + hi_i) // 2
        threshold = float(values[mid])
        flow = _max_total(inst, c, floor=threshold)
        rounds += flow.rounds
        ok = flow.reached_p is None and flow.must_flow == int(inst.Lr.sum())
        if progress:
            progress(f"fair: worst ≥ {threshold:.6f} {'feasible' if ok else 'infeasible'}")
        if ok:
            lo_i, best_flow = mid, flow
            certified = certified and flow.certified
        else:
            hi_i = mid
            # An infeasible threshold is proven by a minimum cut of the full instance (or the must-flow's
            # certificate), so a flow that is not certified leaves the search unproven.
            certified = certified and flow.certified
    if best_flow is None:
        base.bound = base.worst_proposal if certified else None
        base.optimal = base.worst_certified = base.total_certified = certified
        base.seconds = time.perf_counter() - started
        return base
    result = _finish(inst, best_flow.rows, best_flow.cols, started, certified and best_flow.certified, [],
                     fair=True, rounds=rounds, arcs=best_flow.arcs)
    result.bound = result.worst_proposal if result.optimal else None
    result.worst_certified = result.total_certified = result.optimal
    return result


def _fair_pairs_within(inst: _Instance, limit: int) -> bool:
    """Whether the instance has at most ``limit`` allowed pairs (then fair mode solves it over every pair)."""
    count = 0
    for b0, b1 in inst.blocks():
        count += int(inst.allowed(slice(b0, b1)).sum())
        if count > limit:
            return False
    return True


def _fair_pairs(inst: _Instance, base: Assignment, c, exact_pairs: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Every allowed pair when there are at most ``exact_pairs`` (True), else candidates (False)."""
    if _fair_pairs_within(inst, exact_pairs):
        rs, cs = [], []
        for b0, b1 in inst.blocks():
            r, cc = np.nonzero(inst.allowed(slice(b0, b1)))
            rs.append(r + b0)
            cs.append(cc)
        return np.concatenate(rs).astype(np.int64), np.concatenate(cs).astype(np.int64), True
    rows, cols = _fair_candidates(inst, base, c)
    return rows, cols, False


def _fair_candidates(inst: _Instance, base: Assignment, c) -> tuple[np.ndarray, np.ndarray]:
    """Twice the total mode's candidates per proposal, plus the max-total assignment's pairs (sorted by row)."""
    width = 2 * (c if c is not None else _auto_candidates(inst))
    rows, cols = _initial_candidates(inst, width, None)
    pairs = base.pairs
    if inst.fixed.size:
        keys = inst.fixed[:, 0] * inst.M + inst.fixed[:, 1]
        pairs = pairs[~np.isin(pairs[:, 0] * inst.M + pairs[:, 1], keys)]
    return _merge(rows, cols, pairs[:, 0], pairs[:, 1])


def _fair_exact(inst: _Instance, base: Assignment, started: float, c, time_limit: float, exact_pairs: int,
                progress) -> Assignment:
    """Max-min then max-total with CP-SAT over every allowed pair (small instances): proven or not, per stage."""
    from ortools.sat.python import cp_model

    rows, cols, exact = _fair_pairs(inst, base, c, exact_pairs)
    N = inst.N
    magnitude = max(abs(inst.amin), abs(inst.amax), 1e-12)
    scale = FAIR_SCALE / magnitude
    w = np.rint(inst.A[rows, cols].astype(np.float64) * scale).astype(np.int64)
    fw = np.zeros(N, dtype=np.int64)
    if inst.fixed.size:
        fixed_w = np.rint(inst.A[inst.fixed[:, 0], inst.fixed[:, 1]].astype(np.float64) * scale).astype(np.int64)
        np.add.at(fw, inst.fixed[:, 0], fixed_w)
    if progress:
        progress(f"fair: CP-SAT over {rows.size:,} {'pairs (all allowed)' if exact else 'candidate pairs'}")

    reach = int(np.abs(w).max()) * int(inst.k.max()) if w.size else 0
    model = _FairModel(inst, rows, cols, w, fw, int(fw.min()) - reach - 1, int(fw.max()) + reach + 1,
                       np.ones(rows.size, dtype=bool))
    if not model.ok:
        return base
    served = inst.k > 0

    def worst_of(picked: np.ndarray) -> int:
        return _worst_units(rows, w, fw, served, picked)

    key = rows * inst.M + cols
    start = np.isin(key, base.pairs[:, 0] * inst.M + base.pairs[:, 1])
    model.hint(start, worst_of(start))
    deadline = started + time_limit
    model.model.maximize(model.t)
    status1, stage1 = model.run(max(1.0, 0.6 * (deadline - time.perf_counter())))
    if stage1 is None:
        return base
    t_best = worst_of(stage1)
    proven1 = status1 == cp_model.OPTIMAL
    if progress:
        progress(f"fair: worst proposal {t_best / scale:.6f} ({'proven' if proven1 else 'not proven'})")
    model.model.add(model.t >= t_best)
    model.hint(stage1, t_best)
    model.model.maximize(cp_model.LinearExpr.weighted_sum(model.x, w.tolist()))
    status2, picked = model.run(max(1.0, deadline - time.perf_counter()))
    if picked is None:
        picked = stage1
    proven2 = status2 == cp_model.OPTIMAL
    if progress:
        progress(f"fair: total {'proven' if proven2 else 'not proven'} optimal under that worst value")
    result = _finish(inst, rows[picked], cols[picked], started, False, [], fair=True, rounds=base.rounds,
                     arcs=int(rows.size))
    if result.worst_proposal < base.worst_proposal:
        # Integer rounding of affinities can only matter within 1e-6 of a tie; keep the better real value.
        result = base
        proven2 = False
    result.fair = True
    result.worst_certified = bool(exact and proven1)
    result.total_certified = bool(exact and proven1 and proven2)
    result.optimal = result.total_certified
    result.bound = result.worst_proposal if result.worst_certified else _fair_lp_bound(inst, rows, cols, progress)
    result.seconds = time.perf_counter() - started
    return result


def _fair_row_sums(inst: _Instance) -> tuple[np.ndarray, np.ndarray]:
    """Per proposal, the fixed pairs' value plus the best ``kr`` and the best ``kr − 1`` allowed affinities.

    The first is an upper bound on that proposal's value in any assignment, so its minimum over served proposals
    bounds the worst proposal's value (certified over the full instance). The second prices usability: a pair
    (i, j) can belong to an assignment whose proposal i reaches T only if ``a_ij`` plus the second reaches T.
    """
    N = inst.N
    kmax = int(inst.kr.max()) if N else 0
    best_k = inst.fixed_value.copy()
    best_k1 = inst.fixed_value.copy()
    if kmax == 0:
        return best_k, best_k1
    for b0, b1 in inst.blocks():
        sl = slice(b0, b1)
        vals = np.where(inst.allowed(sl), inst.A[sl].astype(np.float64), -np.inf)
        width = min(kmax, inst.M)
        top = -np.sort(-np.partition(vals, inst.M - width, axis=1)[:, inst.M - width:], axis=1)
        top = np.concatenate([np.zeros((b1 - b0, 1)), np.cumsum(top, axis=1)], axis=1)
        kr = np.minimum(inst.kr[sl], width)
        rows = np.arange(b1 - b0)
        best_k[sl] += top[rows, kr]
        best_k1[sl] += top[rows, np.maximum(kr - 1, 0)]
        # A proposal with fewer allowed experts than it needs has -inf here: no complete assignment at all.
    return best_k, best_k1


def _worst_units(rows: np.ndarray, w: np.ndarray, fw: np.ndarray, served: np.ndarray, picked: np.ndarray) -> int:
    """The worst served proposal's value, in the integer units of a CP-SAT model, for the ``picked`` pairs."""
    value = fw + np.bincount(rows[picked], weights=w[picked], minlength=fw.size).astype(np.int64)
    return int(value[served].min()) if served.any() else 0


class _FairModel:
    """CP-SAT model over candidate pairs, affinities as integers: the flow constraints, and a variable ``t`` in
    [lo, hi] that every served proposal's value reaches. Pairs that are not ``usable`` are fixed to 0. Built once;
    the second stage raises t's floor and changes the objective."""

    def __init__(self, inst: _Instance, rows: np.ndarray, cols: np.ndarray, weights: np.ndarray,
                 fixed_w: np.ndarray, lo: int, hi: int, usable: np.ndarray) -> None:
        from ortools.sat.python import cp_model

        self.cp = cp_model
        self.w = weights
        model = self.model = cp_model.CpModel()
        x = self.x = [model.new_bool_var(f"x{e}") for e in range(rows.size)]
        self.t = model.new_int_var(lo, hi, "t")
        row_start = np.searchsorted(rows, np.arange(inst.N + 1))
        self.ok = True
        for e in np.nonzero(~usable)[0]:
            model.add(x[int(e)] == 0)
        for i in np.nonzero(inst.k > 0)[0]:
            a, b = int(row_start[i]), int(row_start[i + 1])
            if inst.kr[i] > 0:
                model.add(cp_model.LinearExpr.sum(x[a:b]) == int(inst.kr[i]))
            model.add(cp_model.LinearExpr.weighted_sum(x[a:b], weights[a:b].tolist()) + int(fixed_w[i]) >= self.t)
        by_col = np.argsort(cols, kind="stable")
        col_start = np.searchsorted(cols[by_col], np.arange(inst.M + 1))
        for j in range(inst.M):
            members = by_col[col_start[j]:col_start[j + 1]]
            if members.size:
                model.add_linear_constraint(cp_model.LinearExpr.sum([x[e] for e in members]), int(inst.Lr[j]),
                                            int(inst.Ur[j]))
            elif inst.Lr[j] > 0:
                self.ok = False

    def hint(self, picked: np.ndarray, t: int) -> None:
        self.model.clear_hints()
        for e, v in enumerate(self.x):
            self.model.add_hint(v, bool(picked[e]))
        self.model.add_hint(self.t, t)

    def run(self, seconds: float):
        solver = self.cp.CpSolver()
        solver.parameters.num_workers = max(2, os.cpu_count() or 2)
        solver.parameters.max_time_in_seconds = max(0.2, seconds)
        status = solver.solve(self.model)
        if status not in (self.cp.OPTIMAL, self.cp.FEASIBLE):
            return status, None
        return status, np.array([solver.boolean_value(v) for v in self.x], dtype=bool)


def _fair_search(inst: _Instance, base: Assignment, started: float, c, time_limit: float, progress) -> Assignment:
    """Max-min then max-total on a large instance: a certified bound, then CP-SAT on candidate pairs.

    The bound is the smallest best-``kr`` row sum (and the LP relaxation's on small instances). CP-SAT raises the
    worst value from the max-total assignment's (a feasible start, so any time spent gives an answer at least as
    fair), leaving out pairs that no assignment at least that fair can use (see :func:`_fair_row_sums`), then
    maximises the total under the worst value reached. The worst value is certified when it meets the bound; the
    total when it equals the unconstrained maximum total.
    """
    best_k, best_k1 = _fair_row_sums(inst)
    served = inst.k > 0
    bound = float(best_k[served].min())
    rows, cols = _fair_candidates(inst, base, c)
    if inst.N * inst.M <= FAIR_LP_PAIRS:
        bound = min(bound, _fair_lp_bound(inst, rows, cols, progress))
    if progress:
        progress(f"fair: certified bound on the worst proposal {bound:.6f}, max-total assignment has "
                 f"{base.worst_proposal:.6f}")
    if _reaches(base.worst_proposal, bound):
        # The max-total assignment already attains the bound: it is max-min optimal, and no assignment has a
        # larger total.
        return _fair_claims(base, base, bound, started)
    deadline = started + time_limit
    magnitude = max(abs(inst.amin), abs(inst.amax), 1e-12)
    scale = float(inst.grid) if inst.grid else FAIR_SCALE / magnitude
    kmax = int(inst.kr.max())
    # Off a decimal grid, a sum of rounded weights may differ from the rounded sum by up to half a unit per pair.
    slack = 0 if inst.grid else kmax

    def units(a) -> np.ndarray:
        return np.rint(np.asarray(a, dtype=np.float64) * scale).astype(np.int64)

    w = units(inst.A[rows, cols])
    fw = np.zeros(inst.N, dtype=np.int64)
    if inst.fixed.size:
        np.add.at(fw, inst.fixed[:, 0], units(inst.A[inst.fixed[:, 0], inst.fixed[:, 1]]))
    rest = np.where(np.isfinite(best_k1), best_k1 - inst.fixed_value, -1e300)
    reach = w + fw[rows] + units(np.maximum(rest, -1e9))[rows] + slack

    def status_name(status) -> str:
        from ortools.sat.python import cp_model

        return cp_model.CpSolver().status_name(status).lower()

    def worst_of(picked: np.ndarray) -> int:
        return _worst_units(rows, w, fw, served, picked)

    key = rows * inst.M + cols
    base_key = base.pairs[:, 0] * inst.M + base.pairs[:, 1]
    best = np.isin(key, base_key)
    lo = base_lo = worst_of(best)
    top = math.floor(bound * scale + 1e-6) + slack  # no assignment's worst value (in units) lies above
    if top <= lo or deadline - time.perf_counter() < 0.3:
        return _fair_claims(base, base, bound, started)
    model = _FairModel(inst, rows, cols, w, fw, lo, top, reach >= lo)
    if not model.ok:
        return _fair_claims(base, base, bound, started)
    # Stage 1 gets three fifths of the time left, the total the rest.
    model.hint(best, lo)
    model.model.maximize(model.t)
    clock = time.perf_counter()
    status, picked = model.run(0.6 * (deadline - clock))
    if picked is not None and worst_of(picked) > lo:
        best, lo = picked, worst_of(picked)
    if progress:
        progress(f"fair: worst {lo / scale:.6f} reached on {rows.size:,} candidate pairs "
                 f"({status_name(status)} in {time.perf_counter() - clock:.1f}s)")
    left = deadline - time.perf_counter()
    if lo > base_lo and left > 0.2:
        model.model.add(model.t >= lo)
        model.hint(best, lo)
        model.model.maximize(model.cp.LinearExpr.weighted_sum(model.x, w.tolist()))
        # CP-SAT's presolve overruns its limit on large models: ask for less than is left.
        status, picked = model.run(0.8 * left)
        if picked is not None and worst_of(picked) >= lo:
            best = picked
    result = base
    if lo > base_lo:
        found = _finish(inst, rows[best], cols[best], started, False, [], fair=True, rounds=base.rounds,
                        arcs=int(rows.size))
        if found.worst_proposal >= base.worst_proposal:
            result = found
    if progress:
        progress(f"fair: worst {result.worst_proposal:.6f}, bound {bound:.6f}, total {result.total:.6f}")
    return _fair_claims(result, base, bound, started)


def _fair_claims(result: Assignment, base: Assignment, bound: float, started: float) -> Assignment:
    """Set what a large-instance fair result has proven against the certified ``bound`` and the max-total ``base``."""
    result.fair = True
    result.bound = bound
    result.worst_certified = _reaches(result.worst_proposal, bound)
    # The total is proven only when it is the unconstrained maximum (a max-total assignment is, whatever its worst
    # value, the best total among assignments at least as fair).
    result.total_certified = bool(base.optimal and result.total >= base.total - 1e-9 * max(1.0, base.total))
    result.optimal = result.worst_certified and result.total_certified
    result.seconds = time.perf_counter() - started
    return result


def _reaches(value: float, bound: float) -> bool:
    """``value`` meets an upper bound computed in floating point (relative tolerance 1e-9)."""
    return math.isfinite(bound) and value >= bound - 1e-9 * max(1.0, abs(bound))


def _fair_lp_bound(inst: _Instance, rows: np.ndarray, cols: np.ndarray, progress, max_rounds: int = 8) -> float:
    """Certified upper bound on the worst proposal's value: the max-min LP relaxation over the full instance.

    The LP is solved (HiGHS) on candidate pairs; its duals price every pair of the full instance and pairs that
    could raise the LP are added, a few rounds. Whatever duals result, the bound returned is the Lagrangian
    ``Σμf + Σk'y + ΣLmax'z − ΣLmin'ζ + Σ max(0, μ_i a_ij − y_i − z_j + ζ_j)`` over every allowed pair, which by weak
    duality bounds every fractional (hence every integer) assignment, with μ ≥ 0 summing to 1, z, ζ ≥ 0.
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix, csr_matrix

    N, M = inst.N, inst.M
    served = np.nonzero(inst.k > 0)[0]
    open_rows = np.nonzero(inst.kr > 0)[0]
    lmin_cols = np.nonzero(inst.Lr > 0)[0]
    best = math.inf
    for _ in range(max_rounds):
        E = rows.size
        a = inst.A[rows, cols].astype(np.float64)
        idx = np.arange(E)
        row_pos = np.full(N, -1)
        row_pos[open_rows] = np.arange(open_rows.size)
        A_eq = csr_matrix(coo_matrix((np.ones(E), (row_pos[rows], idx)), shape=(open_rows.size, E + 1)))
        b_eq = inst.kr[open_rows].astype(np.float64)
        cap = coo_matrix((np.ones(E), (cols, idx)), shape=(M, E + 1))
        lpos = np.full(M, -1)
        lpos[lmin_cols] = np.arange(lmin_cols.size)
        sel = lpos[cols] >= 0
        low = coo_matrix((-np.ones(int(sel.sum())), (lpos[cols[sel]], idx[sel])), shape=(lmin_cols.size, E + 1))
        spos = np.full(N, -1)
        spos[served] = np.arange(served.size)
        sel_f = spos[rows] >= 0
        fair_r = np.concatenate([spos[rows[sel_f]], np.arange(served.size)])
        fair_c = np.concatenate([idx[sel_f], np.full(served.size, E)])
        fair_v = np.concatenate([-a[sel_f], np.ones(served.size)])
        fair = coo_matrix((fair_v, (fair_r, fair_c)), shape=(served.size, E + 1))
        from scipy.sparse import vstack

        A_ub = csr_matrix(vstack([cap, low, fair]))
        b_ub = np.concatenate([inst.Ur.astype(np.float64), -inst.Lr[lmin_cols].astype(np.float64),
                               inst.fixed_value[served]])
        cost = np.zeros(E + 1)
        cost[E] = -1.0
        bounds = np.zeros((E + 1, 2))
        bounds[:E, 1] = 1.0
        bounds[E] = (-np.inf, np.inf)
        res = linprog(cost, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if res.status != 0:
            break
        y = np.zeros(N)
        y[open_rows] = -res.eqlin.marginals
        marg = -res.ineqlin.marginals
        z = np.maximum(marg[:M], 0.0)
        zeta = np.zeros(M)
        zeta[lmin_cols] = np.maximum(marg[M:M + lmin_cols.size], 0.0)
        mu = np.zeros(N)
        mu[served] = np.maximum(marg[M + lmin_cols.size:], 0.0)
        if mu.sum() <= 0:
            break
        mu /= mu.sum()
        bound = float(mu @ inst.fixed_value + inst.kr @ y + inst.Ur @ z - inst.Lr @ zeta)
        add_r, add_c = [], []
        lo, hi_ = rows, cols
        for b0, b1 in inst.blocks():
            sl = slice(b0, b1)
            gain = mu[b0:b1, None] * inst.A[sl].astype(np.float64) - y[b0:b1, None] - z[None, :] + zeta[None, :]
            np.maximum(gain, 0.0, out=gain)
            gain *= inst.allowed(sl)
            bound += float(gain.sum())
            l0, l1 = np.searchsorted(lo, [b0, b1])
            gain[lo[l0:l1] - b0, hi_[l0:l1]] = 0.0
            r, cc = np.nonzero(gain > 1e-9)
            add_r.append(r + b0)
            add_c.append(cc)
        best = min(best, bound)
        if progress:
            progress(f"fair: LP relaxation {-res.fun:.6f}, certified bound {bound:.6f}")
        new_r = np.concatenate(add_r)
        if new_r.size == 0:
            break
        rows, cols = _merge(rows, cols, new_r, np.concatenate(add_c))
    return best

# ---------------------------------------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------------------------------------


def solve(A, C=None, k=1, Lmax=None, Lmin=None, fixed=None, fair: bool = False,
          candidates_per_proposal: int | None = None, *, time_limit: float = 60.0, exact_pairs: int = 20_000,
          progress: Progress | None = None) -> Assignment:
    """Assign ``k`` reviewers to every proposal; see the module docstring for the model and what is exact.

    A: N×M affinities (float32 or float64; never copied whole). C: N×M bool conflicts (None = none).
    k: reviewers per proposal (int or N ints). Lmax / Lmin: per-expert load limits (int or M ints; Lmax None
    means no limit). fixed: (proposal, expert) pairs to keep. fair: max-min first, then total.
    candidates_per_proposal: pruning width (None = automatic; the answer is exact whatever it is).
    time_limit / exact_pairs: fair mode with k > 1 only (seconds for the whole solve, the max-total flow included,
    CP-SAT's runs aiming to end by it; instances with at most exact_pairs allowed pairs are solved over every pair).
    progress: called with one line of text per solver round.
    """
    started = time.perf_counter()
    A = np.asarray(A)
    if Lmax is None:
        Lmax = A.shape[0] if A.ndim == 2 else 0
    inst = _Instance(A, C, k, Lmax, Lmin, fixed)
    flow = _max_total(inst, candidates_per_proposal, progress=progress)
    base = _finish(inst, flow.rows, flow.cols, started, flow.certified, [], rounds=flow.rounds, arcs=flow.arcs)
    base.timings = flow.timings
    base.infeasible = _explain(inst, flow, base.loads)
    complete = flow.reached_p is None
    if complete and flow.potentials is not None and flow.certified:
        base.duals = _duals_from_potentials(inst, flow.potentials)
    if not fair:
        return base
    base.fair = True
    if not complete or flow.must_flow < int(inst.Lr.sum()) or not (inst.k > 0).any():
        # Nothing to balance: the best partial assignment (or a trivial one) is the answer.
        return base
    if (inst.kr <= 1).all():
        return _fair_threshold(inst, base, started, candidates_per_proposal, progress)
    if _fair_pairs_within(inst, exact_pairs):
        return _fair_exact(inst, base, started, candidates_per_proposal, time_limit, exact_pairs, progress)
    return _fair_search(inst, base, started, candidates_per_proposal, time_limit, progress)


# ---------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------


def _load_npz(path: str):
    with np.load(path, allow_pickle=False) as data:
        missing = [key for key in ("A", "C", "k", "Lmax") if key not in data.files]
        if missing:
            raise InstanceError(f"{path} lacks {', '.join(missing)}.")
        A = data["A"]
        C = data["C"].astype(bool)
        k = data["k"]
        Lmax = data["Lmax"]
        Lmin = data["Lmin"] if "Lmin" in data.files else None
        fixed = data["fixed"] if "fixed" in data.files else None
    return A, C, k, Lmax, Lmin, fixed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minsheng.review.solver",
                                     description="Optimal reviewer assignment for an instance in a .npz file.")
    parser.add_argument("instance", help=".npz with A (N×M float), C (N×M bool), k, Lmax (M), Lmin (M)")
    parser.add_argument("--out", required=True, help="where to write the result JSON")
    parser.add_argument("--fair", action="store_true", help="maximise the worst proposal first, then the total")
    parser.add_argument("--candidates", type=int, default=None, help="pruning width per proposal (default: auto)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="fair mode's CP-SAT budget in seconds")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)

    def report(line: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)

    try:
        A, C, k, Lmax, Lmin, fixed = _load_npz(args.instance)
        if not args.quiet:
            per = k.tolist() if k.ndim == 0 else "per proposal"
            report(f"{A.shape[0]:,} proposals × {A.shape[1]:,} experts, k={per}")
        result = solve(A, C, k, Lmax, Lmin, fixed, fair=args.fair, candidates_per_proposal=args.candidates,
                       time_limit=args.time_limit, progress=None if args.quiet else report)
    except (InstanceError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    tmp = f"{args.out}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(result.as_json(), fh)
    os.replace(tmp, args.out)
    if not args.quiet:
        report(f"total {result.total:.6f}, worst proposal {result.worst_proposal:.6f}, "
               f"optimal={result.optimal}, {result.seconds:.2f}s")
        for exp in result.infeasible:
            report(exp.message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
