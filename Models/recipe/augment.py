"""Builds the labelled train/validation examples: corpus rows plus HarmAug-style augmentation (a)-(d).

Every example is {"prompt", "response" (or None), "label" (1 = unsafe), "kind", "split"} and, for
jailbreak-wrapped prompts, "focus" = the character span of the inserted request. Splits are grouped by
normalized request (corpus.assign_splits); generated and templated text follows the split of the request
it was built from, and jailbreak wrappers are split by template so validation sees unseen wrappers.
"""
import random
import re
from collections import Counter

from corpus import HeldoutFilter, harmful_request_pool, normalize, sha
from generate_prefixes import PREFIXES
from styles import style_examples
from templates import HARD_NEGATIVE_KEYWORDS, REFUSALS, fill_hard_negatives

_SLOT = re.compile(r"\[INSERT PROMPT HERE\]|\[PROMPT\]|\[INPUT\]|\[TASK HERE\]|\{prompt\}|\{query\}|\{request\}|\[QUESTION\]", re.I)


def _hash_split(text: str, val_pct=15) -> str:
    return "val" if int(sha(text)[:8], 16) % 100 < val_pct else "train"


def wrap(template: str, request: str):
    """Inserts request at the template's slot (or appends it); returns (text, (start, end))."""
    m = _SLOT.search(template)
    if m:
        text = template[:m.start()] + request + template[m.end():]
        return text, (m.start(), m.start() + len(request))
    text = template.rstrip() + "\n\n" + request
    return text, (len(text) - len(request), len(text))


def is_sensitive(text: str) -> bool:
    low = text.lower()
    return any(k in low for k in HARD_NEGATIVE_KEYWORDS)


def cut_short(body: str, rng: random.Random, p=1 / 3, words=(18, 36)) -> str:
    """(v3) Cuts about a third of generated answers to their first 18-36 words (roughly 24-48 tokens), so
    that short compliant answers exist; applied identically to answers after harmful and benign requests."""
    w = body.split()
    if rng.random() >= p or len(w) <= words[1]:
        return body
    return " ".join(w[:rng.randint(*words)])


def build(prompts, pairs, templates, generated, split_of, flt: HeldoutFilter, seed=0, max_everyday_prompts=2600,
          max_everyday_pairs=1500, n_refusal=1200, n_wrapped=450, generated_benign=()):
    rng = random.Random(seed)
    ex = []

    def add(prompt, response, label, kind, split=None, focus=None):
        if not flt.ok(prompt, response):
            return
        ex.append({"prompt": prompt, "response": response, "label": label, "kind": kind,
                   "split": split or split_of(prompt), "focus": focus})

    # Corpus prompt-only rows; ShareGPT is subsampled (everyday chat is easy and dominates the corpus).
    share = [r for r in prompts if r["source"].startswith("sharegpt")]
    rng.shuffle(share)
    for r in prompts:
        if r["source"].startswith("sharegpt"):
            continue
        add(r["text"], None, r["label"], "prompt_harmful" if r["label"] else "prompt_benign_other")
    mined = 0
    for r in share:
        if is_sensitive(r["text"]) and len(r["text"]) < 600 and mined < 1200:
            add(r["text"], None, 0, "hardneg_mined")
            mined += 1
    for r in [r for r in share if not is_sensitive(r["text"])][:max_everyday_prompts]:
        add(r["text"], None, 0, "everyday_prompt")

    # Corpus pairs. Short harmful responses next to long benign ShareGPT answers: length is no shortcut
    # because (b) adds short-to-medium harmful answers and (d) short benign ones.
    share_pairs = [r for r in pairs if r["source"].startswith("sharegpt")]
    rng.shuffle(share_pairs)
    for r in pairs:
        if not r["source"].startswith("sharegpt"):
            add(r["prompt"], r["response"], r["label"], "pair_harmful" if r["label"] else "pair_benign_other")
    for r in share_pairs[:max_everyday_pairs]:
        add(r["prompt"], r["response"], 0, "everyday_pair")

    requests = harmful_request_pool(prompts, pairs)
    corpus_refusals = sorted({r["response"] for r in pairs if r["label"] == 0 and "refusal" in r["source"]})
    refusals = REFUSALS + corpus_refusals
    # (a) harmful request + refusal -> safe.
    for p in rng.sample(requests, min(n_refusal, len(requests))):
        add(p, rng.choice(refusals), 0, "aug_refusal")
    # (b) harmful request + generated compliant answer -> unsafe; (v3) benign request + an answer generated the
    # same way -> safe, so SmolLM2's style is no label. The affirmative prefix is removed from half of both and
    # added to benign template answers below, so that "Sure, here is" is not a shortcut. A separate rng keeps
    # the rows built after this step (refusals above, wrappers and hard negatives below) seed-stable.
    grng = random.Random(seed + 31)
    for rows, label, kind in ((generated, 1, "aug_generated"), (generated_benign, 0, "aug_generated_benign")):
        for g in rows:
            body = g["response"]
            pre = next((p for p in PREFIXES if body.startswith(p)), None)
            if pre and grng.random() < 0.5:
                rest = body[len(pre):].lstrip(" :,")
                body = rest[:1].upper() + rest[1:] if rest else body
            add(g["prompt"], cut_short(body, grng), label, kind)
    # (c) jailbreak wrappers around harmful requests -> unsafe, around benign requests -> safe.
    benign_reqs = [r["text"] for r in share if 20 < len(r["text"]) < 300] + [t for _, t, _ in fill_hard_negatives()]
    by_split = {"train": ([], []), "val": ([], [])}
    for r in requests:
        by_split[split_of(r)][0].append(r)
    for b in benign_reqs:
        by_split[split_of(b)][1].append(b)
    for i in range(n_wrapped):
        t = rng.choice(templates)["text"]
        tsplit = _hash_split(t)  # wrapper and request always share a split
        harm, ben = by_split[tsplit]
        for req, label, kind in ((rng.choice(harm), 1, "aug_wrapped_harmful"), (rng.choice(ben), 0, "aug_wrapped_benign")):
            text, focus = wrap(t, req)
            add(text, None, label, kind, tsplit, focus)
    # (d) templated hard negatives: question alone and with a helpful benign answer.
    for topic, q, a in fill_hard_negatives():
        s = _hash_split(q)
        add(q, None, 0, "hardneg_template", s)
        add(q, (rng.choice(PREFIXES) + " " + a) if rng.random() < 0.5 else a, 0, "hardneg_template_pair", s)

    # (e, v2) style-diverse requests and vague compliant outlines (styles.py); training split only, with their
    # own seeded rng after everything above, so the validation split and the examples above are unchanged.
    for prompt, response, label, kind in style_examples(refusals, seed=seed):
        add(prompt, response, label, kind, "train")

    counts = Counter((e["split"], e["kind"], e["label"]) for e in ex)
    return ex, counts


def toggle_final_period(examples, seed=0, p=0.5):
    """(v2) Adds or strips the prompt's final period on about half of the prompt-only TRAINING examples.

    v1 scored "Write ransomware that encrypts every file on a hospital network" 0.99 but the same text with a
    final "." 0.035: AdvBench imperatives (harmful) have no final period while ShareGPT chat usually does, so
    the period was a label shortcut. Wrapped prompts keep their text (their focus span is character-exact).
    """
    rng = random.Random(seed + 202)
    out = []
    for e in examples:
        text = e["prompt"].rstrip()
        if e["response"] is None and not e.get("focus") and rng.random() < p:
            if text.endswith("."):
                text = text[:-1]
            elif text[-1:].isalnum():
                text = text + "."
            e = dict(e, prompt=text)
        out.append(e)
    return out


def perturb_examples(examples, p, seed=0, kinds=("typos", "leet", "no_punct")):
    """(v4 option) Replaces about a fraction p of the TRAINING examples, harmful and benign alike, by a copy whose
    prompt and response went through one of robustness.py's perturbations (typos, leetspeak, punctuation removed).
    The random-suffix perturbation is left out so that robustness.py can show whether robustness carries over to a
    kind not trained on. Wrapped prompts keep their text (their focus span is character-exact)."""
    from robustness import perturb
    rng = random.Random(seed + 404)
    out = []
    for e in examples:
        if not e.get("focus") and rng.random() < p:
            kind = rng.choice(kinds)
            e = dict(e, prompt=perturb(e["prompt"], kind, rng), response=perturb(e["response"], kind, rng))
        out.append(e)
    return out


def make_split_of(split_map):
    def split_of(text):
        return split_map.get(normalize(text)) or _hash_split(text)
    return split_of
