"""Prototype: optimal secondary cell suppression + independent interval audit
with scipy.optimize.milp / linprog (HiGHS).  Research scratch, not product code.

Model
-----
Cells i = 0..n-1 (every distinct published number, plus optional *latent*
cells that are never published, e.g. the interior of the hypercube behind
several 2-way tables or the quarter-only increments between two YTD editions).
True values a_i >= 0 (integers).  Known linear relations:

    A x = 0                      (table additivity, linked tables, editions)
    G x <= h                     (e.g. published rounded percentages)
    0 <= x_i <= U_i              (attacker's a-priori bounds)

Planning (Fischetti & Salazar "compact" model): binary z_i = 1 if cell i is
hidden.  For every primary p and direction s in {up, down} an attacker
deviation vector y^{ps} (x = a + y) must exist with

    A y^{ps} = 0,  G y^{ps} <= h - G a,
    -a_i z_i <= y^{ps}_i <= U_i z_i          (published cells cannot move)
    y^{p,up}_p  =  UPL_p,   y^{p,down}_p = -LPL_p

    minimise  sum_i w_i z_i

Audit (independent): for each hidden cell j, min / max x_j subject to the
relations with every published cell fixed at its value (LP, or MILP with
integrality for the "integer attacker").
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

import numpy as np
import scipy
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


@dataclass
class Problem:
    names: list                      # cell labels
    a: np.ndarray                    # true values
    A: sp.csr_matrix                 # equalities A x = 0
    primary: np.ndarray              # bool
    latent: np.ndarray               # bool: never published (z fixed 1, cost 0)
    lpl: np.ndarray                  # lower protection level (required a_p - lo)
    upl: np.ndarray                  # upper protection level (required hi - a_p)
    U: np.ndarray                    # a-priori upper bounds
    w: np.ndarray                    # suppression cost
    forced_pub: np.ndarray = None    # bool: must stay published (z fixed 0)
    G: sp.csr_matrix = None          # inequalities G x <= h
    h: np.ndarray = None
    fixed_hidden: np.ndarray = None  # bool: already hidden (e.g. earlier edition)

    @property
    def n(self):
        return len(self.a)


# ---------------------------------------------------------------- planner
def plan_compact(pb: Problem, time_limit=60.0, mip_rel_gap=1e-6, verbose=False):
    n = pb.n
    P = np.flatnonzero(pb.primary)
    fixed1 = pb.primary | pb.latent
    if pb.fixed_hidden is not None:
        fixed1 = fixed1 | pb.fixed_hidden
    fixed0 = pb.forced_pub if pb.forced_pub is not None else np.zeros(n, bool)
    free = ~(fixed1 | fixed0)
    blocks = [(p, s) for p in P for s in (+1, -1)]
    K = len(blocks)
    nv = n + K * n

    lb = np.zeros(nv); ub = np.ones(nv)
    lb[:n][fixed1] = 1; ub[:n][fixed0] = 0
    c = np.zeros(nv); c[:n] = np.where(fixed1, 0.0, pb.w)
    integrality = np.zeros(nv); integrality[:n] = 1

    rows_A, rows_lo, rows_hi = [], [], []
    I_n = sp.identity(n, format="csr")
    Ga_slack = (pb.h - pb.G @ pb.a) if pb.G is not None else None
    # linking rows only for free cells
    fr = np.flatnonzero(free)
    S = sp.csr_matrix((np.ones(len(fr)), (np.arange(len(fr)), fr)), shape=(len(fr), n))
    Uz = sp.csr_matrix((pb.U[fr], (np.arange(len(fr)), fr)), shape=(len(fr), n))
    az = sp.csr_matrix((pb.a[fr], (np.arange(len(fr)), fr)), shape=(len(fr), n))
    for k, (p, s) in enumerate(blocks):
        off = n + k * n
        ylo = -pb.a.astype(float).copy(); yhi = pb.U.astype(float).copy()
        ylo[fixed0] = 0; yhi[fixed0] = 0
        if s > 0:
            ylo[p] = yhi[p] = pb.upl[p]
        else:
            ylo[p] = yhi[p] = -pb.lpl[p]
        lb[off:off + n] = ylo; ub[off:off + n] = yhi
        pad_l = sp.csr_matrix((pb.A.shape[0], off)); pad_r = sp.csr_matrix((pb.A.shape[0], nv - off - n))
        rows_A.append(sp.hstack([pad_l, pb.A, pad_r])); rows_lo.append(np.zeros(pb.A.shape[0])); rows_hi.append(np.zeros(pb.A.shape[0]))
        if pb.G is not None:
            g = pb.G.shape[0]
            rows_A.append(sp.hstack([sp.csr_matrix((g, off)), pb.G, sp.csr_matrix((g, nv - off - n))]))
            rows_lo.append(np.full(g, -np.inf)); rows_hi.append(Ga_slack)
        f = len(fr)
        # y_i - U_i z_i <= 0
        rows_A.append(sp.hstack([-Uz, sp.csr_matrix((f, off - n)), S, sp.csr_matrix((f, nv - off - n))]))
        rows_lo.append(np.full(f, -np.inf)); rows_hi.append(np.zeros(f))
        # -y_i - a_i z_i <= 0
        rows_A.append(sp.hstack([-az, sp.csr_matrix((f, off - n)), -S, sp.csr_matrix((f, nv - off - n))]))
        rows_lo.append(np.full(f, -np.inf)); rows_hi.append(np.zeros(f))
    M = sp.vstack(rows_A, format="csr")
    t = time.perf_counter()
    res = milp(c, integrality=integrality, bounds=Bounds(lb, ub),
               constraints=LinearConstraint(M, np.concatenate(rows_lo), np.concatenate(rows_hi)),
               options={"time_limit": time_limit, "mip_rel_gap": mip_rel_gap, "disp": verbose})
    dt = time.perf_counter() - t
    if res.x is None:
        raise RuntimeError(f"planner failed: {res.message}")
    z = res.x[:n] > 0.5
    return z, dict(seconds=dt, status=res.status, message=res.message, objective=res.fun,
                   mip_gap=getattr(res, "mip_gap", None), vars=nv, rows=M.shape[0], nnz=M.nnz,
                   blocks=K)


def plan_cuts(pb: Problem, time_limit=60.0, max_rounds=200, verbose=False, line_cuts=True):
    """Benders-style row generation: master MILP over z only; for each primary
    and direction solve the attacker LP with z fixed; if protection fails add
    the Farkas-type cut  sum_i (U_i * d+_i + a_i * d-_i) z_i >= required  obtained
    from the LP duals (as in Fischetti & Salazar, tau-ARGUS 'OPT')."""
    n = pb.n
    P = np.flatnonzero(pb.primary)
    fixed1 = pb.primary | pb.latent
    if pb.fixed_hidden is not None:
        fixed1 = fixed1 | pb.fixed_hidden
    fixed0 = pb.forced_pub if pb.forced_pub is not None else np.zeros(n, bool)
    c = np.where(fixed1, 0.0, pb.w)
    lb = fixed1.astype(float); ub = np.where(fixed0, 0.0, 1.0)
    cuts_rows, cuts_rhs = [], []
    t0 = time.perf_counter(); rounds = 0; lp_count = 0
    Aeq = pb.A
    # attacker LP in deviation space:  max s*y_p  s.t. A y = 0, G y <= h - G a,
    #   -a_i z_i <= y_i <= U_i z_i.  Dual of bound rows gives the cut.
    z = fixed1.copy()
    if line_cuts:
        # a-priori cuts: a hidden primary must not be the only hidden cell of any equation
        Acsr = pb.A.tocsr()
        for p in P:
            for r in Acsr[:, p].nonzero()[0]:
                cols = Acsr.indices[Acsr.indptr[r]:Acsr.indptr[r + 1]]
                others = [i for i in cols if i != p]
                if any(fixed1[i] for i in others):
                    continue
                row = np.zeros(n); row[[i for i in others if not fixed0[i]]] = 1.0
                cuts_rows.append(row); cuts_rhs.append(1.0)
        if cuts_rows:
            res = milp(c, integrality=np.ones(n), bounds=Bounds(lb, ub),
                       constraints=LinearConstraint(sp.csr_matrix(np.array(cuts_rows)), np.array(cuts_rhs), np.inf))
            z = res.x > 0.5
    while rounds < max_rounds:
        rounds += 1
        new = 0
        for p in P:
            for s in (+1, -1):
                need = pb.upl[p] if s > 0 else pb.lpl[p]
                cobj = np.zeros(n); cobj[p] = -s
                bl = -pb.a * z; bu = pb.U * z
                r = linprog(cobj, A_ub=pb.G, b_ub=(pb.h - pb.G @ pb.a) if pb.G is not None else None,
                            A_eq=Aeq, b_eq=np.zeros(Aeq.shape[0]), bounds=np.c_[bl, bu], method="highs")
                lp_count += 1
                got = -r.fun if r.status == 0 else np.inf
                if got >= need - 1e-7:
                    continue
                # marginals of variable bounds: upper.marginals <= 0, lower.marginals >= 0 for min
                mu_u = -r.upper.marginals   # >=0, sensitivity to U_i z_i
                mu_l = r.lower.marginals    # >=0, sensitivity to -a_i z_i
                coef = mu_u * pb.U + mu_l * pb.a      # achievable gain if z_i opened
                # cut: sum_{i: z_i=0} coef_i z_i >= need - got   (valid: LP value is
                # concave in z relaxed, supergradient bound). Normalise.
                coef = np.where(z, 0.0, coef)
                if coef.max() <= 1e-9:
                    raise RuntimeError(f"cell {p} cannot be protected")
                cuts_rows.append(np.minimum(coef, need)); cuts_rhs.append(need - got)
                new += 1
        if new == 0:
            break
        Cm = sp.csr_matrix(np.array(cuts_rows))
        # also add the cheap 'two-cells-in-every-equation' style is implied by cuts
        res = milp(c, integrality=np.ones(n), bounds=Bounds(lb, ub),
                   constraints=LinearConstraint(Cm, np.array(cuts_rhs), np.inf),
                   options={"time_limit": max(1.0, time_limit - (time.perf_counter() - t0))})
        if res.x is None:
            raise RuntimeError(res.message)
        z = res.x > 0.5
    return z, dict(seconds=time.perf_counter() - t0, rounds=rounds, lps=lp_count, cuts=len(cuts_rows),
                   objective=float(c @ z))


# ---------------------------------------------------------------- auditor
def audit(pb: Problem, hidden: np.ndarray, integer=False, targets=None, time_limit=30.0):
    """Independent audit: feasible interval of each hidden cell.
    Variables = hidden cells only; published cells are constants."""
    n = pb.n
    H = np.flatnonzero(hidden); Pub = np.flatnonzero(~hidden)
    pos = {j: k for k, j in enumerate(H)}
    A = pb.A.tocsc()
    AH = A[:, H]; b = -(A[:, Pub] @ pb.a[Pub])
    keep = np.asarray(abs(AH).sum(axis=1)).ravel() > 0   # drop rows with no unknowns
    if np.any(np.abs(b[~keep]) > 1e-9):
        raise ValueError("published cells violate additivity")
    AH = AH[keep]; b = b[keep]
    cons = [LinearConstraint(AH, b, b)]
    Gub = hub = None
    if pb.G is not None:
        G = pb.G.tocsc(); GH = G[:, H]; hh = pb.h - G[:, Pub] @ pb.a[Pub]
        k2 = np.asarray(abs(GH).sum(axis=1)).ravel() > 0
        Gub, hub = GH[k2], hh[k2]
        cons.append(LinearConstraint(Gub, -np.inf, hub))
    bnds = np.c_[np.zeros(len(H)), np.where(np.isfinite(pb.U[H]), pb.U[H], np.inf)]
    out = {}
    tg = H if targets is None else [j for j in targets if hidden[j]]
    for j in tg:
        lohi = []
        for s in (+1, -1):
            cobj = np.zeros(len(H)); cobj[pos[j]] = s
            if integer:
                r = milp(cobj, integrality=np.ones(len(H)), bounds=Bounds(bnds[:, 0], bnds[:, 1]),
                         constraints=cons, options={"time_limit": time_limit})
                val = r.fun if r.status == 0 else (None if r.x is None else r.fun)
                if r.status not in (0,):
                    val = -np.inf * s if "unbounded" in r.message.lower() else r.fun
            else:
                r = linprog(cobj, A_ub=Gub, b_ub=hub, A_eq=AH, b_eq=b, bounds=bnds, method="highs")
                val = r.fun if r.status == 0 else (-np.inf if r.status == 3 else np.nan)
            lohi.append(s * val)
        out[j] = (lohi[0], lohi[1])
    return out


def check(pb: Problem, intervals: dict, tol=1e-6):
    bad = []
    for j, (lo, hi) in intervals.items():
        if pb.primary[j]:
            if lo > pb.a[j] - pb.lpl[j] + tol or hi < pb.a[j] + pb.upl[j] - tol:
                bad.append((pb.names[j], pb.a[j], lo, hi))
        if hi - lo < 0.5:        # any hidden cell pinned exactly = disclosed
            bad.append((pb.names[j], pb.a[j], lo, hi))
    return bad


# ---------------------------------------------------------------- table builders
def linked_margins(counts: np.ndarray, specs, dim_names, latent_cube=False):
    """All cells (with margins) of the tables `specs` (tuples of dims) drawn from
    the hypercube `counts`.  Cell key = (frozenset(dims kept), coords)."""
    D = counts.ndim
    keys = {}
    names = []; vals = []; lat = []
    def add(key, latent=False):
        if key not in keys:
            keys[key] = len(names)
            T, coords = key
            lab = "|".join(f"{dim_names[d]}={coords[k]}" for k, d in enumerate(sorted(T))) or "TOTAL"
            names.append(lab); lat.append(latent)
            ax = tuple(d for d in range(D) if d not in T)
            m = counts.sum(axis=ax) if ax else counts
            vals.append(m[tuple(coords)] if T else m)
        return keys[key]
    tables = []
    for spec in specs:
        cells = []
        for r in range(len(spec) + 1):
            for T in itertools.combinations(sorted(spec), r):
                for coords in itertools.product(*[range(counts.shape[d]) for d in T]):
                    cells.append(add((frozenset(T), coords)))
        tables.append(cells)
    rows = []
    if latent_cube:
        full = frozenset(range(D))
        pub = list(keys.items())
        for coords in itertools.product(*[range(s) for s in counts.shape]):
            add((full, coords), latent=True)
        for (T, coords), i in pub:
            if T == full:
                continue
            Ts = sorted(T)
            fixed = dict(zip(Ts, coords))
            row = {i: -1.0}
            for fc in itertools.product(*[([fixed[d]] if d in fixed else range(counts.shape[d])) for d in range(D)]):
                row[keys[(full, fc)]] = row.get(keys[(full, fc)], 0) + 1.0
            rows.append(row)
    else:
        seen = set()
        for spec in specs:
            for r in range(1, len(spec) + 1):
                for T in itertools.combinations(sorted(spec), r):
                    for d in T:
                        rest = tuple(x for x in T if x != d)
                        for coords in itertools.product(*[range(counts.shape[x]) for x in rest]):
                            key = (T, d, coords)
                            if key in seen:
                                continue
                            seen.add(key)
                            cm = dict(zip(rest, coords))
                            row = {keys[(frozenset(rest), coords)]: -1.0}
                            for v in range(counts.shape[d]):
                                cm2 = dict(cm); cm2[d] = v
                                row[keys[(frozenset(T), tuple(cm2[x] for x in T))]] = 1.0
                            rows.append(row)
    n = len(names)
    r_i, c_i, v_i = [], [], []
    for k, row in enumerate(rows):
        for j, v in row.items():
            r_i.append(k); c_i.append(j); v_i.append(v)
    A = sp.csr_matrix((v_i, (r_i, c_i)), shape=(len(rows), n))
    return names, np.array(vals, float), A, np.array(lat), tables


def make_problem(names, a, A, latent, T=5, mode="cover", cost="value", total_weight=1.0, is_total=None,
                 protect_latent=False):
    n = len(a)
    prim = (a > 0) & (a < T) & (~latent | protect_latent)
    if mode == "cover":            # feasible range must contain [0, T]
        lpl = np.where(prim, a, 0.0); upl = np.where(prim, T - a, 0.0)
    else:                           # symmetric: range width >= T around a  (clipped at 0)
        lpl = np.where(prim, np.minimum(a, np.ceil(T / 2)), 0.0)
        upl = np.where(prim, T - lpl, 0.0)
    U = np.full(n, a.max())        # attacker knows nothing beyond 'cell <= grand total'
    w = (a + 1.0) if cost == "value" else np.ones(n)
    if is_total is not None:
        w = np.where(is_total, w * total_weight, w)
    w = np.where(latent, 0.0, w)
    return Problem(names=names, a=a, A=A, primary=prim, latent=latent, lpl=lpl, upl=upl, U=U, w=w)
