#!/usr/bin/env bash
# Push latency of Debian's Pushgateway as it fills up: 200 sequential PUTs of a 300-series group
# (a range test's curve), each under its own run; prints the mean latency of the first and of the
# last 20 pushes. Usage: pushgateway-push-latency.sh PORT [pushgateway flags...]
# docs/METRICS.md compares the default with --push.disable-consistency-check.
set -euo pipefail
port=$1; shift
dir=$(mktemp -d)
{
  for m in curve_loss curve_learning_rate curve_loss_smoothed; do
    echo "# TYPE lrfinder_range_test_$m gauge"
    for s in $(seq 0 99); do echo "lrfinder_range_test_${m}{model=\"mlp\",step=\"$s\"} 0.$s"; done
  done
} > "$dir/body.txt"
prometheus-pushgateway --persistence.file= --web.listen-address=127.0.0.1:"$port" "$@" > "$dir/pg.log" 2>&1 &
pid=$!
trap 'kill $pid; rm -rf "$dir"' EXIT
sleep 1.5
first=0; last=0
for i in $(seq 1 200); do
  s=$(date +%s%N)
  curl -sf -X PUT --data-binary @"$dir/body.txt" "http://127.0.0.1:$port/metrics/job/lr-find/run/r$i"
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  if (( i <= 20 )); then first=$((first + ms)); fi
  if (( i > 180 )); then last=$((last + ms)); fi
done
echo "flags [$*]: mean push ms, groups 1-20: $((first / 20)), groups 181-200: $((last / 20))"
