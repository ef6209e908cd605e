"""Run the prototype scenarios and print timings.
Usage, from the repository root: .venv/bin/python docs/research/disclosure/run_demo.py
"""
import sys, time, json
from pathlib import Path
import numpy as np
import scipy, scipy.sparse as sp
sys.path.insert(0, str(Path(__file__).parent))
from sdc_proto import (Problem, linked_margins, make_problem, plan_compact, plan_cuts, audit, check)

T = 5
rng = np.random.default_rng(2024)
print("python", sys.version.split()[0], "scipy", scipy.__version__, "numpy", np.__version__)


def population(N, probs):
    """Random hypercube of counts with skewed (independent) margins."""
    p = probs[0]
    for q in probs[1:]:
        p = np.multiply.outer(p, q)
    p = p * rng.lognormal(0, 0.6, p.shape); p /= p.sum()
    return rng.multinomial(N, p.ravel()).reshape(p.shape)


gender = np.array([.49, .47, .03, .01])                        # F M X(other) U(not stated)
age = np.array([.05, .12, .18, .2, .17, .13, .1, .05])          # 8 bands
eth = np.array([.72, .1, .07, .06, .03, .02])                    # 6 groups
dis = np.array([.75, .2, .05])                                   # no / yes / not stated
DIMS = ["G", "A", "E", "D"]


def summarize(tag, pb, z, info, t_audit_lp, iv, t_audit_ip=None, iv_ip=None):
    hid = z & ~pb.latent
    print(f"  [{tag}] cells={pb.n - pb.latent.sum()} latent={pb.latent.sum()} primaries={pb.primary.sum()} "
          f"secondary={int((hid & ~pb.primary).sum())} hidden_total={pb.a[hid].sum():.0f} "
          f"plan={info['seconds']:.2f}s ({ {k: v for k, v in info.items() if k != 'seconds'} })")
    print(f"     audit LP: {len(iv)} hidden cells x2 LPs in {t_audit_lp:.2f}s; violations={check(pb, iv)}")
    if iv_ip is not None:
        diff = sum(1 for j in iv if abs(iv[j][0] - iv_ip[j][0]) > 1e-6 or abs(iv[j][1] - iv_ip[j][1]) > 1e-6)
        print(f"     audit MILP (integer attacker): {t_audit_ip:.2f}s; cells whose interval differs from LP: {diff}; "
              f"violations={check(pb, iv_ip)}")


def run(tag, pb, do_compact=True, do_cuts=True, integer_audit=True, time_limit=120):
    res = {}
    for meth, fn in (("compact", plan_compact), ("cuts", plan_cuts)):
        if (meth == "compact" and not do_compact) or (meth == "cuts" and not do_cuts):
            continue
        z, info = fn(pb, time_limit=time_limit)
        hidden = z.copy()
        t = time.perf_counter(); iv = audit(pb, hidden); ta = time.perf_counter() - t
        iv_ip = ti = None
        if integer_audit:
            t = time.perf_counter(); iv_ip = audit(pb, hidden, integer=True); ti = time.perf_counter() - t
        summarize(f"{tag} / {meth}", pb, z, info, ta, iv, ti, iv_ip)
        res[meth] = (z, info, iv)
    return res


# ---------------------------------------------------------------- S1: 4 x 8 with margins
print("\n=== S1: gender(4) x age(8) with margins (45 cells), threshold 5, range must cover [0,5]")
cube = population(700, [gender, age])
names, a, A, lat, _ = linked_margins(cube, [(0, 1)], DIMS[:2])
pb = make_problem(names, a, A, lat, T=T)
r1 = run("S1", pb)
z, _, iv = r1["compact"]
tbl = np.zeros((5, 9), dtype=object)
for i, nm in enumerate(names):
    parts = dict(p.split("=") for p in nm.split("|")) if nm != "TOTAL" else {}
    g = int(parts["G"]) if "G" in parts else 4; ag = int(parts["A"]) if "A" in parts else 8
    tbl[g, ag] = (f"[{int(a[i])}]*" if pb.primary[i] else f"[{int(a[i])}]") if z[i] else str(int(a[i]))
print("     published table ([v] = hidden, * = primary; last row/col = totals):")
for r in tbl:
    print("      " + " ".join(f"{c:>6}" for c in r))
print("     audit intervals of hidden cells:", {names[j]: (round(lo, 2), round(hi, 2)) for j, (lo, hi) in iv.items()})

# percentages: publish row % (1 dp) for shown numerators; demonstrate a leak when denominator hidden
print("\n=== S1b: percentages as audit inequalities (row %, 1 dp)")
def pct_rows(pb, hidden, denominators):
    """For every published numerator i with denominator d (maybe hidden) add
    (pct-0.05)/100 * x_d <= x_i <= (pct+0.05)/100 * x_d."""
    G, h = [], []
    n = pb.n
    for i, d in denominators.items():
        if hidden[i] or pb.a[d] == 0:
            continue
        pct = round(100 * pb.a[i] / pb.a[d], 1)
        r1 = np.zeros(n); r1[i] = -100; r1[d] = pct - 0.05; G.append(r1); h.append(0)   # 100 x_i >= (pct-.05) x_d
        r2 = np.zeros(n); r2[i] = 100; r2[d] = -(pct + 0.05); G.append(r2); h.append(0)  # 100 x_i <= (pct+.05) x_d
    return sp.csr_matrix(np.array(G)), np.array(h, float)
idx = {nm: i for i, nm in enumerate(names)}
den = {}
for nm, i in idx.items():
    if "G=" in nm and "A=" in nm:
        den[i] = idx[nm.split("|")[0]]           # row total of that gender
demo = z.copy()
# counter-example: the two big row totals G=0, G=1 are hidden too (counts alone keep them uncertain),
# but the row percentages of the *shown* cells are published against those hidden denominators
demo[idx["G=0"]] = True; demo[idx["G=1"]] = True
G, h = pct_rows(pb, demo, den)
pb2 = Problem(**{**pb.__dict__, "G": G, "h": h})
t = time.perf_counter(); iv_no = audit(pb, demo); iv_pct = audit(pb2, demo); tt = time.perf_counter() - t
for j in (idx["G=0"], idx["G=1"], idx["G=0|A=3"], idx["G=1|A=1"]):
    if demo[j]:
        print(f"     {names[j]} true={a[j]:.0f}: interval without pct constraints {tuple(round(v,2) for v in iv_no[j])}, "
              f"with published row % {tuple(round(v,2) for v in iv_pct[j])}")
print(f"     ({len(G.toarray())} pct inequalities, audit {tt:.2f}s) -> rule: publish a % only if numerator AND denominator are shown; auditor keeps the inequalities anyway")

# ---------------------------------------------------------------- S2: linked 2-way tables
print("\n=== S2: linked document: all six 2-way tables of gender(4), age(8), ethnicity(6), disability(3) + offence(10)xgender(4) table")
cube4 = population(1500, [gender, age, eth, dis])
specs = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
names, a, A, lat, tables = linked_margins(cube4, specs, DIMS)
n_pub_cells = sum(len(t) for t in tables)
# referrals by offence x gender: separate population, independent table
off = population(400, [np.array([.3, .2, .15, .1, .08, .06, .05, .03, .02, .01]), gender])
n2, a2, A2, l2, t2 = linked_margins(off, [(0, 1)], ["O", "G"])
names2 = names + ["ref:" + s for s in n2]
a_all = np.concatenate([a, a2]); A_all = sp.block_diag([A, A2], format="csr"); lat_all = np.concatenate([lat, l2])
print(f"     published cells incl. repeats: {n_pub_cells + len(t2[0])}; distinct cells: {len(a_all)}; equations: {A_all.shape[0]}")
pb = make_problem(names2, a_all, A_all, lat_all, T=T)
r2 = run("S2", pb, time_limit=300)

print("\n=== S2L: same six tables, attacker also uses the latent 4-way hypercube (576 hidden cells >= 0)")
namesL, aL, AL, latL, _ = linked_margins(cube4, specs, DIMS, latent_cube=True)
pbL = make_problem(namesL, aL, AL, latL, T=T)
z2 = r2["compact"][0][:len(a)]          # the S2 pattern for these tables
hidL = np.concatenate([z2, np.ones(latL.sum(), bool)])
t = time.perf_counter(); ivL = audit(pbL, hidL, targets=np.flatnonzero(z2)); tl = time.perf_counter() - t
viol = check(pbL, ivL)
print(f"     audit of S2 pattern against hypercube-aware attacker (LP): {tl:.2f}s, violations={len(viol)} {viol[:5]}")
t = time.perf_counter(); ivLi = audit(pbL, hidL, targets=np.flatnonzero(z2), integer=True); tli = time.perf_counter() - t
violi = check(pbL, ivLi)
print(f"     same with integer attacker (MILP): {tli:.2f}s, violations={len(violi)} {violi[:5]}")
try:
    zL, infoL = plan_cuts(pbL, time_limit=300)
    t = time.perf_counter(); ivL2 = audit(pbL, zL, targets=np.flatnonzero(zL & ~latL)); tl2 = time.perf_counter() - t
    summarize("S2L / cuts (plan with hypercube)", pbL, zL, infoL, tl2, ivL2)
except Exception as e:
    print("     S2L cuts planner failed:", e)

# ---------------------------------------------------------------- S3: 3-way table
print("\n=== S3: 3-way table gender(4) x age(8) x ethnicity(6) with all margins (315 cells)")
cube3 = population(1200, [gender, age, eth])
names, a, A, lat, _ = linked_margins(cube3, [(0, 1, 2)], DIMS[:3])
pb = make_problem(names, a, A, lat, T=T)
r3 = run("S3", pb, time_limit=300)

# ---------------------------------------------------------------- S4: YTD editions
print("\n=== S4: two quarterly YTD editions of gender x age; Q1 already published; Q2YTD = Q1YTD + Q2only (latent)")
q1 = population(350, [gender, age]); q2only = population(350, [gender, age])
q2only[0, 3] = 2; q2only[1, 4] = 1   # few new F aged band 3 / M band 4 this quarter
n1, a1, A1, l1, _ = linked_margins(q1, [(0, 1)], ["G", "A"])
nq, aq, Aq, lq, _ = linked_margins(q2only, [(0, 1)], ["G", "A"])
ny, ay, Ay, ly, _ = linked_margins(q1 + q2only, [(0, 1)], ["G", "A"])
m = len(a1)
names4 = ["Q1:" + s for s in n1] + ["Q2only:" + s for s in nq] + ["YTD2:" + s for s in ny]
a4 = np.concatenate([a1, aq, ay])
link = sp.hstack([sp.identity(m), sp.identity(m), -sp.identity(m)])       # Q1 + Q2only - YTD2 = 0
A4 = sp.vstack([sp.block_diag([A1, Aq, Ay]), link], format="csr")
lat4 = np.r_[np.zeros(m, bool), np.ones(m, bool), np.zeros(m, bool)]
# Q1 edition: plan alone
pbq1 = make_problem(n1, a1, A1, l1, T=T); zq1, _ = plan_compact(pbq1)
for protect_latent in (False, True):
    pb4 = make_problem(names4, a4, A4, lat4, T=T, protect_latent=protect_latent)
    fixed_h = np.r_[zq1, np.zeros(2 * m, bool)]
    # Q1 cells are already out: published Q1 cells must stay as published (forced), hidden stay hidden
    pb4.forced_pub = np.r_[~zq1, np.zeros(2 * m, bool)]
    pb4.fixed_hidden = fixed_h
    pb4.primary = pb4.primary & ~np.r_[np.ones(m, bool), np.zeros(2 * m, bool)]   # Q1 primaries already handled
    pb4.primary |= np.r_[zq1 & pbq1.primary, np.zeros(2 * m, bool)]
    pb4.lpl[:m] = pbq1.lpl; pb4.upl[:m] = pbq1.upl
    # naive: plan YTD2 alone, then audit in the linked model
    pby = make_problem(ny, ay, Ay, ly, T=T); zy, _ = plan_compact(pby)
    naive = np.r_[zq1, np.ones(m, bool), zy]
    ivn = audit(pb4, naive, targets=np.flatnonzero(naive & ~lat4 | (pb4.primary & lat4)))
    z4, info4 = plan_compact(pb4, time_limit=120)
    t = time.perf_counter(); iv4 = audit(pb4, z4, targets=np.flatnonzero(z4 & ~lat4 | (pb4.primary & lat4))); ta = time.perf_counter() - t
    print(f"   protect quarter-only increments too = {protect_latent}:")
    print(f"     naive (YTD2 planned alone) audited in linked model: violations={len(check(pb4, ivn))} e.g. {check(pb4, ivn)[:3]}")
    summarize("S4 joint plan", pb4, z4 & ~lat4, info4, ta, iv4)
