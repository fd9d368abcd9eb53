"""Affirmative prefixes forced onto the generator's answers (HarmAug step b); shared with augment.py.

v2 used the first four; v3 adds four more so that no single opener is typical of generated answers. The same
prefixes are forced onto answers to harmful AND benign requests (v3), so an opener carries no label.
"""

PREFIXES = ["Sure, here is", "Sure, here's how", "Absolutely! Here is", "Of course. Step 1:",
            "Okay, here you go:", "Certainly! First,", "Here's what you need:", "No problem. The plan:"]
