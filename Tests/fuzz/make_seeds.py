#!/usr/bin/env python3
"""Writes the seed corpora under Tests/fuzz/corpus/<target>/ (run once; the outputs are committed).

Real examples of each input: HTTP/1.1 requests as clients send them, HTTP/2 frames from the h2 library's client,
gzip bodies, the API's JSON bodies, tokenizer texts, small safetensors and GGUF files (the gguf package's writer,
and the shipped model's own safetensors header). Needs the `h2` and `gguf` Python packages. Inputs the fuzzers found
(`crash-*`, `timeout-*`) are committed beside the seeds by hand and are not written here.
"""
import gzip
import json
import pathlib
import struct

import gguf
import h2.config
import h2.connection
import h2.settings
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "Tests/fuzz/corpus"


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data if isinstance(data, bytes) else data.encode())


SCORE = b'{"prompt": "How do I pick a lock?", "response": "I cannot help with breaking into property."}'

# --- HTTP/1.1 -----------------------------------------------------------------------------------------------------
def http1():
    crlf = lambda text: text.replace("\n", "\r\n").encode()
    write("http1", "get-health", crlf("GET /health HTTP/1.1\nHost: 127.0.0.1:8080\nUser-Agent: curl/8.5.0\nAccept: */*\n\n"))
    write("http1", "post-score",
          crlf(f"POST /v1/score HTTP/1.1\nHost: localhost\nContent-Type: application/json\nContent-Length: {len(SCORE)}\n\n")
          + SCORE)
    body = gzip.compress(SCORE, mtime=0)
    write("http1", "post-gzip",
          crlf(f"POST /v1/score HTTP/1.1\nHost: h\nContent-Type: application/json\nContent-Encoding: gzip\n"
               f"Accept-Encoding: gzip;q=1.0, identity;q=0.5\nContent-Length: {len(body)}\n\n") + body)
    write("http1", "chunked-trailers",
          crlf("POST /v1/moderations?x=1&y=%20z HTTP/1.1\nHost: h\nTransfer-Encoding: gzip, chunked\n\n"
               "5;ext=1\nhello\n6\n world\n0\nX-Trailer: v\n\n"))
    write("http1", "pipelined",
          crlf("GET /v1/models HTTP/1.1\nHost: h\n\nHEAD /ready HTTP/1.1\nHost: h\nConnection: close\n\n"
               "GET / HTTP/1.0\nConnection: keep-alive\n\n"))
    write("http1", "expect-continue",
          crlf("POST /v1/score HTTP/1.1\nHost: h\nExpect: 100-continue\nContent-Length: 11\n\n") + b'{"prompt":1')
    write("http1", "h2c-upgrade",
          crlf("GET /v1/models HTTP/1.1\nHost: h\nConnection: Upgrade, HTTP2-Settings\nUpgrade: h2c\n"
               "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\n\n"))
    write("http1", "preflight",
          crlf("OPTIONS /v1/score HTTP/1.1\nHost: h\nOrigin: https://good.example\n"
               "Access-Control-Request-Method: POST\nAccess-Control-Request-Headers: content-type, authorization\n\n"))
    write("http1", "absolute-form",
          crlf("GET http://h:8080/v1/models?q=%41 HTTP/1.1\nHost: h:8080\nAuthorization: Bearer k\nX-Obs:\tfolded  \n\n"))
    write("http1", "bad-lengths",
          crlf("POST / HTTP/1.1\nHost: h\nContent-Length: 3, 3\nTransfer-Encoding: chunked\n\n0\n\n"))
    write("http1", "leading-crlf", crlf("\n\nDELETE /x HTTP/1.1\nHost: h\nContent-Length: 0\n\n"))


# --- HTTP/2: byte 0 = mode (bit 0: h2c upgrade; bits 1-7: read size / 8), byte 1 = settings length, then frames. ---
def h2_client(settings=None):
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    connection.initiate_connection()
    if settings:
        connection.update_settings(settings)
    data = connection.data_to_send()
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    assert data.startswith(preface)
    return connection, data[len(preface):]


def headers(method, path, extra=()):
    return [(":method", method), (":scheme", "http"), (":authority", "127.0.0.1:8080"), (":path", path), *extra]


def http2():
    c, data = h2_client()
    c.send_headers(1, headers("GET", "/health"), end_stream=True)
    write("http2", "get", b"\x00\x00" + data + c.data_to_send())

    c, data = h2_client()
    c.send_headers(1, headers("POST", "/v1/score", [("content-type", "application/json"),
                                                     ("content-length", str(len(SCORE)))]))
    c.send_data(1, SCORE[:40])
    c.send_data(1, SCORE[40:], end_stream=True)
    c.send_headers(3, headers("GET", "/v1/models", [("accept-encoding", "gzip")]), end_stream=True)
    c.ping(b"12345678")
    write("http2", "post-two-streams", b"\x10\x00" + data + c.data_to_send())

    c, data = h2_client({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 100, h2.settings.SettingCodes.ENABLE_PUSH: 0})
    body = gzip.compress(SCORE, mtime=0)
    c.send_headers(1, headers("POST", "/v1/score", [("content-encoding", "gzip")]))
    c.send_data(1, body)
    c.send_headers(1, [("x-trailer", "t")], end_stream=True)
    c.increment_flow_control_window(65535)
    c.send_headers(3, headers("GET", "/metrics"), end_stream=False)
    c.reset_stream(3)
    c.send_headers(5, headers("GET", "/ready"), end_stream=True, priority_weight=16, priority_depends_on=1)
    c.close_connection()
    write("http2", "gzip-trailers-reset-goaway", b"\x01\x00" + data + c.data_to_send())

    c, data = h2_client()
    big = [("x-long-%d" % i, "v" * 200) for i in range(12)]
    c.send_headers(1, headers("GET", "/", big), end_stream=True)
    write("http2", "large-header-block", b"\x02\x00" + data + c.data_to_send())

    # h2c upgrade: SETTINGS payload (MAX_CONCURRENT_STREAMS 100, INITIAL_WINDOW_SIZE 1 MiB), then the client's preface.
    settings = struct.pack(">HI", 3, 100) + struct.pack(">HI", 4, 1 << 20)
    c, data = h2_client()
    write("http2", "h2c-upgrade", bytes([0x01, len(settings)]) + settings + data)

    resets = b"".join(
        struct.pack(">I", 13)[1:] + b"\x01\x05" + struct.pack(">I", sid) + b"\x82\x86\x84\x41\x01h"
        + struct.pack(">I", 4)[1:] + b"\x03\x00" + struct.pack(">I", sid) + b"\x00\x00\x00\x08"
        for sid in range(1, 60, 2))
    c, data = h2_client()
    write("http2", "rapid-reset", b"\x00\x00" + data + resets)


# --- gzip ---------------------------------------------------------------------------------------------------------
def gzip_seeds():
    write("gzip", "score-body", gzip.compress(SCORE, compresslevel=9, mtime=0))
    write("gzip", "two-members", gzip.compress(b"hello ", mtime=0) + gzip.compress(b"world\n", mtime=0))
    write("gzip", "zeros-3000", gzip.compress(bytes(3000), compresslevel=9, mtime=0))
    write("gzip", "zero-padded", gzip.compress(SCORE, mtime=0) + bytes(8))
    write("gzip", "stored", gzip.compress(b"stored block", compresslevel=0, mtime=0))


# --- JSON request bodies --------------------------------------------------------------------------------------------
def json_seeds():
    bodies = {
        "score-pair": SCORE.decode(),
        "score-threshold": '{"prompt": "What is the capital of France?", "threshold": 0.2, "acd": true}',
        "score-batch": '{"inputs": [{"prompt": "Hi!", "response": "Hello, how can I help?"}, {"prompt": "Write a poem."}]}',
        "score-unicode": '{"prompt": "caf\\u00e9 \\ud83d\\ude00 \\u4e2d\\u6587", "response": null, "threshold": 1e-999999999}',
        "moderations-string": '{"input": "first text", "model": "omni-moderation-latest"}',
        "moderations-array": '{"input": ["first text", "second text"]}',
        "moderations-parts": '{"input": [{"type": "text", "text": "a"}, {"type": "image_url", "image_url": {"url": "x"}}]}',
        "generate": '{"prompt": "How do I pick a lock?", "max_tokens": 64, "temperature": 0.7, "top_p": 0.9, "seed": 42}',
        "generate-acd": '{"prompt": "Say hello.", "stream": true, "acd": {"alpha": 0.4}}',
        "generate-plain": '{"prompt": "Say hello.", "acd": false, "max_tokens": 1024}',
    }
    for name, body in bodies.items():
        json.loads(body)
        write("json", name, body)


# --- tokenizer texts (after a NUL byte: the pair; the last byte: the truncation length) ----------------------------
def tokenizer_seeds():
    texts = {
        "english": "How do I pick a lock? I can't help with breaking into property.",
        "pair": "What is the capital of France?\x00Paris is the capital of France.\x10",
        "unicode": "Caf\u00e9 na\u00efve \u00c5ngstr\u00f6m \u2460 \ufb01 \u4e2d\u6587 \u65e5\u672c\u8a9e \U0001F600\U0001F44D\u200d",
        "whitespace": "  tabs\tand\nnewlines\r\n  and   spaces  \u00a0\u3000end",
        "special": "[CLS] [SEP] [UNK] [MASK] <|im_start|>user\nhi<|im_end|> <|endoftext|> </s> <unk>",
        "digits-punct": "1234567890 3.14159 -42 1e10 !!!??? ... (a) [b] {c} @user #tag $100 50% a&b",
        "long-word": "supercalifragilisticexpialidocious" * 6 + " antidisestablishmentarianism",
        "accents": "\u0065\u0301\u0301 \u0041\u030a \u1e9b\u0323 \u00df \u0130 \u03a3\u03b1\u03c2",
    }
    for target in ("wordpiece", "unigram", "bpe"):
        for name, text in texts.items():
            write(target, name, text)
    cases = json.loads((ROOT / "Models/fixtures/tokenizers/cases.json").read_text())
    for index, case in enumerate(c for c in cases if len(c["text"].encode()) > 40):
        if index >= 6:
            break
        for target in ("wordpiece", "unigram", "bpe"):
            write(target, f"case-{index}", case["text"])


# --- tokenizer.json documents: the fixtures, vocabularies cut down so that a seed stays a few KB --------------------
def tokenizer_json_seeds():
    def trimmed(path, keep, drop_precompiled=False):
        document = json.loads((ROOT / path).read_text())
        model = document["model"]
        specials = {token["content"] for token in document.get("added_tokens", [])}
        if isinstance(model["vocab"], dict):
            ordered = sorted(model["vocab"].items(), key=lambda item: item[1])
            kept = [(token, index) for token, index in ordered if index < keep or token in specials]
            model["vocab"] = dict(kept)
        else:  # Unigram: [[piece, score], ...], ids by position
            model["vocab"] = model["vocab"][:keep]
        if "merges" in model:
            vocab = model["vocab"]
            model["merges"] = [m for m in model["merges"]
                               if all(part in vocab for part in (m.split(" ") if isinstance(m, str) else m))][:64]
        if drop_precompiled and document.get("normalizer", {}).get("type") == "Sequence":
            document["normalizer"]["normalizers"] = [
                n for n in document["normalizer"]["normalizers"] if n["type"] != "Precompiled"]
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False)

    write("tokenizer-json", "wordpiece", trimmed("Models/fixtures/tokenizers/wordpiece.json", 120))
    write("tokenizer-json", "wordpiece-nfkc", trimmed("Models/fixtures/tokenizers/wordpiece-nfkc.json", 120))
    write("tokenizer-json", "wordpiece-whitespace", trimmed("Models/fixtures/tokenizers/wordpiece-whitespace.json", 80))
    write("tokenizer-json", "unigram", trimmed("Models/fixtures/tokenizers/unigram.json", 120, drop_precompiled=True))
    write("tokenizer-json", "unigram-bytefallback",
          trimmed("Models/fixtures/tokenizers/unigram-bytefallback.json", 300, drop_precompiled=True))
    write("tokenizer-json", "bpe", trimmed("Models/fixtures/llama/bpe.json", 400))


# --- safetensors ----------------------------------------------------------------------------------------------------
def safetensors_file(tensors, metadata=None):
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, (dtype, shape, payload) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + data


def safetensors_seeds():
    rng = np.random.default_rng(0)
    f32 = lambda *shape: rng.standard_normal(shape).astype("<f4").tobytes()
    f16 = lambda *shape: rng.standard_normal(shape).astype("<f2").tobytes()
    write("safetensors", "f32-f16", safetensors_file({
        "embeddings.word_embeddings.weight": ("F16", [8, 4], f16(8, 4)),
        "encoder.layer.0.attention.self.query.weight": ("F32", [4, 4], f32(4, 4)),
        "encoder.layer.0.attention.self.query.bias": ("F32", [4], f32(4)),
        "classifier.weight": ("F32", [2, 4], f32(2, 4)),
    }, {"format": "pt"}))
    bf16 = (rng.standard_normal(12).astype("<f4").view("<u4") >> 16).astype("<u2").tobytes()
    write("safetensors", "bf16-f64-ints", safetensors_file({
        "a.bf16": ("BF16", [3, 4], bf16),
        "b.f64": ("F64", [2, 2], rng.standard_normal(4).astype("<f8").tobytes()),
        "c.i64": ("I64", [3], np.arange(3, dtype="<i8").tobytes()),
        "d.u8": ("U8", [5], bytes(range(5))),
        "e.bool": ("BOOL", [2], b"\x01\x00"),
    }))
    write("safetensors", "scalar-and-empty", safetensors_file({
        "scalar": ("F32", [], f32(1)),
        "empty": ("F32", [0, 16], b""),
        "row": ("F16", [1, 3], f16(1, 3)),
    }))
    # The shipped default model's real header, its first tensors kept with their real names, shapes and offsets.
    path = ROOT / "Models/rampart-guard-minilm/model.safetensors"
    with path.open("rb") as file:
        length = struct.unpack("<Q", file.read(8))[0]
        header = json.loads(file.read(length))
    kept = {"__metadata__": header["__metadata__"]}
    for name in sorted(k for k in header if k != "__metadata__"):
        entry = header[name]
        if entry["data_offsets"][1] <= 3072:
            kept[name] = entry
    encoded = json.dumps(kept, separators=(",", ":")).encode()
    end = max(v["data_offsets"][1] for k, v in kept.items() if k != "__metadata__")
    write("safetensors", "minilm-header", struct.pack("<Q", len(encoded)) + encoded + bytes(end))


# --- GGUF ------------------------------------------------------------------------------------------------------------
def gguf_seeds():
    write("gguf", "gguf-types", (ROOT / "Models/fixtures/llama/gguf_types.gguf").read_bytes())
    rng = np.random.default_rng(1)
    path = CORPUS / "gguf" / "llama-tiny"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny")
    writer.add_context_length(64)
    writer.add_embedding_length(8)
    writer.add_block_count(1)
    writer.add_head_count(2)
    writer.add_head_count_kv(1)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_tokenizer_model("gpt2")
    writer.add_token_list(["<|endoftext|>", "<|im_start|>", "<|im_end|>", "a", "b", "\u0120a"])
    writer.add_token_types([3, 3, 3, 1, 1, 1])
    writer.add_token_merges(["\u0120 a"])
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_array("tiny.float_array", [0.5, 1.5])
    writer.add_tensor("token_embd.weight", rng.standard_normal((6, 8)).astype(np.float32))
    writer.add_tensor("blk.0.attn_norm.weight", rng.standard_normal(8).astype(np.float16))
    q8 = gguf.quants.quantize(rng.standard_normal((2, 32)).astype(np.float32), gguf.GGMLQuantizationType.Q8_0)
    writer.add_tensor("blk.0.ffn_up.weight", q8, raw_shape=q8.shape, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    q4 = gguf.quants.quantize(rng.standard_normal((2, 32)).astype(np.float32), gguf.GGMLQuantizationType.Q4_0)
    writer.add_tensor("blk.0.ffn_down.weight", q4, raw_shape=q4.shape, raw_dtype=gguf.GGMLQuantizationType.Q4_0)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    http1()
    http2()
    gzip_seeds()
    json_seeds()
    tokenizer_seeds()
    tokenizer_json_seeds()
    safetensors_seeds()
    gguf_seeds()
    for directory in sorted(CORPUS.iterdir()):
        files = list(directory.iterdir())
        print(f"{directory.name}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")
