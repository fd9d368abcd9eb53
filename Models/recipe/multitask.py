"""(v5) Multi-task examples: every example carries the verdict label plus component and category targets.

The v4 examples (augment.build) keep their verdict labels and get component targets by kind. v5 adds pairs built
from text written for this recipe (`written/`, see its README) around the corpus' harmful and benign requests:

- refusals, deflections, lawful alternatives and off-topic answers after harmful requests: safe (did not comply);
- the same refusals after benign requests: safe (over-refusal is not harm);
- compliant answers IN SHAPE after harmful requests: unsafe; the same templates after benign requests: safe, so
  neither the template's style nor an affirmative opener is a label;
- harmful texts (threats, harassment, demeaning generalisations, misinformation, fictional privacy leaks, scam
  messages) after benign requests: unsafe -- the response carries the harm on its own;
- benign questions on sensitive topics with helpful answers: safe, alone and as pairs.

Written templates are split by a hash of their text (15% validation), so validation pairs use templates the
model never trained on. Requests keep the corpus split of their normalized text. Held-out rows are dropped.
`prompts_categorized.jsonl` (StrongREJECT, JailbreakBench, HarmBench contextual, ...) adds categorized harmful
and topic-matched benign requests.
"""
import json
import math
import random
import re
from collections import Counter
from pathlib import Path

from corpus import normalize, read_jsonl, sha
from heads import CATEGORIES, COMPONENTS, categorize, category_vector

WRITTEN = Path(__file__).resolve().parent / "written"
NAN = float("nan")
EXCLUDED_SOURCES = ("scorer_evals",)  # PyRIT's scorer_evals is reserved for independent evaluation

# kind -> (prompt_harm, compliance, response_harm); None = unknown (masked). Category targets: the request's
# category for harmful requests, the text's own category for written harmful responses, zeros for benign rows.
COMPONENT_TARGETS = {
    "prompt_harmful": (1, None, None), "aug_style_harmful": (1, None, None), "aug_wrapped_harmful": (1, None, None),
    "cat_prompt_harmful": (1, None, None),
    "prompt_benign_other": (0, None, None), "hardneg_mined": (0, None, None), "everyday_prompt": (0, None, None),
    "hardneg_template": (0, None, None), "aug_style_benign": (0, None, None), "aug_wrapped_benign": (0, None, None),
    "cat_prompt_benign": (0, None, None), "w_sensitive_prompt": (0, None, None),
    "pair_harmful": (1, 1, 1), "pair_benign_other": (None, None, 0),
    "everyday_pair": (0, 1, 0), "hardneg_template_pair": (0, 1, 0), "aug_generated_benign": (0, 1, 0),
    "aug_outline_benign": (0, 1, 0), "w_sensitive_pair": (0, 1, 0), "w_compliance_benign": (0, 1, 0),
    "aug_refusal": (1, 0, 0), "aug_style_refusal": (1, 0, 0), "w_refusal": (1, 0, 0), "w_deflection": (1, 0, 0),
    "w_offtopic": (1, 0, 0), "w_refusal_benign": (0, 0, 0),
    "aug_generated": (1, 1, None), "aug_outline_harmful": (1, 1, None), "w_compliance": (1, 1, None),
    "w_harmful_response": (0, None, 1), "w_harmful_response_on_topic": (1, None, 1),
}
BENIGN_CATEGORY_KINDS = {k for k, (ph, _, rh) in COMPONENT_TARGETS.items() if ph == 0 and rh != 1}

_LEAD = re.compile(r"^(?:please\s+|hey,?\s+|hi,?\s+|can you\s+|could you\s+|would you\s+|i want you to\s+|"
                   r"i need you to\s+|i want to know how to\s+|i need to\s+|i want to\s+|tell me how to\s+|"
                   r"how (?:do|can|could|would|should|might) (?:i|we|you|one|someone)\s+|how to\s+|"
                   r"what(?:'s| is) the (?:best|easiest|fastest) way to\s+)+", re.I)


def request_phrase(prompt: str, limit=160) -> str:
    """A lowercased restatement of a request for {request} slots: "How can I hack my ex's email?" -> "hack my
    ex's email"; long prompts are cut at a word boundary."""
    text = " ".join(prompt.split())
    text = re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0] if len(text) > limit else text
    text = _LEAD.sub("", text).rstrip(" ?.!")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0]
    return (text[:1].lower() + text[1:]) if text else "do that"


def topic_phrase(category) -> str:
    return {"harassment": "harassment", "harassment/threatening": "threats", "hate": "hateful content",
            "illicit": "illegal activity", "illicit/violent": "weapons", "self-harm": "self-harm",
            "sexual": "explicit content", "violence": "violence", "misinformation": "misinformation",
            "privacy": "someone's private information"}.get(category, "this topic")


def fill(template: str, prompt: str, category=None) -> str:
    return template.replace("{request}", request_phrase(prompt)).replace("{topic}", topic_phrase(category))


def _tsplit(text: str, val_pct=15) -> str:
    return "val" if int(sha("tpl:" + text)[:8], 16) % 100 < val_pct else "train"


def load_written(root: Path = WRITTEN):
    """The written text files (see written/README.md); a missing file is an error naming it."""
    files = ["refusals", "deflections", "compliance", "harmful_responses", "benign_sensitive", "offtopic"]
    out = {}
    for name in files:
        path = root / f"{name}.jsonl"
        if not path.exists():
            raise FileNotFoundError(f"{path}: written training text is missing (see {root / 'README.md'})")
        out[name] = read_jsonl(path)
    return out


def categorized_prompts(corpus: Path, flt):
    """(prompt rows, stock refusals): a few rows of prompts_categorized.jsonl are refusals without a prompt."""
    rows = [r for r in read_jsonl(corpus / "prompts_categorized.jsonl")
            if not any(s in r.get("source", "") for s in EXCLUDED_SOURCES)]
    prompts = [r for r in rows if "text" in r and flt.ok(r["text"])]
    refusals = [r["response"] for r in rows if "text" not in r and r.get("response") and flt.ok(r["response"])]
    return prompts, refusals


def with_targets(ex, category_of):
    """Adds "targets" = [prompt_harm, compliance, response_harm, *categories] with NaN for unknown."""
    ph, c, rh = COMPONENT_TARGETS[ex["kind"]]
    comp = [NAN if v is None else float(v) for v in (ph, c, rh)]
    if ex["kind"] in BENIGN_CATEGORY_KINDS:
        cats = [0.0] * len(CATEGORIES)
    else:
        cat = ex.get("category") or category_of(ex)
        cats = category_vector(cat) if cat else [NAN] * len(CATEGORIES)
    return dict(ex, targets=comp + cats)


def build_v5(base, prompts, pairs, corpus: Path, flt, split_of, seed=0, sizes=None):
    """base: augment.build's examples. Returns (examples with targets, counts)."""
    sizes = {"w_refusal": 1400, "w_deflection": 700, "w_offtopic": 500, "w_compliance": 1400,
             "w_compliance_benign": 700, "w_harmful_response": 600, "w_harmful_response_on_topic": 250,
             "w_refusal_benign": 350, "share_offtopic": 300} | (sizes or {})
    rng = random.Random(seed + 505)
    written = load_written()
    src_cat = {normalize(r["text"]): r.get("category") for r in prompts if r["label"] == 1}
    cat_rows, stock_refusals = categorized_prompts(corpus, flt)
    for r in cat_rows:
        if r["label"] == 1:
            src_cat.setdefault(normalize(r["text"]), r.get("category"))

    def category_of(ex):
        text = ex["prompt"][ex["focus"][0]:ex["focus"][1]] if ex.get("focus") else ex["prompt"]
        return categorize(text, src_cat.get(normalize(text)))

    ex = [e for e in base if not any(s in e.get("source", "") for s in EXCLUDED_SOURCES)]
    # v4's kinds, minus corpus refusals from a reserved source (augment.build drew "refusal" rows, which come from
    # PyRIT's scorer_evals): rebuild those refusal pairs with the recipe's own refusal templates.
    reserved = {r["response"] for r in pairs if any(s in r["source"] for s in EXCLUDED_SOURCES)}
    ex = [e for e in ex if not (e["response"] in reserved or e["prompt"] in reserved)]

    def add(prompt, response, label, kind, split, category=None):
        if flt.ok(prompt, response):
            ex.append({"prompt": prompt, "response": response, "label": label, "kind": kind, "split": split,
                       "focus": None, "category": category})

    for r in cat_rows:
        text = r["text"]
        add(text, None, r["label"], "cat_prompt_harmful" if r["label"] else "cat_prompt_benign", split_of(text),
            categorize(text, r.get("category")) if r["label"] else None)

    harmful = sorted({e["prompt"] for e in base if e["kind"] == "prompt_harmful" and len(e["prompt"]) <= 400}
                     | {r["text"] for r in cat_rows if r["label"] == 1 and len(r["text"]) <= 600})
    benign = sorted({e["prompt"] for e in base if e["kind"] in ("everyday_prompt", "hardneg_mined", "hardneg_template",
                                                                "prompt_benign_other") and 15 <= len(e["prompt"]) <= 300}
                    | {r["text"] for r in cat_rows if r["label"] == 0 and len(r["text"]) <= 400})
    by = {s: ([h for h in harmful if split_of(h) == s], [b for b in benign if split_of(b) == s]) for s in ("train", "val")}
    share_answers = sorted({e["response"] for e in base if e["kind"] == "everyday_pair" and 80 <= len(e["response"]) <= 1500})

    def texts(name, key="text"):
        split = {"train": [], "val": []}
        for r in written[name]:
            split[_tsplit(r[key])].append(r)
        return split

    tpl = {n: texts(n) for n in ("refusals", "deflections", "compliance", "harmful_responses", "offtopic")}
    tpl["refusals"]["train"] += [{"text": t} for t in stock_refusals]
    sens = texts("benign_sensitive", "prompt")

    def draw(kind, n, requests_of, pool, label, text_key="text"):
        for s, frac in (("train", 0.85), ("val", 0.15)):
            reqs, rows = requests_of(s), pool[s]
            if not reqs or not rows:
                continue
            for _ in range(round(n * frac)):
                p = rng.choice(reqs)
                cat = categorize(p, src_cat.get(normalize(p))) if label or kind in ("w_refusal", "w_deflection", "w_offtopic") else None
                add(p, fill(rng.choice(rows)[text_key], p, cat), label, kind, s, cat)

    draw("w_refusal", sizes["w_refusal"], lambda s: by[s][0], tpl["refusals"], 0)
    draw("w_deflection", sizes["w_deflection"], lambda s: by[s][0], tpl["deflections"], 0)
    draw("w_offtopic", sizes["w_offtopic"], lambda s: by[s][0], tpl["offtopic"], 0)
    draw("w_compliance", sizes["w_compliance"], lambda s: by[s][0], tpl["compliance"], 1)
    # Only templates that read naturally after a benign request (no "cover your tracks", no jailbreak persona).
    benign_ok = {s: [r for r in rows if r.get("after_benign", True)] for s, rows in tpl["compliance"].items()}
    draw("w_compliance_benign", sizes["w_compliance_benign"], lambda s: by[s][1], benign_ok, 0)
    draw("w_refusal_benign", sizes["w_refusal_benign"], lambda s: by[s][1], tpl["refusals"], 0)
    # ShareGPT answers after an unrelated harmful request: fluent, long, helpful -- and off-topic, so safe.
    for s, frac in (("train", 0.85), ("val", 0.15)):
        answers = [a for a in share_answers if _tsplit(a) == s]
        for _ in range(round(sizes["share_offtopic"] * frac)):
            p = rng.choice(by[s][0])
            add(p, rng.choice(answers), 0, "w_offtopic", s, categorize(p, src_cat.get(normalize(p))))
    # Harmful texts on their own: after their own benign prompt, an everyday prompt, or a harmful request.
    for s in ("train", "val"):
        rows = tpl["harmful_responses"][s]
        n = round(sizes["w_harmful_response"] * (0.85 if s == "train" else 0.15))
        for i in range(n if rows else 0):
            r = rows[i % len(rows)]
            p = r.get("benign_prompt") if (i < len(rows) and r.get("benign_prompt")) else rng.choice(by[s][1])
            add(p, fill(r["text"], p), 1, "w_harmful_response", s, r["category"])
        for _ in range(round(sizes["w_harmful_response_on_topic"] * (0.85 if s == "train" else 0.15)) if rows else 0):
            r = rng.choice(rows)
            p = rng.choice(by[s][0])
            add(p, fill(r["text"], p), 1, "w_harmful_response_on_topic", s, r["category"])
    for s in ("train", "val"):
        for r in sens[s]:
            add(r["prompt"], None, 0, "w_sensitive_prompt", s)
            add(r["prompt"], r["response"], 0, "w_sensitive_pair", s)

    out = [with_targets(e, category_of) for e in ex]
    return out, Counter((e["split"], e["kind"], e["label"]) for e in out)
