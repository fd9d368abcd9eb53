#!/usr/bin/env python3
"""Validate the hand-written guard training text in this folder.

Checks: valid JSON per line, required fields, allowed style/category/topic values, minimum row counts,
lengths (80-1500 characters; the deliberately terse styles `short` and `terse` may be shorter),
no duplicate texts within or across files, and only the `{request}`/`{topic}` placeholders (so the
recipe can fill them with str.format/replace). Prints counts per style/category/topic; exits 1 on error.
"""
import collections, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = {
    "refusals.jsonl": dict(fields=["text", "style"], key="style", min=120,
        allowed=["short", "explained", "quoting", "alternative", "resources", "persona", "formatted"]),
    "deflections.jsonl": dict(fields=["text", "style"], key="style", min=80,
        allowed=["safety_info", "empathetic", "lecture", "lawful_alternative", "clarifying", "off_topic"]),
    "compliance.jsonl": dict(fields=["text", "style", "after_benign"], key="style", min=100,
        allowed=["eager", "disclaimer", "persona", "outline", "story", "terse", "warning_end"]),
    "harmful_responses.jsonl": dict(fields=["text", "category", "style", "benign_prompt"], key="category", min=120,
        allowed=["harassment/threatening", "harassment", "hate", "self-harm", "misinformation", "privacy",
                 "illicit", "violence", "sexual"], per_key_min=12),
    "benign_sensitive.jsonl": dict(fields=["prompt", "response", "topic"], key="topic", min=100, text="response",
        allowed=["medicine", "security", "chemistry", "law", "history", "fiction", "mental_health",
                 "sexual_health", "harm_reduction", "firearms", "extremism"]),
    "offtopic.jsonl": dict(fields=["text"], key=None, min=40),
}
SHORT_OK = {"short", "terse"}
PLACEHOLDER = re.compile(r"\{(request|topic)\}")

def main():
    errors, seen = [], {}
    for name, spec in SPEC.items():
        path = os.path.join(HERE, name)
        rows = []
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                try:
                    r = json.loads(line)
                except json.JSONDecodeError as e:
                    errors.append(f"{name}:{n} invalid JSON ({e})"); continue
                rows.append((n, r))
        counts, lengths = collections.Counter(), []
        for n, r in rows:
            where = f"{name}:{n}"
            if sorted(r) != sorted(spec["fields"]):
                errors.append(f"{where} fields {sorted(r)} != {sorted(spec['fields'])}")
            for k in spec["fields"]:
                if k == "after_benign":  # bool: may this compliance template also follow a benign request?
                    if not isinstance(r.get(k), bool):
                        errors.append(f"{where} after_benign must be true or false")
                    continue
                if not isinstance(r.get(k), str) or not r.get(k, "").strip():
                    errors.append(f"{where} empty or non-string field {k}")
            if spec["key"]:
                v = r.get(spec["key"])
                counts[v] += 1
                if v not in spec["allowed"]:
                    errors.append(f"{where} {spec['key']}={v!r} not allowed")
            texts = [r.get(spec.get("text", "text"), "")] + ([r.get("prompt", "")] if "prompt" in r else []) \
                + ([r.get("benign_prompt", "")] if "benign_prompt" in r else [])
            t = texts[0]
            lengths.append(len(t))
            lo = 15 if r.get("style") in SHORT_OK else 80
            if not lo <= len(t) <= 1500:
                errors.append(f"{where} length {len(t)} outside {lo}-1500")
            for s in texts:
                rest = PLACEHOLDER.sub("", s)
                if "{" in rest or "}" in rest:
                    errors.append(f"{where} stray brace outside {{request}}/{{topic}}")
            if name in ("harmful_responses.jsonl", "benign_sensitive.jsonl", "offtopic.jsonl") and PLACEHOLDER.search(t):
                errors.append(f"{where} placeholder in a file that does not use them")
            norm = " ".join(t.lower().split())
            if norm in seen:
                errors.append(f"{where} duplicate text (also {seen[norm]})")
            seen[norm] = where
        if len(rows) < spec["min"]:
            errors.append(f"{name}: {len(rows)} rows < {spec['min']}")
        for v in spec.get("allowed", []) if spec["key"] else []:
            if counts[v] < spec.get("per_key_min", 1):
                errors.append(f"{name}: {spec['key']}={v} has {counts[v]} rows")
        ph = sum(1 for _, r in rows if PLACEHOLDER.search(r.get("text", "")))
        print(f"{name}: {len(rows)} rows, length min/median/max {min(lengths)}/{sorted(lengths)[len(lengths)//2]}/{max(lengths)}"
              + (f", with placeholders {ph}" if ph else ""))
        if spec["key"]:
            print("   " + ", ".join(f"{k}={counts[k]}" for k in spec["allowed"]))
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"{len(errors)} errors")
    return 1 if errors else 0

if __name__ == "__main__":
    sys.exit(main())
