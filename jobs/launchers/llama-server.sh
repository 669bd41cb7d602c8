#!/bin/sh
# Starts llama-server from values hearth validated and passed as environment
# variables; nothing here is built from text. RPC_WORKERS is rendered by the
# Nomad template from the healthy RPC workers in Consul ("a:p,b:p,"); with
# workers every layer is offloaded to them (llama.cpp counts RPC workers as
# GPU devices, and without --n-gpu-layers it may keep layers on this CPU);
# when it is empty the model is served from this node's CPU alone.
set -eu
workers="${RPC_WORKERS:-}"
workers="${workers%,}"
set -- --model "$LLAMA_MODEL" --host "${NOMAD_IP_http:?Nomad sets NOMAD_IP_http}" --port "${NOMAD_PORT_http:?Nomad sets NOMAD_PORT_http}" --ctx-size "$LLAMA_CTX_SIZE"
if [ -n "$workers" ]; then
  set -- "$@" --rpc "$workers" --n-gpu-layers 999
fi
exec "$LLAMA_SERVER_BIN" "$@"
