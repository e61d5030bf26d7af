#!/usr/bin/env bash
# Install the Nu Html Checker (the vnu-jar npm package) into .cache/vnu, for tests/test_html_validity.py.
# The version is pinned so a new checker release cannot fail CI on its own: bump it on purpose.
# Needs npm; running the checker needs Java 11+ (Debian: openjdk-17-jre-headless).
set -euo pipefail
cd "$(dirname "$0")/../.."
prefix=".cache/vnu"
jar="$prefix/node_modules/vnu-jar/build/dist/vnu.jar"
if [ -f "$jar" ]; then
  echo "vnu.jar already installed: $jar"
  exit 0
fi
mkdir -p "$prefix"
# --ignore-scripts: the jar ships inside the package; its postinstall only looks for Java.
npm install --prefix "$prefix" --no-audit --no-fund --ignore-scripts --loglevel=error vnu-jar@26.9.27
test -f "$jar"
echo "installed $jar"
