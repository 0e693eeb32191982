"""Excess test MSE of each confirmation over the six-seed grid's best mean (python3 excess.py, from this folder)."""
import csv, collections, os

here = os.path.dirname(os.path.abspath(__file__))
grid = collections.defaultdict(dict)
for r in csv.DictReader(open(os.path.join(here, "regression-oracle.csv"))):
    grid[float(r["learning_rate"])][int(r["seed"])] = -float(r["accuracy"])
means = {lr: sum(v.values()) / len(v) for lr, v in grid.items()}
best_lr = min(means, key=means.get)
print("grid's best: lr %.3g, test MSE %.4f (mean of %d seeds)" % (best_lr, means[best_lr], len(grid[best_lr])))
for folder, rule in (("", "planned"), ("../warmup-six-default", "guarded")):
    rows = [r for r in csv.DictReader(open(os.path.join(here, folder, "regression-confirm.csv"))) if r["rule"] == rule]
    excess = [100 * (-float(r["accuracy"]) / means[best_lr] - 1) for r in rows]
    print("%s: rates %s; excess %s; mean %.1f %%" % (
        rule, ", ".join("%.3g" % float(r["learning_rate"]) for r in rows),
        ", ".join("%.0f %%" % e for e in excess), sum(excess) / len(excess)))
