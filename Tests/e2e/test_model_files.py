"""Model files that used to crash the process (issue 14: SIGILL on an overflowing size, SIGABRT on a huge
allocation) make `rampart serve` exit 1 with an error naming the file, like any other bad model file."""
import json
import struct
import subprocess

import pytest

from conftest import BINARY, MODEL


def copy_model(tmp_path, skip=()):
    for name in ("config.json", "tokenizer.json", "rampart.json", "model.safetensors"):
        if name not in skip and (MODEL / name).exists():
            (tmp_path / name).symlink_to(MODEL / name)


def serve(*args):
    return subprocess.run([str(BINARY), "serve", "--port", "0", *args], capture_output=True, text=True, timeout=120)


def safetensors_with_huge_shape() -> bytes:
    header = json.dumps({"w": {"dtype": "F32", "shape": [4611686018427387904], "data_offsets": [0, 8]}}).encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + b"\0" * 8


def gguf_with_huge_tensor() -> bytes:
    big = 2**31 - 1
    out = b"GGUF" + struct.pack("<IQQ", 3, 1, 0)
    out += struct.pack("<Q", 1) + b"w" + struct.pack("<I", 4) + struct.pack("<4Q", 576, big, big, big)
    out += struct.pack("<IQ", 0, 0)
    out += b"\0" * (-len(out) % 32)
    return out + b"\0" * 64


def assert_clear_error(result, path):
    assert result.returncode == 1, f"exit {result.returncode} (negative: killed by a signal)\n{result.stderr}"
    assert str(path) in result.stderr + result.stdout


def test_safetensors_shape_overflow_is_a_clear_error(tmp_path):
    copy_model(tmp_path, skip=("model.safetensors",))
    (tmp_path / "model.safetensors").write_bytes(safetensors_with_huge_shape())
    assert_clear_error(serve("--model", str(tmp_path)), tmp_path / "model.safetensors")


def test_huge_layer_count_is_a_clear_error(tmp_path):
    copy_model(tmp_path, skip=("config.json",))
    config = json.loads((MODEL / "config.json").read_text())
    config["num_hidden_layers"] = 1000000000000
    (tmp_path / "config.json").write_text(json.dumps(config))
    result = serve("--model", str(tmp_path))
    assert_clear_error(result, tmp_path / "config.json")
    assert "num_hidden_layers" in result.stderr + result.stdout


def test_gguf_size_overflow_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.gguf"
    path.write_bytes(gguf_with_huge_tensor())
    assert_clear_error(serve("--model", str(MODEL), "--causal-model", str(path)), path)
