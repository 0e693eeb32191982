"""Tables of the recommended-run study from compare-schedules CSVs.
usage: report.py MAIN.csv [SF_AT_M.csv|- [RERUN.csv ...]]  (rows of the second replace the schedule-free
rows at multiple 1; rows of each later file replace the rows of the same scenario, seed, optimizer,
method, averaging and multiple: a rerun at a changed rate)"""
import csv, sys
from collections import defaultdict
main=list(csv.DictReader(open(sys.argv[1])))
sf=list(csv.DictReader(open(sys.argv[2]))) if len(sys.argv)>2 and sys.argv[2]!='-' else []
if sf:
    main=[r for r in main if not (r['method']=='schedule-free' and r['multiple']=='1.0')]
    main+=sf
def runkey(r): return (r['scenario'],r['seed'],r['optimizer'],r['method'],r['averaging'],r['multiple'])
for rerun_file in sys.argv[3:]:
    rerun=list(csv.DictReader(open(rerun_file)))
    keys={runkey(r) for r in rerun}
    main=[r for r in main if runkey(r) not in keys]+rerun
score=defaultdict(dict); secs=defaultdict(list)
for r in main:
    key=(r['optimizer'],r['method'],r['averaging']=='true',r['multiple'])
    score[(r['scenario'],int(r['seed']))][key]=float(r['score'])*100
    secs[(r['optimizer'],r['method'],r['averaging']=='true')].append(float(r['seconds']))
cells=sorted(score)
scen=sorted(set(s for s,_ in cells), key=lambda s: [c[0] for c in cells].index(s))
def at(cell,opt,m,avg=False,mult='1.0'): return score[cell].get((opt,m,avg,mult))
def tuned(cell,opt,m):
    v=[x for (o,mm,a,mu),x in score[cell].items() if o==opt and mm==m and not a and mu!='']
    return max(v) if v else None
runs=[('sgd','constant'),('sgd','one-cycle'),('sgd','cosine'),('sgd','wsd'),('sgd','linear-to-zero'),
      ('adamw','constant'),('adamw','one-cycle'),('adamw','wsd'),('adamw','linear-to-zero'),
      ('sf-sgd','schedule-free'),('sf-adamw','schedule-free')]
def mean(v): v=[x for x in v if x is not None]; return sum(v)/len(v) if v else float('nan')
def scen_mean(s,f):
    return mean([f(c) for c in cells if c[0]==s])
# best tuned one-cycle per cell (either optimizer)
def oc_best(c): return max(x for x in [tuned(c,'sgd','one-cycle'),tuned(c,'adamw','one-cycle')] if x is not None)
def sfa_def(c): return at(c,'sf-adamw','defaults',False,'')
print("| optimizer + method | weight average | " + " | ".join(scen) + " | mean | vs Schedule-Free AdamW defaults | vs best tuned one-cycle | worst seed vs SF-AdamW defaults | s per run |")
print("|---|---|" + "---|"*(len(scen)+5))
rowsout=[]
for opt,m in runs:
    for avg in (False,True):
        if not any(at(c,opt,m,avg) is not None for c in cells): continue
        per=[scen_mean(s,lambda c: at(c,opt,m,avg)) for s in scen]
        allc=[c for c in cells if at(c,opt,m,avg) is not None]
        d_sf=mean([at(c,opt,m,avg)-sfa_def(c) for c in allc if sfa_def(c) is not None])
        d_oc=mean([at(c,opt,m,avg)-oc_best(c) for c in allc])
        worst=min(at(c,opt,m,avg)-sfa_def(c) for c in allc if sfa_def(c) is not None) if any(sfa_def(c) is not None for c in allc) else float('nan')
        t=mean(secs[(opt,m,avg)])
        print(f"| {opt} {m} | {'yes' if avg else 'no'} | " + " | ".join(f"{x:.2f}" for x in per) + f" | {mean(per):.2f} | {d_sf:+.2f} | {d_oc:+.2f} | {worst:+.2f} | {t:.1f} |")
for opt in ('sf-adamw','sf-sgd'):
    per=[scen_mean(s,lambda c: at(c,opt,'defaults',False,'')) for s in scen]
    allc=[c for c in cells if at(c,opt,'defaults',False,'') is not None]
    d_sf=mean([at(c,opt,'defaults',False,'')-sfa_def(c) for c in allc])
    d_oc=mean([at(c,opt,'defaults',False,'')-oc_best(c) for c in allc])
    print(f"| {opt} at its published defaults | no | " + " | ".join(f"{x:.2f}" for x in per) + f" | {mean(per):.2f} | {d_sf:+.2f} | {d_oc:+.2f} | | {mean(secs[(opt,'defaults',False)]):.1f} |")
print()
print("Tuned best (the best of the finder's rate x 0.5, 1, 2, 4; mean over seeds of each seed's best):")
print()
print("| optimizer + method | " + " | ".join(scen) + " | mean | finder's rate minus tuned best |")
print("|---|" + "---|"*(len(scen)+2))
for opt,m in runs:
    if not any(tuned(c,opt,m) is not None and len([1 for (o,mm,a,mu) in score[c] if o==opt and mm==m and not a and mu!=''])>1 for c in cells): continue
    per=[scen_mean(s,lambda c: tuned(c,opt,m)) for s in scen]
    gap=mean([at(c,opt,m)-tuned(c,opt,m) for c in cells if at(c,opt,m) is not None and tuned(c,opt,m) is not None])
    print(f"| {opt} {m} | " + " | ".join(f"{x:.2f}" for x in per) + f" | {mean(per):.2f} | {gap:+.2f} |")
