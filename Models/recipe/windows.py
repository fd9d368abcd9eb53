"""Rampart's inference-time windowing rule, mirrored exactly for training and validation.

With max length L:
- prompt only: ids fit in L-2 -> one window [CLS] p [SEP]; else windows of L-2 tokens, stride (L-2)//2
  (50% overlap), starting at 0, the last window being the first that reaches the end (it may be short).
- pair: len(p)+len(r) <= L-3 -> one window [CLS] p [SEP] r [SEP]; else the prompt keeps its LAST
  min(len(p), (L-3)//2) tokens and the response is cut into windows of (L-3-len(tail)) tokens with stride
  half that, each paired with the same prompt tail.
Score = max over windows of P(unsafe). token_type_ids are 0 up to and including the first [SEP], 1 after.
"""


def spans(n: int, win: int):
    """[start, end) windows of `win` tokens with 50% overlap covering n tokens."""
    if n <= win:
        return [(0, n)]
    stride = max(1, win // 2)
    out, start = [], 0
    while True:
        out.append((start, min(start + win, n)))
        if start + win >= n:
            return out
        start += stride


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
        tail = p[len(p) - min(len(p), budget // 2):]
        return [self.pair(tail, r[a:b]) for a, b in spans(len(r), budget - len(tail))]

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
