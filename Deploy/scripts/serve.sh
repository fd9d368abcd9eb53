#!/usr/bin/env bash
# The serve command: sets up a fresh machine, builds Rampart in release mode and serves the shipped default model
# (Models/rampart-guard-minilm) on 127.0.0.1:8080. Extra arguments go to `rampart serve` (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/../.."
Deploy/scripts/setup.sh
swift build -c release --product rampart
exec .build/release/rampart serve "$@"
