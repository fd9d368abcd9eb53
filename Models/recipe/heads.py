"""(v5) The output layout of the multi-head guard and the category mapping.

The exported model is a plain BertForSequenceClassification whose classifier has 2 + 3 + len(CATEGORIES) outputs
over the pooled [CLS] state, so Rampart's engine runs it unchanged (one linear layer) and `rampart.json`'s `heads`
tells the server how to read it:

    logits[0:2]   verdict: softmax -> P(unsafe) of the input (prompt alone, or the pair)
    logits[2]     prompt_harm:   sigmoid -> does the prompt ask for harm
    logits[3]     compliance:    sigmoid -> does the response try to deliver what was asked (pairs only)
    logits[4]     response_harm: sigmoid -> does the response text carry harmful content on its own (pairs only)
    logits[5:]    categories:    sigmoid each -> which harm category (multi-label)

Each head is trained on the data its signal has in abundance (trainer.py masks the heads an example has no label
for): compliance from any domain (ShareGPT answers comply; corpus and written refusals, deflections and off-topic
answers do not), prompt harm from the labelled prompts, response harm from written harmful texts and refusals.
The verdict head is trained on the pair label itself (harmful request AND compliance, or harmful text in the
response), so the combination is learned, not a fixed product.
"""
import re

COMPONENTS = ["prompt_harm", "compliance", "response_harm"]

# OpenAI's moderation categories that the corpus supports, plus two Rampart categories that red-teaming data is
# full of. Not supported (no or too little data, or data we will not write): hate/threatening, self-harm/intent,
# self-harm/instructions, sexual/minors, violence/graphic.
CATEGORIES = ["harassment", "harassment/threatening", "hate", "illicit", "illicit/violent", "self-harm", "sexual",
              "violence", "misinformation", "privacy"]
UNSUPPORTED_OPENAI = ["hate/threatening", "self-harm/intent", "self-harm/instructions", "sexual/minors",
                      "violence/graphic"]
N_OUT = 2 + len(COMPONENTS) + len(CATEGORIES)

# Source taxonomies (train_prompts.jsonl, prompts_categorized.jsonl) -> one of CATEGORIES, before keyword rules.
SOURCE_MAP = {
    "discrimination_exclusion_toxicity_hateful_offensive": "hate", "hate": "hate",
    "hate, harassment and discrimination": "harassment", "harassment/discrimination": "harassment",
    "harassment_bullying": "harassment", "harassment": "harassment", "toxicity": "harassment",
    "non-violent crimes": "illicit", "illegal goods and services": "illicit", "fraud/deception": "illicit",
    "malware/hacking": "illicit", "cybercrime_intrusion": "illicit", "cybercrime": "illicit", "economic harm": "illicit",
    "malicious_uses": "illicit", "financial and business": "illicit", "scams": "illicit", "scam": "illicit",
    "phishing": "illicit", "fraud": "illicit", "financial": "illicit", "illegal": "illicit", "malware": "illicit",
    "malwaregen": "illicit", "illegal_goods": "illicit", "security,illegal_substances": "illicit",
    "chemical_biological": "illicit/violent", "weapons": "illicit/violent",
    "violence": "violence", "physical harm": "violence", "physical": "violence",
    "sexual content": "sexual", "sexual/adult content": "sexual", "sexual": "sexual",
    "disinformation and deception": "misinformation", "misinformation_disinformation": "misinformation",
    "misinformation_harms": "misinformation", "disinformation": "misinformation", "misinformation": "misinformation",
    "privacy": "privacy", "information_hazard": "privacy",
}

_KEYWORDS = [  # (category, regex), first match wins; applied to the request text
    ("self-harm", r"\b(suicid\w*|kill (?:myself|yourself)|self[- ]harm|cut(?:ting)? myself|starv\w* (?:myself|yourself)|"
                  r"anorexi\w*|bulimi\w*|overdose on my|end my (?:own )?life|hurt(?:ing)? myself)\b"),
    ("harassment/threatening", r"\b(threat\w*|intimidat\w*|death threat|i know where you live|burn your house)\b"),
    ("illicit/violent", r"\b(bomb\w*|explosive\w*|detonat\w*|grenade|napalm|nerve agent|sarin|ricin|anthrax|"
                        r"bioweapon\w*|chemical weapon\w*|firearm\w*|gun\w*|rifle\w*|ammunition|silencer|suppressor|"
                        r"poison\w*|toxin\w*|weapon\w*|thermite|molotov)\b"),
    ("sexual", r"\b(sexual\w*|porn\w*|erotic\w*|explicit sex|nude\w*|sex scene|orgasm\w*)\b"),
    ("hate", r"\b(racis\w*|racial\w*|ethnic\w*|jew\w*|muslim\w*|islam\w*|immigrant\w*|black people|gay\w*|lesbian\w*|"
             r"transgender|homosexual\w*|religio\w*|white supremac\w*|nazi\w*|inferior race|slur\w*|antisemit\w*)\b"),
    ("privacy", r"\b(home address|social security number|ssn|personal information|phone number of|dox\w*|"
                r"track (?:someone|my \w+)'?s? location|spy on|private (?:data|photos|messages)|stalk\w*)\b"),
    ("misinformation", r"\b(fake news|misinformation|disinformation|conspiracy|hoax|false claims?|propaganda|"
                       r"vaccines? cause|election (?:was )?(?:rigged|stolen)|flat earth)\b"),
    ("violence", r"\b(kill\w*|murder\w*|assault\w*|attack\w*|stab\w*|shoot\w*|kidnap\w*|tortur\w*|beat (?:up|him|her)|"
                 r"mass shooting|terror\w*|hurt (?:him|her|them|someone|people))\b"),
    ("harassment", r"\b(harass\w*|bully\w*|humiliat\w*|insult\w*|mock\w*|troll\w*|defam\w*|blackmail\w*)\b"),
    ("illicit", r"\b(hack\w*|malware|ransomware|phishing|scam\w*|fraud\w*|launder\w*|counterfeit\w*|steal\w*|"
                r"meth\w*|cocaine|heroin|fentanyl|drug\w*|smuggl\w*|forg\w*|brib\w*|evade tax\w*|tax evasion|"
                r"shoplift\w*|piracy|pirat\w*|keylogger|botnet|exploit\w*|crack\w* passwords?|identity theft|"
                r"cheat\w*|illegal\w*)\b"),
]
_KW = [(c, re.compile(p, re.I)) for c, p in _KEYWORDS]


def categorize(text: str, source_category=None):
    """The category of a harmful request or text, or None when neither its source's taxonomy nor a keyword
    rule says (the category head is then masked for that example). Keyword rules that name a more specific or
    more severe category (self-harm, threats, weapons) override a broad source category."""
    src = SOURCE_MAP.get((source_category or "").strip().lower())
    kw = next((c for c, rx in _KW if rx.search(text or "")), None)
    if kw in ("self-harm", "harassment/threatening", "illicit/violent") and src not in ("sexual", "misinformation"):
        return kw
    if src == "harassment" and kw == "hate":
        return "hate"
    return src or kw


def category_vector(category):
    """Multi-hot targets over CATEGORIES (all zeros for benign content; a threat is also harassment)."""
    v = [0.0] * len(CATEGORIES)
    if category:
        v[CATEGORIES.index(category)] = 1.0
        if category == "harassment/threatening":
            v[CATEGORIES.index("harassment")] = 1.0
        if category == "illicit/violent":
            v[CATEGORIES.index("illicit")] = 1.0
    return v
