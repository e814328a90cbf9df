#!/usr/bin/env bash
# Installs what hopscope's full test suite needs on a Debian machine and starts dockerd.
# Run as root (or with sudo). Offline analysis (`hopscope read`) needs none of this: only Node 20.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
  libpcap-dev g++ make   # live capture addon (native/), built by node-gyp
  tcpdump       # oracle and capture in end-to-end tests
  tshark        # oracle for captures (tests) and the peer in the benchmark
  docker.io     # the end-to-end testbed: real containers on real bridges
  podman netavark   # Podman's Docker-compatible API: container names through it (e2e)
  tmux          # the terminal UI is tested in a real terminal
  wrk curl nginx-light   # clients and servers inside test containers (mounted from /usr)
  iproute2 time
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# dockerd: start it in the background when it is not answering.
if ! docker info >/dev/null 2>&1; then
  nohup dockerd >/tmp/hopscope-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start; see /tmp/hopscope-dockerd.log" >&2; exit 1; }
fi
echo "setup: packages installed, dockerd running"
