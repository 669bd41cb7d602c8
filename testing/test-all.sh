#!/usr/bin/env bash
# Installs everything hearth needs on a fresh clone and runs the whole test suite.
# Ends with one line: "N passed, N failed[, N skipped]".
set -euo pipefail
cd "$(dirname "$0")/.."

packages=$(grep -v '^\s*#' testing/debian-packages.txt | grep -v '^\s*$' | tr '\n' ' ')
missing=""
for pkg in $packages; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
  else
    echo "==> missing Debian packages:$missing (run as root to install them; tests that need them will skip)" >&2
  fi
fi

echo "==> installing npm dependencies"
npm ci --no-audit --no-fund
echo "==> building (TypeScript and BPF)"
npm run build
echo "==> Python environment (llama.cpp, gguf): built once per machine, then reused"
if venv=$(bash testing/python/install.sh); then
  export HEARTH_PY_VENV="$venv"
else
  echo "==> the Python environment could not be built; the llama.cpp tier will say it is skipped" >&2
fi
echo "==> running the test suite"
exec node testing/run-tests.mjs "$@"
