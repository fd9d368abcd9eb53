"""Affirmative prefixes forced onto the generator's answers (HarmAug step b); shared with augment.py."""

PREFIXES = ["Sure, here is", "Sure, here's how", "Absolutely! Here is", "Of course. Step 1:"]
