"""The one-cycle tables of docs/BENCHMARKS.md, from the saved CSVs (no training): for every set with
a one-cycle oracle (NAME-onecycle-oracle.csv, from bench-suggestions --one-cycle-oracle) and the
user flow trained for real (NAME-onecycle-confirm.csv, from --confirm-one-cycle), the best
one-cycle peak, the best constant rate, and how finder -> OneCycleScheduler.fromSuggestion does.
Run from the repository root: python3 docs/bench/onecycle.py [FOLDER...] (default: every folder
of docs/bench but onecycle-plansweep, which holds the user flow re-run at today's planned rate)"""
import csv, glob, collections, math, sys
def grid(path):
    g = collections.defaultdict(dict)
    for r in csv.DictReader(open(path)):
        g[float(r['learning_rate'])][int(r['seed'])] = float(r['accuracy'])
    lrs = sorted(g)
    return lrs, [sum(g[l].values())/len(g[l]) for l in lrs]
rows=[]; gaps=[]; aheads=[]; worst=0; worsts=[]
print('| set | steps | best constant (grid) | best one-cycle peak (grid) | finder -> fromSuggestion: peaks per seed | its accuracy | gap to best one-cycle | worst seed | ahead of best constant |')
print('|---|---|---|---|---|---|---|---|---|')
folders = sys.argv[1:]
files = ([f for d in folders for f in sorted(glob.glob(f'{d.rstrip("/")}/*-onecycle-confirm.csv'))]
         if folders else [f for f in sorted(glob.glob('docs/bench/*/*-onecycle-confirm.csv'))
                          if '/onecycle-plansweep/' not in f])
for p in files:
    d, name = p.rsplit('/',1); name = name.replace('-onecycle-confirm.csv','')
    ocp = f'{d}/{name}-onecycle-oracle.csv'
    try: olrs, omean = grid(ocp)
    except FileNotFoundError: continue
    clrs, cmean = grid(f'{d}/{name}-oracle.csv')
    steps = [l.split(',')[2] for l in open(f'{d}/{name}-meta.csv') if l.startswith('steps,')][0].strip()
    conf = list(csv.DictReader(open(p)))
    accs = [float(r['accuracy']) for r in conf]; peaks = [float(r['peak_lr']) for r in conf]
    reg = name == 'regression'
    ob = max(range(len(olrs)), key=lambda i: omean[i]); cb = max(range(len(clrs)), key=lambda i: cmean[i])
    m = sum(accs)/len(accs)
    if reg:
        f = lambda a: 100*(-a)/(-omean[ob]) - 100
        print(f'| {name} | {steps} | MSE {-cmean[cb]:.4f} at {clrs[cb]:.3g} | MSE {-omean[ob]:.4f} at {olrs[ob]:.3g} | {", ".join("%.3g"%x for x in peaks)} | MSE {-m:.4f} | {100*(omean[ob]-m)/(-omean[ob]):.1f} % | {max(100*(omean[ob]-a)/(-omean[ob]) for a in accs):.1f} % | {100*(m-cmean[cb])/(-cmean[cb]):.1f} % (error) |')
        continue
    gap = 100*(omean[ob]-m); ws = max(100*(omean[ob]-a) for a in accs); ah = 100*(m-cmean[cb])
    edge = ' (grid edge)' if ob in (0, len(olrs)-1) else ''
    gaps.append(gap); aheads.append(ah); worsts.append(ws)
    print(f'| {name} | {steps} | {100*cmean[cb]:.2f} % at {clrs[cb]:.3g} | {100*omean[ob]:.2f} % at {olrs[ob]:.3g}{edge} | {", ".join("%.3g"%x for x in peaks)} | {100*m:.2f} % | {gap:.2f} | {ws:.2f} | {ah:+.2f} |')
print(f'\nmean gap to the best one-cycle peak {sum(gaps)/len(gaps):.2f} points, worst seed {max(worsts):.2f}; mean ahead of the best constant rate {sum(aheads)/len(aheads):+.2f} points ({len(gaps)} sets)')
