"""Throwaway prototype of the suggestion rules, used to explore candidates for the default
on the saved grids and curves before the Java rules were written (docs/BENCHMARKS.md, "What was
tried"). A Python port of steepest/valley/minimum/slide/consensus (it reproduces the Java
suggestions on docs/bench/curves) and of CurveAnalysis's onset (CurveShape's when this was
written). Estimates only: the Java scorer (bench-suggestions --score) is the reference. Run from the repository root:

    python3 docs/bench/prototype/rules.py
"""
import json, glob, math, csv, os, sys
import numpy as np

def load(path):
    pts = json.load(open(path))['points']
    lr = np.array([p['learning_rate'] for p in pts]); raw = np.array([p['loss'] if p['loss'] is not None else np.nan for p in pts], dtype=float)
    sm = np.array([p['smoothed_loss'] if p['smoothed_loss'] is not None else np.nan for p in pts], dtype=float)
    return lr, raw, sm

def window(lr, sm):
    n = len(sm); finite = 0
    while finite < n and np.isfinite(sm[finite]): finite += 1
    frm = n // 10; to = finite - min(5, max(1, n // 10))
    if finite < n: to = max(to, finite - 1)
    return frm, max(frm, to)

def grad(x, y):
    n=len(y); g=np.zeros(n)
    if n<2: return g
    g[0]=(y[1]-y[0])/(x[1]-x[0]); g[-1]=(y[-1]-y[-2])/(x[-1]-x[-2])
    for i in range(1,n-1): g[i]=(y[i+1]-y[i-1])/(x[i+1]-x[i-1])
    return g

def steepest(lr, raw, sm):
    a,b = window(lr, sm)
    if b-a<3: return None
    s = grad(np.log10(lr[a:b]), sm[a:b]); return lr[a+int(np.argmin(s))]
def minimum(lr, raw, sm):
    a,b = window(lr, sm)
    if b-a<3: return None
    return lr[a+int(np.argmin(sm[a:b]))]/10
def valley(lr, raw, sm):
    a,b = window(lr, sm)
    if b-a<3: return None
    L = sm[a:b]; n=len(L); run=[1]*n; be=0
    for i in range(n):
        for j in range(i):
            if L[i]<L[j] and run[j]+1>run[i]: run[i]=run[j]+1
        if run[i]>run[be]: be=i
    st=max(0,be-run[be]); t=(be-st)//3; pk=min(n-1, st+t+t//2); return lr[a+pk]
def slide(lr, raw, sm):
    a,b = window(lr, sm); n=b-a
    if n<=15: return None
    s = grad(np.arange(n, dtype=float), sm[a:b]); r=n-1; l=r-15; pk=l
    while l>=0 and abs(s[r]-s[l])>0.005: pk=l; r-=1; l-=1
    return lr[a+pk]
def consensus(lr, raw, sm):
    v=[f(lr,raw,sm) for f in (steepest, valley, minimum)]; v=[x for x in v if x]
    if len(v)<2: return None
    return math.exp(sum(math.log(x) for x in v)/len(v))
RULES = dict(steepest=steepest, valley=valley, minimum=minimum, slide=slide, consensus=consensus)

def oracle(path):
    g = {}
    for row in csv.DictReader(open(path)):
        g.setdefault(float(row['learning_rate']), {})[int(row['seed'])] = float(row['accuracy'])
    lrs = sorted(g); return np.array(lrs), np.array([[g[l][s] for s in sorted(g[l])] for l in lrs])

def interp(lrs, acc_seed, lr):
    x = np.log10(lrs); v = math.log10(lr)
    v = min(max(v, x[0]), x[-1])  # clamp (outside the grid: nearest end)
    return float(np.interp(v, x, acc_seed))

def level(raw, h):
    n = len(raw); f = n
    for i in range(n):
        if not np.isfinite(raw[i]): f = i; break
    m = np.array([np.median(raw[max(0,i-h):min(f,i+h+1)]) for i in range(f)])
    return m

def feats(lr, raw, sm, h=None):
    f0 = int(np.argmax(~np.isfinite(raw))) if (~np.isfinite(raw)).any() else len(raw)
    if h is None: h = max(2, int(round(f0/20)))
    m = level(raw, h); f = len(m)
    a = len(lr)//10
    imin = a + int(np.argmin(m[a:]))
    M = m[imin]
    resid = raw[:f] - m
    r_=raw[a:f]; sig = 1.4826*np.median(np.abs(r_[2:]-2*r_[1:-1]+r_[:-2]))/math.sqrt(6)
    start = np.median(raw[a:a+2*h+1]) if f > a+2*h else m[a]
    D = start - M
    return dict(m=m, f=f, a=a, imin=imin, M=M, sig=sig, start=start, D=D, h=h, tau=5*sig/math.sqrt(2*h+1))

def onset_idx(lr, raw, sm, h=None, tau_mult=None):
    F = feats(lr, raw, sm, h); m=F['m']; M=F['M']; tau = F['tau'] if tau_mult is None else tau_mult*F['sig']
    # last index whose level is within tau of the best level; onset is the next one
    last = F['imin']
    for k in range(F['imin'], F['f']):
        if m[k] <= M + tau: last = k
    return min(last+1, F['f']-1), F

import sys
D1='docs/bench/scenarios'; D0='docs/bench/curves'
def sets():
    out=[]
    for s in ['mlp-sgd','mlp-adam','synthetic-sgd','cnn-sgd']:
        out.append((s, D0))
    for s in ['fresh','warm','transfer','batch16','batch1024','adamw','cnn-bn']:
        if os.path.exists(f'{D1}/{s}-seed3.json') and os.path.exists(f'{D1}/{s}-oracle.csv'):
            lrs, acc = oracle(f'{D1}/{s}-oracle.csv')
            if len(lrs)==17: out.append((s, D1))
    return out

def onset_rule(k=4, h=4, tm=1.0):
    def r(lr, raw, sm):
        i, F = onset_idx(lr, raw, sm, h, tm); return lr[i]/k
    return r
def hybrid(k=4, h=4, tm=1.0, dm=1.0):
    def r(lr, raw, sm):
        F = feats(lr, raw, sm, h)
        if F['D'] > dm*F['sig']:
            return consensus(lr, raw, sm)
        i, F = onset_idx(lr, raw, sm, h, tm); return lr[i]/k
    return r

def evaluate(rules, verbose=False):
    res = {}
    for s, d in sets():
        lrs, acc = oracle(f'{d}/{s}-oracle.csv'); best = acc.mean(1).max()
        for name, f in rules.items():
            gaps=[]; sug=[]
            for k in (1,2,3):
                c = load(f'{d}/{s}-seed{k}.json'); x = f(*c)
                sug.append(x); a = interp(lrs, acc[:,k-1], x) if x else 0.1
                gaps.append(100*(best - a))
            res[(s,name)] = (np.mean(gaps), max(gaps), sug)
    names = list(rules)
    print('%-14s'%'setup' + ''.join('%12s'%n[:11] for n in names))
    for s,_ in sets():
        print('%-14s'%s + ''.join('%12.2f'%res[(s,n)][0] for n in names))
    ss=[s for s,_ in sets()]
    print('%-14s'%'MEAN' + ''.join('%12.2f'%np.mean([res[(s,n)][0] for s in ss]) for n in names))
    print('%-14s'%'WORSTRUN' + ''.join('%12.2f'%max(res[(s,n)][1] for s in ss) for n in names))
    if verbose:
        for s in ss:
            for n in names: print(s, n, ['%.3g'%x if x else None for x in res[(s,n)][2]], '%.2f'%res[(s,n)][0])
    return res

H=None; TM=None
def lvl_rules(lr, raw, sm):
    i_on, F = onset_idx(lr, raw, sm, H, TM); m=F['m']; a=F['a']
    b = max(a+3, min(F['f'], i_on+1))
    x = np.log10(lr[a:b]); y = m[a:b]
    st = lr[a+int(np.argmin(grad(x, y)))]
    mn = lr[a+int(np.argmin(y))]/10
    # valley on level
    n=len(y); run=[1]*n; be=0
    for i in range(n):
        for j in range(i):
            if y[i]<y[j] and run[j]+1>run[i]: run[i]=run[j]+1
        if run[i]>run[be]: be=i
    s0=max(0,be-run[be]); t=(be-s0)//3; va=lr[a+min(n-1,s0+t+t//2)]
    return dict(st=st, mn=mn, va=va, on=lr[i_on]/4, flat=F['D']<=F['tau'], F=F)
def gm(*v): return math.exp(sum(math.log(x) for x in v)/len(v))
def combo(kind):
    def r(lr, raw, sm):
        L = lvl_rules(lr, raw, sm)
        if L['flat']: return L['on']
        if kind=='lcons': return gm(L['st'],L['va'],L['mn'])
        if kind=='lcons+on': return gm(L['st'],L['va'],L['mn'],L['on'])
        if kind=='cons+on': return gm(consensus(lr,raw,sm), L['on'])
        if kind=='min(cons,on)': return min(consensus(lr,raw,sm), L['on'])
        if kind=='st+on': return gm(L['st'], L['on'])
        if kind=='lst': return L['st']
        if kind=='lmin': return L['mn']
        if kind=='lva': return L['va']
        if kind=='med': return float(np.median([L['st'],L['va'],L['mn'],L['on']]))
    return r
CD=5.0
def final(kind):
    def r(lr, raw, sm):
        i_on, F = onset_idx(lr, raw, sm); on = lr[i_on]/4; co = consensus(lr, raw, sm)
        if F['D'] <= CD*F['tau'] or co is None: return on
        if kind=='switch': return co
        if kind=='cap': return min(co, on)
        if kind=='gm': return gm(co, on)
    return r
def steep_upto(lr, raw, sm, end):
    a,b = window(lr, sm); b = min(b, end+1)
    if b-a<3: return None
    s = grad(np.log10(lr[a:b]), sm[a:b]); return lr[a+int(np.argmin(s))]
def cons2(lr, raw, sm):
    i_on, F = onset_idx(lr, raw, sm)
    v=[steep_upto(lr,raw,sm,i_on), valley(lr,raw,sm), minimum(lr,raw,sm)]; v=[x for x in v if x]
    return gm(*v)
def final2(kind):
    def r(lr, raw, sm):
        i_on, F = onset_idx(lr, raw, sm); on = lr[i_on]/4; co = cons2(lr, raw, sm)
        if F['D'] <= CD*F['tau'] or co is None: return on
        if kind=='switch': return co
        if kind=='cap': return min(co, on)
        if kind=='gm': return gm(co, on)
    return r
def guard(lr, raw, sm):
    i_on, F = onset_idx(lr, raw, sm); on = lr[i_on]/4; co = consensus(lr, raw, sm)
    if F['D'] <= CD*F['tau'] or co is None or co > lr[i_on]: return on
    return co
def guarded(base):
    def r(lr, raw, sm):
        i_on, F = onset_idx(lr, raw, sm); on = lr[i_on]/4; co = base(lr, raw, sm)
        if F['D'] <= CD*F['tau'] or co is None or co > lr[i_on]: return on
        return co
    return r
def g_sm(lr,raw,sm): return gm(steepest(lr,raw,sm), minimum(lr,raw,sm))
def med3(lr,raw,sm): return float(np.median([steepest(lr,raw,sm), valley(lr,raw,sm), minimum(lr,raw,sm)]))
def clear2(F): return F['D'] > F['tau'] and F['D'] > F['start']/3
def guarded2(base):
    def r(lr, raw, sm):
        i_on, F = onset_idx(lr, raw, sm); on = lr[i_on]/4; co = base(lr, raw, sm)
        if not clear2(F) or co is None or co > lr[i_on]: return on
        return co
    return r


def snr_guarded(threshold):
    """guarded, reading steepest on a curve whose descent exceeds `threshold` tolerances."""
    def r(lr, raw, sm):
        i_on, F = onset_idx(lr, raw, sm)
        base = steepest if F['D'] > threshold * F['tau'] else consensus
        return guarded2(base)(lr, raw, sm)
    return r


if __name__ == '__main__':
    import glob
    # every curve's descent, in tolerances of its level and as a fraction of its starting loss
    for path in sorted(glob.glob(D0 + '/*-seed*.json')) + sorted(glob.glob(D1 + '/*-seed*.json')):
        lr, raw, sm = load(path)
        if np.isfinite(raw).sum() - len(lr) // 10 < 10:
            print('%-28s too short' % os.path.basename(path))
            continue
        i, F = onset_idx(lr, raw, sm)
        print('%-28s descent %6.2f tolerances, %5.1f %% of the loss; onset lr %.3g;'
              ' consensus / onset rule %.2f'
              % (os.path.basename(path), F['D'] / F['tau'], 100 * F['D'] / F['start'], lr[i],
                 consensus(lr, raw, sm) / (lr[i] / 4)))
    def gm_on(lr, raw, sm):
        i_on, F = onset_idx(lr, raw, sm)
        return gm(consensus(lr, raw, sm), lr[i_on] / 4)
    R = {'g-cons': guarded2(consensus), 'g-med3': guarded2(med3), 'g-st*min': guarded2(g_sm),
         'g-min': guarded2(minimum), 'g-steep': guarded2(steepest), 'g-cons*on': guarded2(gm_on),
         'onset': onset_rule(4, None, None), 'steep>6': snr_guarded(6),
         'steep>11': snr_guarded(11)}
    evaluate(R, False)
