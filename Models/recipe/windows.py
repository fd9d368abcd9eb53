"""Rampart's inference-time windowing rule (`Sources/Scoring/WindowPlanner.swift`), mirrored exactly for training,
validation and the scoring fixture (`Models/fixtures/make_scoring_fixture.py` imports it, and the Swift scorer is
tested against that fixture's golden scores, so this file and the server cannot drift apart silently).

With max length L:
- prompt only: ids fit in L-2 -> one window [CLS] p [SEP]; else windows of L-2 tokens, stride (L-2)//2
  (50% overlap), starting at 0; the last window ends at the last token (start n-(L-2)), so every window is full.
- pair: len(p)+len(r) <= L-3 -> one window [CLS] p [SEP] r [SEP]; else the prompt keeps its LAST
  min(len(p), max(L-3-len(r), (L-3)//2)) tokens (all the room a short response leaves, at least half the budget)
  and the response is cut into windows of the remaining budget with stride half that (same end alignment), each
  paired with the same prompt tail.
Score = max over windows of P(unsafe). token_type_ids are 0 up to and including the first [SEP], 1 after.
"""


def window_starts(count: int, window: int):
    """Start offsets of `window`-token windows with 50% overlap covering `count` tokens, the last end-aligned."""
    stride = max(1, window // 2)
    starts, start = [], 0
    while True:
        if start + window >= count:
            starts.append(max(0, count - window))
            break
        starts.append(start)
        start += stride
    if len(starts) >= 2 and starts[-1] == starts[-2]:  # end alignment can repeat the previous start
        starts.pop()
    return starts


def spans(n: int, win: int):
    """[start, end) windows of `win` tokens covering n tokens (see window_starts)."""
    if n <= win:
        return [(0, n)]
    return [(s, min(s + win, n)) for s in window_starts(n, win)]


def pair_split(p_len: int, r_len: int, budget: int):
    """(prompt tokens kept from the end, response spans) for a pair that exceeds `budget` = L-3."""
    keep = min(p_len, max(budget - r_len, budget // 2))
    return keep, spans(r_len, max(1, budget - keep))


class Windower:
    def __init__(self, tokenizer, max_length: int):
        self.tok = tokenizer
        self.L = max_length
        self.cls = tokenizer.cls_token_id
        self.sep = tokenizer.sep_token_id

    def ids(self, text: str):
        return self.tok(text, add_special_tokens=False, truncation=False)["input_ids"]

    def single(self, ids):
        return [self.cls] + ids + [self.sep], [0] * (len(ids) + 2)

    def pair(self, p, r):
        return [self.cls] + p + [self.sep] + r + [self.sep], [0] * (len(p) + 2) + [1] * (len(r) + 1)

    def windows(self, prompt: str, response=None):
        """All windows (input_ids, token_type_ids) Rampart scores for this input."""
        p = self.ids(prompt)
        if response is None:
            return [self.single(p[a:b]) for a, b in spans(len(p), self.L - 2)]
        r = self.ids(response)
        budget = self.L - 3
        if len(p) + len(r) <= budget:
            return [self.pair(p, r)]
        keep, response_spans = pair_split(len(p), len(r), budget)
        tail = p[len(p) - keep:]
        return [self.pair(tail, r[a:b]) for a, b in response_spans]

    def window_containing(self, prompt: str, char_start: int, char_end: int):
        """The prompt window (from Rampart's grid) that best covers the character span [char_start, char_end).

        Used in training for jailbreak-wrapped requests: the wrapper alone is not the label, the window
        holding the request is.
        """
        enc = self.tok(prompt, add_special_tokens=False, truncation=False, return_offsets_mapping=True)
        ids, offs = enc["input_ids"], enc["offset_mapping"]
        toks = [i for i, (s, e) in enumerate(offs) if e > char_start and s < char_end]
        if not toks:
            return self.single(ids[: self.L - 2])
        lo, hi = toks[0], toks[-1] + 1
        best = max(spans(len(ids), self.L - 2), key=lambda w: (min(w[1], hi) - max(w[0], lo), -w[0]))
        return self.single(ids[best[0]:best[1]])
