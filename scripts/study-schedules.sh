#!/usr/bin/env bash
# Reproduces docs/SCHEDULES.md: which schedule generalizes best from the range test's suggestion.
# MLP on all 60,000 MNIST images for 1, 2 and 4 epochs; CNN on the first 20,000 for 1 and 2.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-mnist.sh >/dev/null
[[ -f bench/target/lrfinder-bench.jar ]] || mvn -B -q package -DskipTests -pl bench -am
jar="$(mktemp -d)/lrfinder-bench.jar"   # a copy: rebuilding the project must not pull it from under the run
cp bench/target/lrfinder-bench.jar "$jar"
mkdir -p docs/study
java -jar $jar compare-schedules --models mlp --optimizers sgd,adam --epochs 1,2,4 --seeds 3 \
  --report docs/study/mlp.md | tee docs/study/mlp.log
java -jar $jar compare-schedules --models cnn --optimizers sgd,adam --epochs 1,2 --seeds 3 \
  --limit 20000 --report docs/study/cnn.md | tee docs/study/cnn.log
