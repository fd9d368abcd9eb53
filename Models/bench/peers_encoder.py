#!/usr/bin/env python3
"""Peer timings for Rampart's engine benchmark: PyTorch and ONNX Runtime on the same BERT encoder
and the same token ids. Run by EngineBench (Process), not by hand, though it works standalone:

  python3 Models/bench/peers_encoder.py --model DIR --inputs inputs.json --onnx OUT.onnx

inputs.json: {"threads": 2, "runs": 20, "warmup": 3,
              "shapes": [{"batch": 1, "length": 64, "ids": [[...], ...]}, ...]}
Prints one JSON object on stdout: {"versions": {...}, "results": [{"engine", "batch", "length",
"medianMs", "cpuMs", "meanPooled" (PyTorch only: [batch, hidden], to check Rampart's output)}],
"maxAbsDiffTorchVsOrt": float}. Diagnostics go to stderr.

The ONNX model is exported here, at bench time, from the same checkpoint into a gitignored path
(legacy TorchScript exporter, opset 17, dynamic batch and sequence axes). Pinned environment:
Models/fixtures/requirements.txt and Models/bench/requirements.txt.
"""
import argparse
import json
import os
import statistics
import sys
import time
import warnings


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def timing(fn, runs, warmup):
    """(median wall ms, mean process CPU ms per run, all threads), as EngineBench measures itself."""
    for _ in range(warmup):
        fn()
    times = []
    cpu_start = time.process_time()
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / runs
    return statistics.median(times), cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--onnx", required=True, help="where to export the ONNX model (gitignored)")
    parser.add_argument("--skip-ort", action="store_true")
    args = parser.parse_args()
    spec = json.load(open(args.inputs))
    threads, runs, warmup = spec["threads"], spec["runs"], spec["warmup"]

    import torch
    from transformers import BertModel
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    model = BertModel.from_pretrained(args.model).eval()  # default (SDPA) attention: PyTorch at its best
    versions = {"torch": torch.__version__}
    results = []
    outputs = {}

    for shape in spec["shapes"]:
        ids = torch.tensor(shape["ids"], dtype=torch.long)
        mask = torch.ones_like(ids)
        types = torch.zeros_like(ids)
        with torch.inference_mode():
            ms, cpu = timing(lambda: model(input_ids=ids, attention_mask=mask, token_type_ids=types), runs, warmup)
            outputs[(shape["batch"], shape["length"])] = model(input_ids=ids, attention_mask=mask,
                                                               token_type_ids=types).last_hidden_state
        log(f"torch {shape['batch']}x{shape['length']}: {ms:.2f} ms (cpu {cpu:.2f} ms)")
        pooled = outputs[(shape["batch"], shape["length"])].mean(1)  # no padding: plain mean
        results.append(dict(engine="pytorch", batch=shape["batch"], length=shape["length"], medianMs=ms, cpuMs=cpu,
                            meanPooled=[float(v) for v in pooled.reshape(-1).tolist()]))

    max_diff = None
    if not args.skip_ort:
        import numpy as np
        import onnxruntime as ort
        versions["onnxruntime"] = ort.__version__
        if not os.path.exists(args.onnx):
            os.makedirs(os.path.dirname(os.path.abspath(args.onnx)), exist_ok=True)
            export_model = BertModel.from_pretrained(args.model, attn_implementation="eager").eval()
            example = torch.ones(1, 8, dtype=torch.long)
            axes = {0: "batch", 1: "sequence"}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(export_model, (example, example, torch.zeros_like(example)), args.onnx,
                                  input_names=["input_ids", "attention_mask", "token_type_ids"],
                                  output_names=["last_hidden_state"],
                                  dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                                "token_type_ids": axes, "last_hidden_state": axes},
                                  opset_version=17, dynamo=False)
            log(f"exported {args.onnx}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(args.onnx, options, providers=["CPUExecutionProvider"])
        max_diff = 0.0
        for shape in spec["shapes"]:
            ids = np.array(shape["ids"], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
            ms, cpu = timing(lambda: session.run(None, feed), runs, warmup)
            out = session.run(None, feed)[0]
            ref = outputs[(shape["batch"], shape["length"])].numpy()
            max_diff = max(max_diff, float(np.abs(out - ref).max()))
            log(f"onnxruntime {shape['batch']}x{shape['length']}: {ms:.2f} ms (cpu {cpu:.2f} ms)")
            results.append(dict(engine="onnxruntime", batch=shape["batch"], length=shape["length"], medianMs=ms,
                                cpuMs=cpu))

    print(json.dumps(dict(versions=versions, results=results, maxAbsDiffTorchVsOrt=max_diff)))


if __name__ == "__main__":
    main()
