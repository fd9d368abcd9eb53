"""Keyword/regex refusal detector used to filter generated 'compliant' answers (HarmAug step b)."""
import re

_PATTERNS = [
    r"\bI(?:'m| am)? (?:sorry|afraid)\b", r"\bI (?:can(?:'|no)t|cannot|won'?t|will not|must decline|am unable|'m unable)\b",
    r"\bas an ai\b", r"\b(?:not|never) (?:able|allowed|appropriate|ethical|legal) to\b", r"\bI do not (?:condone|support|provide)\b",
    r"\billegal and unethical\b", r"\bunethical\b", r"\bagainst (?:the law|my (?:programming|guidelines|policy))\b",
    r"\bI (?:strongly )?(?:advise|urge|recommend) (?:you )?(?:against|not)\b", r"\bseek (?:professional )?help\b",
    r"\bI'm here to help with\b", r"\binstead,? (?:I|you|let)\b", r"\bnot something I\b", r"\bharmful\b.*\bnot\b",
]
_RX = re.compile("|".join(_PATTERNS), re.IGNORECASE)


def is_refusal(text: str) -> bool:
    head = text[:400]
    return bool(_RX.search(head))
