#!/usr/bin/env python3
"""Opposite Prompt Optimization (ACD, arXiv 2406.16743 §3.2), CPU, time-boxed. One command:
  python3 Models/acd/opo.py [--minutes 15] [--virtual 8]   (after build_anchors.py)
→ Models/acd/soft_prompts.safetensors (`safe`, `adversarial`: F32 [n_virtual, hidden]) for `--acd-soft-prompts`.

SmolLM2-135M-Instruct is loaded from the same GGUF Rampart serves (transformers `gguf_file=`, dequantized to f32)
and frozen. Two soft prompts are prepended, as input embeddings, to the ChatML text of their branch (the text
system prompts from Models/acd/prompts stay in place), exactly as Rampart's ContrastiveDecoder does. Loss per anchor:
  CE(safe branch → safe_target) + CE(adversarial branch → adversarial_target)
  − λ·min(CE(safe branch → adversarial_target), cap) − λ·min(CE(adversarial branch → safe_target), cap)  [harmful only]
i.e. each prompt is pulled towards its own target and pushed away from the opposite one (the "opposite" objective),
bounded so the push cannot diverge. Adam, fixed seed, --threads (2); stops at the time box and exports the best-so-far.
"""
import argparse
import json
import os
import random
import time

import torch
from safetensors.torch import save_file
from transformers import AutoTokenizer, LlamaForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GGUF_DIR = os.path.join(ROOT, "Models", ".downloads", "smollm2")
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def chatml(system, user):
    return f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--virtual", type=int, default=8)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--push", type=float, default=0.1)
    parser.add_argument("--cap", type=float, default=6.0)
    parser.add_argument("--out", default=os.path.join(HERE, "soft_prompts.safetensors"))
    parser.add_argument("--threads", type=int, default=2, help="torch threads (1 on a box shared with other jobs)")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    rng = random.Random(0)
    tok = AutoTokenizer.from_pretrained(GGUF_DIR, gguf_file=GGUF)
    model = LlamaForCausalLM.from_pretrained(GGUF_DIR, gguf_file=GGUF, dtype=torch.float32).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    embed = model.get_input_embeddings()
    systems = {b: open(os.path.join(HERE, "prompts", f"{b}.txt")).read().strip() for b in ("safe", "adversarial")}
    # Initialise each soft prompt from the embeddings of its own system prompt's first tokens.
    soft = {}
    for branch, text in systems.items():
        ids = tok(text, add_special_tokens=False).input_ids[:args.virtual]
        soft[branch] = torch.nn.Parameter(embed(torch.tensor(ids)).detach().clone())
    optimizer = torch.optim.Adam(soft.values(), lr=args.lr)
    anchors = [json.loads(l) for l in open(os.path.join(HERE, "out", "anchors.jsonl"))]

    def nll(branch, prompt, target):
        p_ids = tok(chatml(systems[branch], prompt), add_special_tokens=False).input_ids[-256:]
        t_ids = tok(target, add_special_tokens=False).input_ids[:48]
        ids = torch.tensor(p_ids + t_ids)
        inputs = torch.cat([soft[branch], embed(ids)])[None]
        labels = torch.tensor([-100] * (args.virtual + len(p_ids)) + t_ids)[None]
        return model(inputs_embeds=inputs, labels=labels).loss

    deadline = time.monotonic() + args.minutes * 60
    step, running = 0, None
    while time.monotonic() < deadline:
        a = rng.choice(anchors)
        loss = nll("safe", a["prompt"], a["safe_target"]) + nll("adversarial", a["prompt"], a["adversarial_target"])
        if a["kind"] == "harmful":
            loss = loss - args.push * (torch.clamp(nll("safe", a["prompt"], a["adversarial_target"]), max=args.cap)
                                       + torch.clamp(nll("adversarial", a["prompt"], a["safe_target"]), max=args.cap))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        step += 1
        running = loss.item() if running is None else 0.95 * running + 0.05 * loss.item()
        if step % 10 == 0:
            print(json.dumps({"step": step, "loss_ema": round(running, 4)}), flush=True)
    save_file({b: p.detach().contiguous().float() for b, p in soft.items()}, args.out,
              metadata={"virtual_tokens": str(args.virtual), "steps": str(step), "model": GGUF,
                        "recipe": "Models/acd/opo.py"})
    print(json.dumps({"steps": step, "out": args.out, "loss_ema": running}))


if __name__ == "__main__":
    main()
