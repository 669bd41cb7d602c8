#!/bin/sh
# Starts llama.cpp's RPC worker on this node's address and the job's static
# port, with the local tensor cache when RPC_CACHE is "true". The worker is
# ggml-rpc-server in current llama.cpp releases and rpc-server before: when
# RPC_SERVER_BIN does not exist, the other name in the same folder is used.
set -eu
bin="$RPC_SERVER_BIN"
if [ ! -x "$bin" ]; then
  dir="${bin%/*}"
  for name in ggml-rpc-server rpc-server; do
    if [ -x "$dir/$name" ]; then
      bin="$dir/$name"
      break
    fi
  done
fi
set -- -H "${NOMAD_IP_rpc:?Nomad sets NOMAD_IP_rpc}" -p "${NOMAD_PORT_rpc:?Nomad sets NOMAD_PORT_rpc}"
if [ "${RPC_CACHE:-false}" = "true" ]; then
  set -- "$@" -c
fi
exec "$bin" "$@"
