#!/bin/sh
# Starts rpc-server on this node's address and the job's static port, with the
# local tensor cache when RPC_CACHE is "true".
set -eu
set -- -H "${NOMAD_IP_rpc:?Nomad sets NOMAD_IP_rpc}" -p "${NOMAD_PORT_rpc:?Nomad sets NOMAD_PORT_rpc}"
if [ "${RPC_CACHE:-false}" = "true" ]; then
  set -- "$@" -c
fi
exec "$RPC_SERVER_BIN" "$@"
