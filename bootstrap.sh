#!/usr/bin/env bash
# Turns the Debian machine it runs on into a standalone hearth node: Consul and
# Nomad (server and client), Docker, llama.cpp and the hearth agent, all by
# the Ansible playbook in ansible/, then the core jobs through `hearth heal`.
# Run it again at any time: it only changes what differs.
set -euo pipefail

readonly STAGES=5
readonly SUPPORTED_CODENAMES="bookworm trixie"
# The os-release file to read; replaceable so the OS check itself can be tested.
readonly OS_RELEASE_FILE="${HEARTH_OS_RELEASE:-/etc/os-release}"
readonly WAIT_SECONDS=120

hearth_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly hearth_dir
readonly ansible_dir="$hearth_dir/ansible"

usage() {
  cat <<'EOF'
Usage: bootstrap.sh [--check] [--help] [-- ANSIBLE-PLAYBOOK-ARGUMENTS...]

Turns this Debian machine (13 "trixie" or 12 "bookworm") into a standalone
hearth node: Consul and Nomad (server and client), Docker, llama.cpp and the
hearth agent as a systemd service, then starts the core jobs with `hearth heal`.
Safe to run again: only what differs is changed.

Options:
  --check   Show what would change (ansible-playbook --check --diff) and change nothing.
  --help    Show this help.
  -- ...    Everything after -- goes to ansible-playbook, for example
            -- -e @airgap.yaml  (consul_install_method: deb, consul_deb_src: ..., and so on).

Needs root (or sudo), and the package sources in /etc/apt reachable.
Stages:
  [1/5] check this machine    [2/5] install Ansible    [3/5] converge with the playbook
  [4/5] wait for Consul and Nomad    [5/5] start the core jobs (hearth heal)
EOF
}

fail() {
  printf 'bootstrap.sh: %s\n' "$*" >&2
  exit 1
}

stage() {
  printf '[%d/%d] %s\n' "$1" "$STAGES" "$2"
}

# Reads one KEY=value from os-release without sourcing it (it is data, not code).
os_release_value() {
  local key="$1" line value=""
  while IFS= read -r line; do
    if [[ "$line" == "$key="* ]]; then
      value="${line#*=}"
      value="${value#\"}"
      value="${value%\"}"
    fi
  done <"$OS_RELEASE_FILE"
  printf '%s' "$value"
}

ensure_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    return
  fi
  if command -v sudo >/dev/null 2>&1 && { [[ -t 0 ]] || sudo -n true 2>/dev/null; }; then
    exec sudo -- "$0" "$@"
  fi
  fail "must run as root, and sudo is not available to this user. Run it as root (su -c '$0'), or install sudo and give $(id -un) sudo rights. Nothing was changed."
}

check_os() {
  [[ -r "$OS_RELEASE_FILE" ]] || fail "cannot read $OS_RELEASE_FILE to tell which operating system this is. Nothing was changed."
  local id codename pretty
  id="$(os_release_value ID)"
  codename="$(os_release_value VERSION_CODENAME)"
  pretty="$(os_release_value PRETTY_NAME)"
  if [[ "$id" != "debian" || " $SUPPORTED_CODENAMES " != *" $codename "* ]]; then
    fail "unsupported operating system: ${pretty:-unknown} (ID=${id:-none}, VERSION_CODENAME=${codename:-none}). hearth supports Debian 13 (trixie) and Debian 12 (bookworm). Nothing was changed."
  fi
  printf '      %s\n' "$pretty"
}

# Fetches the package indexes into a throwaway folder: proves every source in
# /etc/apt answers, without touching the system's own lists.
check_apt_reachable() {
  local scratch log
  scratch="$(mktemp -d)"
  # apt downloads as the unprivileged _apt user, which must reach the folder.
  chmod 0755 "$scratch"
  log="$scratch/apt-update.log"
  mkdir -p "$scratch/lists/partial" "$scratch/cache/archives/partial"
  if ! apt-get update -q --error-on=any \
    -o Dir::State::Lists="$scratch/lists" \
    -o Dir::Cache="$scratch/cache" \
    -o Acquire::Languages=none >"$log" 2>&1; then
    printf 'bootstrap.sh: the package sources are unreachable; apt-get update said:\n' >&2
    grep -E '^(E|W|Err):' "$log" >&2 || tail -n 20 "$log" >&2
    rm -rf "$scratch"
    fail "check the network and the sources in /etc/apt/sources.list and /etc/apt/sources.list.d/, then run bootstrap.sh again. Nothing was changed."
  fi
  rm -rf "$scratch"
  printf '      package sources reachable\n'
}

install_ansible() {
  if command -v ansible-playbook >/dev/null 2>&1; then
    local version
    # Read all of it: ansible exits with an error when a pipe closes early.
    version="$(ansible --version 2>/dev/null || true)"
    printf '      %s already installed\n' "${version%%$'\n'*}"
    return 0
  fi
  if [[ "$mode" == "check" ]]; then
    printf '      would install ansible-core from the Debian archive\n'
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends ansible-core python3-apt
}

# Packs this checkout for the hearth role. The tarball is byte-for-byte the
# same while the checkout is, so an unchanged checkout installs nothing new.
pack_agent() {
  local dest="$1"
  tar -C "$hearth_dir" \
    --exclude=./.git --exclude=./node_modules --exclude=./dist \
    --exclude=./ansible/.secrets --exclude=./testing/.work --exclude=./bpf/build \
    --sort=name --owner=0 --group=0 --numeric-owner \
    -cf - . | gzip -n >"$dest"
}

run_playbook() {
  local playbook="$1"
  shift
  local -a args=(-i "$ansible_dir/local_inventory.ini" "$ansible_dir/$playbook")
  if [[ "$mode" == "check" ]]; then
    args+=(--check --diff)
  fi
  (cd "$ansible_dir" && ANSIBLE_CONFIG="$ansible_dir/ansible.cfg" ansible-playbook "${args[@]}" "$@")
}

wait_for_leader() {
  local name="$1" url="$2" waited=0
  until curl -fsS --max-time 2 "$url" 2>/dev/null | grep -q '[0-9]'; do
    if ((waited >= WAIT_SECONDS)); then
      fail "$name did not elect a leader within ${WAIT_SECONDS}s; see journalctl -u ${name,,}."
    fi
    sleep 2
    waited=$((waited + 2))
  done
  printf '      %s has a leader\n' "$name"
}

# The scratch folder of this run (the packed agent), removed on exit.
work_dir=""
remove_work_dir() {
  if [[ -n "$work_dir" ]]; then
    rm -rf "$work_dir"
  fi
}

main() {
  mode=apply
  playbook_args=()
  local -a own_args=("$@")
  while (($# > 0)); do
    case "$1" in
      --check) mode=check ;;
      -h | --help)
        usage
        exit 0
        ;;
      --)
        shift
        playbook_args=("$@")
        break
        ;;
      *)
        usage >&2
        fail "unknown option: $1"
        ;;
    esac
    shift
  done

  stage 1 "Checking this machine"
  ensure_root "${own_args[@]}"
  check_os
  check_apt_reachable

  stage 2 "Installing Ansible"
  if ! install_ansible; then
    printf 'Without Ansible the remaining stages cannot be previewed; run without --check to install it.\n'
    exit 0
  fi

  if [[ "$mode" == "check" ]]; then
    stage 3 "Previewing ansible/playbook.yaml on this node (--check --diff: nothing changes)"
  else
    stage 3 "Converging this node with ansible/playbook.yaml"
  fi
  local archive
  work_dir="$(mktemp -d)"
  trap remove_work_dir EXIT
  archive="$work_dir/hearth-agent.tar.gz"
  pack_agent "$archive"
  run_playbook playbook.yaml -e "hearth_archive_src=$archive" "${playbook_args[@]}"

  if [[ "$mode" == "check" ]]; then
    stage 4 "Waiting for Consul and Nomad (skipped: --check)"
    stage 5 "Starting the core jobs with hearth heal (skipped: --check)"
    return 0
  fi

  stage 4 "Waiting for Consul and Nomad"
  wait_for_leader Consul http://127.0.0.1:8500/v1/status/leader
  wait_for_leader Nomad http://127.0.0.1:4646/v1/status/leader

  stage 5 "Starting the core jobs with hearth heal"
  run_playbook heal_cluster.yaml "${playbook_args[@]}"
  printf 'This machine is a hearth node. Try: hearth nodes\n'
}

main "$@"
