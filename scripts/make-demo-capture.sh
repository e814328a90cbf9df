#!/usr/bin/env bash
# Records captures/demo.pcapng (+ demo.containers.json, demo.logs.jsonl). Needs root, docker, dumpcap.
# Usage: bash scripts/make-demo-capture.sh [output-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx scripts/make-demo-capture.ts "$@"
