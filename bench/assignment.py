"""Reviewer assignment: speed, memory and optimality of `minsheng.review.solver` against a reference optimum
computed in the same run, plus the whole pipeline (affinity from Chinese text, conflicts, solve).

    .venv/bin/python bench/assignment.py                       # every size, then the pipeline
    .venv/bin/python bench/assignment.py --sizes 1000x500x3,5000x2500x3 --no-pipeline
    .venv/bin/python bench/assignment.py --sizes 1000x500x3 --fair
    .venv/bin/python bench/assignment.py --fair --hard-sizes 1500x600x3,5000x2500x3 --sizes '' --no-pipeline

    .venv/bin/python bench/assignment.py --sizes '' --hard-sizes 5000x2500x3 --seeds 1 --no-pipeline

Instances: uniform ones (affinities uniform in [0, 1], float32, generated in row blocks, 1% conflicts, load
limit ⌈N·k/M⌉ + 2, seeded), the easy case; then hard ones, labelled ``hard:SEED:NxMxk`` (see
`make_hard_instance`: topic clusters, a few generalists everyone rates well, 2% conflicts, scores rounded to 4
decimals so that many tie, and load limit ⌈N·k/M⌉ with no slack), for each seed of ``--seeds``. References:
* LP: SciPy's HiGHS on the assignment LP over every non-conflicted pair (totally unimodular, so its optimum is
  the integer optimum). Used on sizes up to 2·10^6 pairs.
* dense flow: OR-Tools min-cost flow over every non-conflicted pair, no pruning. Used while its arrays fit in
  memory (about 100 bytes per arc inside OR-Tools plus our 24); 20,000×10,000 has 198 million pairs (≈ 24 GB),
  more than this machine has, so there the reference is
* dual bound: the weak-duality bound Σk·y + ΣLmax·z + Σ max(0, a − y − z) over every pair, from the LP duals that
  the solver derives from its flow potentials. It is an upper bound on the LP optimum whatever produced y and z, so
  total / bound = 1 proves the total optimal; it is not a second solver, so no time ratio is printed for it.

With ``--fair``, fair mode runs on each instance within ``--fair-time-limit`` seconds (default 10, the target) and
prints its time, peak memory, worst proposal's value beside the certified bound on it (and the gap), total beside the
max total, and its two certificates: worst value proven maximal, total proven maximal among assignments as fair.

"certified" is the solver's own claim (optimal=True: no pair of the full instance has a negative reduced cost);
the dual bound line checks it independently.

Each measurement runs in a child process. Peak memory is the child's peak resident set (VmHWM, reset with
/proc/self/clear_refs just before the solve), so it includes the instance itself (A as float32 and C as bool:
5 bytes per pair, 1.0 GB at 20,000×10,000); "+solve" is that peak minus the resident set before the solve.
Times are wall-clock seconds; "cpu" adds up every thread's CPU time (the machine may be shared: when cpu is far
below wall × cores, other processes were running). Prints figures, never passes or fails on time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_SIZES = "1000x500x3,5000x2500x3,20000x10000x5"
DEFAULT_HARD = "1500x600x3,5000x2500x3,20000x10000x5"
LP_MAX_PAIRS = 2_000_000
DENSE_MAX_BYTES = 12 * 2**30


# ---------------------------------------------------------------------------------------------------------
# Instances
# ---------------------------------------------------------------------------------------------------------


def parse_size(text: str) -> tuple[int, int, int]:
    n, m, k = (int(x) for x in text.lower().split("x"))
    return n, m, k


def make_instance(n: int, m: int, k: int, seed: int = 20250101):
    rng = np.random.default_rng([seed, n, m, k])
    A = np.empty((n, m), dtype=np.float32)
    C = np.empty((n, m), dtype=bool)
    step = max(1, (1 << 22) // m)
    for b0 in range(0, n, step):
        b1 = min(n, b0 + step)
        A[b0:b1] = rng.random((b1 - b0, m), dtype=np.float32)
        C[b0:b1] = rng.random((b1 - b0, m), dtype=np.float32) < 0.01
    Lmax = np.full(m, math.ceil(n * k / m) + 2, dtype=np.int64)
    return A, C, k, Lmax


def make_hard_instance(n: int, m: int, k: int, seed: int = 1, topics: int = 40):
    """Topic clusters, generalists, ties and no load slack: the hard case for a pruned solver.

    Each proposal is mostly about 1–3 and each expert about 1–4 of ``topics`` topics (unit topic vectors with a
    little background); affinity is their cosine plus noise of 0.05. One expert in fifty is a generalist whom
    every proposal rates 0.55–0.8. Scores are rounded to 4 decimals (many ties), 2% of pairs are conflicts and
    the load limit is ⌈N·k/M⌉ with no slack.
    """
    rng = np.random.default_rng([seed, n, m, k, 16])

    def profiles(count, lo, hi):
        P = np.zeros((count, topics), np.float32)
        nt = rng.integers(lo, hi + 1, size=count)
        for t in range(hi):
            rows = np.nonzero(nt > t)[0]
            P[rows, rng.integers(0, topics, size=rows.size)] += rng.random(rows.size, dtype=np.float32) + (t == 0)
        P += 0.03 * rng.random((count, topics), dtype=np.float32)
        P /= np.linalg.norm(P, axis=1, keepdims=True)
        return P
    Pp = profiles(n, 1, 3)
    Pe = profiles(m, 1, 4)
    A = np.empty((n, m), np.float32)
    C = np.empty((n, m), bool)
    gen = rng.random(m) < 0.02
    gen_level = (0.55 + 0.15 * rng.random(m)).astype(np.float32)
    step = max(1, (1 << 22) // m)
    for b0 in range(0, n, step):
        b1 = min(n, b0 + step)
        blk = Pp[b0:b1] @ Pe.T
        blk += 0.05 * rng.random((b1 - b0, m), dtype=np.float32)
        noise = 0.1 * rng.random((b1 - b0, int(gen.sum())), dtype=np.float32)
        blk[:, gen] = np.maximum(blk[:, gen], gen_level[gen] + noise)
        A[b0:b1] = np.round(np.clip(blk, 0, 1), 4)
        C[b0:b1] = rng.random((b1 - b0, m), dtype=np.float32) < 0.02
    Lmax = np.full(m, math.ceil(n * k / m), dtype=np.int64)
    return A, C, k, Lmax


def make(spec: str):
    """``NxMxk`` (uniform) or ``hard:SEED:NxMxk`` (topic clusters)."""
    if spec.startswith("hard:"):
        _, seed, size = spec.split(":")
        return make_hard_instance(*parse_size(size), seed=int(seed))
    return make_instance(*parse_size(spec))


def spec_size(spec: str) -> tuple[int, int, int]:
    return parse_size(spec.split(":")[-1])


def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


class Meter:
    """Wall time, CPU time and peak resident memory of a block of code."""

    def __enter__(self):
        self.rss_before = _status("VmRSS")
        _reset_peak()
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.peak = max(_status("VmHWM"), self.rss_before)
        return False


# ---------------------------------------------------------------------------------------------------------
# Children
# ---------------------------------------------------------------------------------------------------------


def child_solve(size: str, fair: bool, time_limit: float = 60.0) -> dict:
    from minsheng.review.solver import dual_bound, solve

    A, C, k, Lmax = make(size)
    with Meter() as meter:
        result = solve(A, C, k, Lmax, fair=fair, time_limit=time_limit)
    out = {"wall": meter.wall, "cpu": meter.cpu, "peak": meter.peak, "extra": meter.peak - meter.rss_before,
           "total": result.total, "worst": result.worst_proposal, "optimal": result.optimal,
           "rounds": result.rounds, "arcs": result.arcs, "timings": result.timings, "bound": result.bound,
           "complete": result.complete, "worst_certified": result.worst_certified,
           "total_certified": result.total_certified}
    if not fair and result.duals is not None:
        started = time.perf_counter()
        out["dual_bound"] = dual_bound(A, C, k, Lmax, *result.duals)
        out["dual_seconds"] = time.perf_counter() - started
    return out


def child_reference(size: str, kind: str) -> dict:
    n, m, _ = spec_size(size)
    A, C, k, Lmax = make(size)
    with Meter() as meter:
        rows, cols = np.nonzero(~C)
        if kind == "LP":
            from scipy.optimize import linprog
            from scipy.sparse import coo_matrix

            e = rows.size
            a_eq = coo_matrix((np.ones(e), (rows, np.arange(e))), shape=(n, e)).tocsr()
            a_ub = coo_matrix((np.ones(e), (cols, np.arange(e))), shape=(m, e)).tocsr()
            res = linprog(-A[rows, cols].astype(np.float64), A_ub=a_ub, b_ub=Lmax, A_eq=a_eq, b_eq=np.full(n, k),
                          bounds=(0, 1), method="highs")
            if res.status != 0:
                raise RuntimeError(res.message)
            total = -float(res.fun)
            x = res.x
            pairs_r, pairs_c = rows[x > 0.5], cols[x > 0.5]
        else:
            from ortools.graph.python import min_cost_flow

            e = rows.size
            s, t = n + m, n + m + 1
            cost = np.rint((1.0 - A[rows, cols].astype(np.float64)) * 1e9).astype(np.int64)
            mcf = min_cost_flow.SimpleMinCostFlow()
            mcf.add_arcs_with_capacity_and_unit_cost(
                np.concatenate([np.full(n, s), rows, n + np.arange(m)]).astype(np.int32),
                np.concatenate([np.arange(n), n + cols, np.full(m, t)]).astype(np.int32),
                np.concatenate([np.full(n, k), np.ones(e, np.int64), Lmax]).astype(np.int64),
                np.concatenate([np.zeros(n, np.int64), cost, np.zeros(m, np.int64)]))
            del cost
            mcf.set_node_supply(s, n * k)
            mcf.set_node_supply(t, -n * k)
            if mcf.solve() != mcf.OPTIMAL:
                raise RuntimeError("dense reference flow failed")
            flows = np.asarray(mcf.flows(np.arange(n, n + e)))
            used = flows > 0
            pairs_r, pairs_c = rows[used], cols[used]
            total = float(A[pairs_r, pairs_c].astype(np.float64).sum())
    per = np.bincount(pairs_r, weights=A[pairs_r, pairs_c].astype(np.float64), minlength=n)
    return {"wall": meter.wall, "cpu": meter.cpu, "peak": meter.peak, "total": total, "worst": float(per.min())}


# Synthetic Chinese texts for the pipeline: ten livelihood domains, each with its own terms.
DOMAIN_TERMS = [
    "智慧养老 居家养老 失能老人 康复护理 养老机构 适老化改造 认知障碍 跌倒监测 长期照护 老年健康",
    "空气污染 臭氧 细颗粒物 挥发性有机物 大气监测 源解析 扬尘治理 机动车尾气 污染溯源 空气质量",
    "污水处理 黑臭水体 海绵城市 城市内涝 水环境 管网渗漏 再生水 雨水收集 河道治理 水质监测",
    "交通拥堵 公交优先 信号控制 智能网联 停车管理 慢行交通 交通安全 出行需求 轨道交通 车路协同",
    "慢性病 基层医疗 社区卫生 糖尿病 高血压 健康管理 远程医疗 医疗器械 精准医学 传染病防控",
    "垃圾分类 厨余垃圾 资源化利用 固体废物 建筑垃圾 焚烧发电 塑料回收 填埋场 渗滤液 减量化",
    "食品安全 农药残留 快速检测 冷链物流 食源性疾病 溯源体系 兽药残留 添加剂 微生物污染 风险评估",
    "学前教育 职业教育 特殊教育 在线教育 课后服务 青少年近视 心理健康 教育公平 智慧校园 劳动教育",
    "保障性住房 城中村改造 建筑节能 装配式建筑 老旧小区 物业管理 住房租赁 绿色建筑 结构安全 燃气安全",
    "文化遗产 公共文化 全民健身 体育场馆 旅游服务 非物质文化遗产 博物馆 数字文旅 群众体育 文化消费",
]
GENERAL_TERMS = """构建 平台 关键 示范 模型 数据 分析 评价 体系 机制 装备 材料 监测 预警 优化 集成 服务 城市 社区 人群
智能 标准 方案 推广 转化 成果 试点 规范 网络"""
FILLER_WORDS = "的 和 在 对 基于 面向 开展 提出 实现 提高 降低 针对 通过 ， 。"
GENERAL = GENERAL_TERMS.split()
FILLER = FILLER_WORDS.split()


def synthetic_texts(n: int, m: int, seed: int = 7):
    from minsheng.review.affinity import ExpertProfile, ProposalText

    rng = random.Random(seed)
    terms = [line.split() for line in DOMAIN_TERMS]

    def text(d: int, words: int) -> str:
        out = []
        for _ in range(words):
            r = rng.random()
            if r < 0.35:
                out.append(rng.choice(terms[d]))
            elif r < 0.45:
                out.append(rng.choice(terms[rng.randrange(10)]))
            else:
                out.append(rng.choice(GENERAL))
            out.append(rng.choice(FILLER))
        return "".join(out)

    proposals, p_domain = [], []
    for _ in range(n):
        d = rng.randrange(10)
        p_domain.append(d)
        proposals.append(ProposalText(title=text(d, 6), summary=text(d, 90), keywords=rng.sample(terms[d], 3),
                                      domain=f"D{d + 1:02d}", focus=f"F{rng.randrange(3)}"))
    experts, e_domain = [], []
    for j in range(m):
        d = rng.randrange(10)
        e_domain.append(d)
        # One expert in fifty has no profile text at all.
        experts.append(ExpertProfile(keywords=rng.sample(terms[d], 4) if j % 50 else [],
                                     description=text(d, 45) if j % 50 else "",
                                     domains=[f"D{d + 1:02d}"], focus=[f"F{rng.randrange(3)}"]))
    return proposals, experts, np.array(p_domain), np.array(e_domain)


def child_pipeline(n: int, m: int, k: int) -> dict:
    proposals, experts, p_domain, e_domain = synthetic_texts(n, m)
    rng = np.random.default_rng(5)
    p_org = rng.integers(0, 3000, size=n)  # applicant organisation
    e_org = rng.integers(0, 3000, size=m)  # expert's employer
    named = rng.integers(0, m, size=(n, 3))  # experts the applicant asked to exclude (回避申请)
    from minsheng.review.affinity import compute
    from minsheng.review.solver import solve

    stages = {}
    with Meter() as meter:
        started = time.perf_counter()
        aff = compute(proposals, experts)
        stages["affinity"] = time.perf_counter() - started
        started = time.perf_counter()
        C = p_org[:, None] == e_org[None, :]
        C[np.arange(n)[:, None], named] = True
        stages["conflicts"] = time.perf_counter() - started
        started = time.perf_counter()
        Lmax = np.full(m, math.ceil(n * k / m) + 2)
        result = solve(aff.scores, C, k, Lmax)
        stages["solve"] = time.perf_counter() - started
    pairs = result.pairs
    return {"wall": meter.wall, "cpu": meter.cpu, "peak": meter.peak, "stages": stages, "total": result.total,
            "worst": result.worst_proposal, "optimal": result.optimal, "conflicts": int(C.sum()),
            "same_domain": float((p_domain[pairs[:, 0]] == e_domain[pairs[:, 1]]).mean()),
            "mean_affinity": float(result.total / max(1, len(pairs))), "empty": int(aff.empty_experts.sum())}


def run_child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------------


def gb(x: float) -> str:
    return f"{x / 2**30:.2f} GB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"comma-separated NxMxk (default {DEFAULT_SIZES})")
    parser.add_argument("--hard-sizes", default=DEFAULT_HARD,
                        help=f"comma-separated NxMxk of topic-cluster instances (default {DEFAULT_HARD}; '' for none)")
    parser.add_argument("--seeds", default="1,2,3", help="seeds of the topic-cluster instances (default 1,2,3)")
    parser.add_argument("--no-pipeline", action="store_true", help="skip the text-to-assignment pipeline")
    parser.add_argument("--pipeline-size", default="5000x2500x3")
    parser.add_argument("--fair", action="store_true", help="also run fair mode on each size")
    parser.add_argument("--fair-time-limit", type=float, default=10.0,
                        help="fair mode's time budget in seconds (default 10, the target)")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference solves")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind = args.child[0]
        if kind == "solve":
            out = child_solve(args.child[1], fair=False)
        elif kind == "fair":
            out = child_solve(args.child[1], fair=True, time_limit=float(args.child[2]))
        elif kind == "ref":
            out = child_reference(args.child[1], args.child[2])
        else:
            out = child_pipeline(*parse_size(args.child[1]))
        print(json.dumps(out))
        return

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    rows = []
    fair_rows = []
    specs = [size for size in args.sizes.split(",") if size]
    specs += [f"hard:{seed}:{size}" for size in args.hard_sizes.split(",") if size for seed in args.seeds.split(",")]
    for size in specs:
        n, m, k = spec_size(size)
        ours = run_child("solve", size)
        if "error" in ours:
            print(f"{size}: solver failed: {ours['error']}", flush=True)
            continue
        pairs = n * m * 0.99
        if args.no_reference:
            ref_kind, ref = "none", None
        elif pairs <= LP_MAX_PAIRS:
            ref_kind = "LP"
        elif pairs * (100 + 24) + n * m * 5 <= DENSE_MAX_BYTES:
            ref_kind = "dense flow"
        else:
            ref_kind = "dual bound"
        if ref_kind in ("LP", "dense flow"):
            ref = run_child("ref", size, "LP" if ref_kind == "LP" else "dense")
            if "error" in ref:
                print(f"{size}: reference failed: {ref['error']}", flush=True)
                ref = None
        elif ref_kind == "dual bound":
            ref = {"total": ours.get("dual_bound"), "wall": None}
        rows.append((size, ours, ref_kind, ref))
        t = ours["timings"]
        ref_time = f" {ref['wall']:.2f}s, peak RSS {gb(ref['peak'])}" if ref and ref.get("wall") else ""
        print(f"{size}: {ours['wall']:.2f}s (candidates {t.get('candidates', 0):.2f}, flow {t.get('flow', 0):.2f}, "
              f"potentials {t.get('potentials', 0):.2f}, pricing {t.get('pricing', 0):.2f}), "
              f"{ours['arcs']:,} arcs, {ours['rounds']} round(s), certified optimal={ours['optimal']}; "
              f"reference {ref_kind}{ref_time}", flush=True)
        if "dual_bound" in ours:
            print(f"  independent dual bound {ours['dual_bound']:.6f} (computed in {ours['dual_seconds']:.2f}s), "
                  f"total/bound = {ours['total'] / ours['dual_bound']:.9f}", flush=True)
        if args.fair:
            fair = run_child("fair", size, str(args.fair_time_limit))
            if "error" in fair:
                print(f"  fair mode failed: {fair['error']}")
            else:
                fair_rows.append((size, fair, ours))
                bound = "none" if fair["bound"] is None else f"{fair['bound']:.6f}"
                print(f"  fair mode: {fair['wall']:.2f}s, peak RSS {gb(fair['peak'])}, worst {fair['worst']:.6f} "
                      f"(total mode {ours['worst']:.6f}, certified bound {bound}, "
                      f"certified={fair['worst_certified']}), total {fair['total']:.4f} (total mode "
                      f"{ours['total']:.4f}, certified={fair['total_certified']}), optimal={fair['optimal']}",
                      flush=True)

    print()
    head = (f"{'N x M x k':>24} {'solve s':>8} {'cpu s':>7} {'peak RSS':>9} {'+solve':>8} {'total':>14} "
            f"{'worst':>9} {'certified':>9} {'reference':>10} {'ref total':>14} {'ratio':>9} {'ref s':>8} "
            f"{'time ratio':>10}")
    print(head)
    print("-" * len(head))
    for size, ours, ref_kind, ref in rows:
        ref_total = ref.get("total") if ref else None
        ratio = f"{ours['total'] / ref_total:.6f}" if ref_total else "n/a"
        ref_s = f"{ref['wall']:.2f}" if ref and ref.get("wall") else "n/a"
        t_ratio = f"{ours['wall'] / ref['wall']:.4f}" if ref and ref.get("wall") else "n/a"
        print(f"{size:>24} {ours['wall']:8.2f} {ours['cpu']:7.2f} {gb(ours['peak']):>9} {gb(ours['extra']):>8} "
              f"{ours['total']:14.4f} {ours['worst']:9.4f} {ours['optimal']!s:>9} {ref_kind:>10} "
              f"{(f'{ref_total:14.4f}' if ref_total else 'n/a'):>14} {ratio:>9} {ref_s:>8} {t_ratio:>10}")

    if fair_rows:
        print(f"\nfair mode (time budget {args.fair_time_limit:g}s; gap = certified bound − worst)")
        head = (f"{'N x M x k':>24} {'solve s':>8} {'peak RSS':>9} {'worst':>9} {'bound':>9} {'gap':>8} "
                f"{'worst cert':>10} {'total':>14} {'total cert':>10} {'max total':>14}")
        print(head)
        print("-" * len(head))
        for size, fair, ours in fair_rows:
            bound = fair["bound"]
            gap = f"{bound - fair['worst']:8.4f}" if bound is not None else f"{'n/a':>8}"
            shown = f"{bound:9.4f}" if bound is not None else f"{'n/a':>9}"
            print(f"{size:>24} {fair['wall']:8.2f} {gb(fair['peak']):>9} {fair['worst']:9.4f} {shown} {gap} "
                  f"{fair['worst_certified']!s:>10} {fair['total']:14.4f} {fair['total_certified']!s:>10} "
                  f"{ours['total']:14.4f}")

    if not args.no_pipeline:
        n, m, k = parse_size(args.pipeline_size)
        pipe = run_child("pipeline", args.pipeline_size)
        print()
        if "error" in pipe:
            print(f"pipeline failed: {pipe['error']}")
            return
        st = pipe["stages"]
        print(f"pipeline {n:,} proposals × {m:,} experts × {k} (fresh process, includes loading jieba's dictionary): "
              f"{pipe['wall']:.2f}s wall, {pipe['cpu']:.2f}s cpu in the main process, peak RSS {gb(pipe['peak'])}")
        print(f"  affinity {st['affinity']:.2f}s, conflicts {st['conflicts']:.2f}s ({pipe['conflicts']:,} pairs), "
              f"solve {st['solve']:.2f}s (certified optimal={pipe['optimal']})")
        print(f"  assigned pairs in the same domain {pipe['same_domain']:.1%}, "
              f"mean affinity {pipe['mean_affinity']:.3f}, "
              f"worst proposal {pipe['worst']:.3f}, experts without profile text {pipe['empty']}")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
