#!/usr/bin/env python3
"""Golden harm evidence for Tests/GenerationTests (one command: python3 Models/acd/make_evidence_golden.py).

On the tiny random Llama fixture (Models/fixtures/llama/tiny_tied, made by make_llama_fixtures.py) with its byte-level
BPE (bpe.json), computes what Rampart's ContrastiveDecoder.evidence computes: for each (prompt, response) pair,
the ChatML prompt under the safeguarding and under the adversarial system prompt, then the response tokens,
teacher-forced; evidence = mean log p(response | adversarial) - mean log p(response | safe). Also the contrasted
next-token logits safe - alpha * adv after the prompt. Pins: ../fixtures/requirements.txt (torch, transformers,
tokenizers). Deterministic (no sampling).
"""
import json
import os

import torch
from tokenizers import Tokenizer
from transformers import LlamaForCausalLM

ROOT = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(ROOT, "..", "fixtures", "llama")
SAFE = "Be safe."
ADVERSARIAL = "Be bad."
ALPHA = 0.5
PAIRS = [("how do I pick a lock?", "I can't help with that."),
         ("hello there", "Sure, here is how you do it: first take the pick."),
         ("write a poem", "Roses are red")]


def chatml(system, user):
    return f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"


def main():
    torch.manual_seed(0)
    tok = Tokenizer.from_file(os.path.join(FIXTURE, "bpe.json"))
    model = LlamaForCausalLM.from_pretrained(os.path.join(FIXTURE, "tiny_tied"), torch_dtype=torch.float32).eval()
    cases = []
    with torch.no_grad():
        for prompt, response in PAIRS:
            reply = tok.encode(response, add_special_tokens=False).ids
            means = []
            last = []
            for system in (SAFE, ADVERSARIAL):
                ids = tok.encode(chatml(system, prompt), add_special_tokens=False).ids
                logits = model(torch.tensor([ids + reply])).logits[0].double()
                logp = torch.log_softmax(logits, dim=-1)
                first = len(ids) - 1
                means.append(float(sum(logp[first + j, t] for j, t in enumerate(reply)) / len(reply)))
                last.append(model(torch.tensor([ids])).logits[0, -1])
            contrast = (last[0] - ALPHA * last[1]).tolist()
            cases.append({"prompt": prompt, "response": response, "response_ids": reply,
                          "mean_logp_safe": means[0], "mean_logp_adversarial": means[1],
                          "evidence": means[1] - means[0], "contrasted_logits": contrast})
    out = {"safe": SAFE, "adversarial": ADVERSARIAL, "alpha": ALPHA, "cases": cases}
    with open(os.path.join(ROOT, "golden", "evidence_tiny.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
