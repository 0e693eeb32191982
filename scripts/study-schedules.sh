#!/usr/bin/env bash
# Reproduces docs/SCHEDULES.md: the recommended-run study (every method Recommendation builds, with
# and without a weight average, at the finder's rate and tuned, and the schedule-free optimizers at
# their published defaults), on the development scenarios and then on the held-out ones.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-mnist.sh >/dev/null
[[ -f bench/target/lrfinder-bench.jar ]] || mvn -B -q package -DskipTests -pl bench -am
jar="$(mktemp -d)/lrfinder-bench.jar"   # a copy: rebuilding the project must not pull it from under the run
cp bench/target/lrfinder-bench.jar "$jar"
out=docs/study
rm -f $out/dev.csv $out/dev-sf.csv $out/heldout.csv
java -jar "$jar" compare-schedules --scenarios fresh,batch16,cnn-bn --seeds 2 --csv $out/dev.csv
# the schedule-free rows again at the finder's rate once its multiple was fixed (as run for the docs)
java -jar "$jar" compare-schedules --scenarios fresh,batch16,cnn-bn --seeds 2 \
  --optimizers sf-sgd,sf-adamw --tuned none --no-defaults --no-averaging --csv $out/dev-sf.csv
java -jar "$jar" compare-schedules --scenarios batch64-3ep,cnn-3ep --seeds 2 \
  --tuned sgd/one-cycle,adamw/one-cycle --csv $out/heldout.csv
python3 $out/report.py $out/dev.csv $out/dev-sf.csv
python3 $out/report.py $out/heldout.csv
