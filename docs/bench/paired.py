"""Worst seed paired by seed: each run against its own seed's grid run at the grid's best mean rate.

usage: python3 docs/bench/paired.py NEW_DIR[,NEW_DIR...]|- BASE_DIR [BASE_DIR ...]
For every classification cell with a confirmation in a BASE_DIR, the `planned` runs come from the
first NEW_DIR that holds the cell's confirmations (none for -), else from the BASE_DIR; the grid
from the BASE_DIR.
Prints the cells' worst paired gaps (points), highest first, and their mean.
"""
import csv, glob, os, sys
from collections import defaultdict


def rows(path):
    return list(csv.DictReader(open(path)))


def main(new, bases):
    worst = []
    for base in bases:
        for f in sorted(glob.glob(os.path.join(base, '*-confirm.csv'))):
            cell = os.path.basename(f)[: -len('-confirm.csv')]
            meta = {r[0]: r[2] for r in csv.reader(open(os.path.join(base, cell + '-meta.csv'))) if len(r) == 3}
            if meta.get('task') == 'REGRESSION':
                continue
            grid = defaultdict(dict)
            for r in rows(os.path.join(base, cell + '-oracle.csv')):
                grid[float(r['learning_rate'])][int(r['seed'])] = float(r['accuracy'])
            src = next((p for p in (os.path.join(d, cell + '-confirm.csv') for d in new.split(','))
                        if os.path.exists(p)), f)
            runs = {int(r['seed']): float(r['accuracy']) for r in rows(src) if r['rule'] == 'planned'}
            best = max(grid, key=lambda lr: sum(grid[lr][s] for s in runs) / len(runs))
            worst.append((max(100 * (grid[best][s] - a) for s, a in runs.items()), cell))
    worst.sort(reverse=True)
    print(', '.join('%s %.2f' % (c, w) for w, c in worst[:5]))
    print('cells %d, mean of the worst paired gaps %.2f' % (len(worst), sum(w for w, _ in worst) / len(worst)))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
