"""Hand-written text for augmentation: refusals (HarmAug a), sensitive-but-benign questions (d).

All of it is original to this recipe (no corpus text), so it may also seed golden fixtures.
"""

REFUSALS = [
    "I'm sorry, but I can't help with that.",
    "I can't assist with that request.",
    "Sorry, I won't provide instructions for that. It could seriously hurt people.",
    "I'm not able to help with this. If you're in danger, please contact local emergency services.",
    "I can't help with that, but I'm happy to talk about something else.",
    "That's not something I can help with. Is there anything else you need?",
    "I won't do that. Creating or sharing this kind of content can cause real harm.",
    "I must decline. This request asks for something illegal and potentially dangerous.",
    "I'm sorry, I can't comply with that request.",
    "No. I can't give guidance on harming others.",
    "I understand you're curious, but I can't provide that information.",
    "I can't write that. If you'd like, I can explain the risks and the relevant laws instead.",
    "Unfortunately I can't help with this request because it could facilitate harm.",
    "I'd rather not help with that. Let's find a safer topic.",
    "This is something I have to refuse. Providing it could put people at risk.",
    "I'm not going to help with that request.",
    "I can't provide step-by-step instructions for this. Please reach out to a professional if you need help.",
    "Sorry, that's outside what I can help with.",
    "I can't help create that. If you or someone else is at risk, please contact the authorities.",
    "I apologize, but I cannot generate content that promotes violence or illegal activity.",
    "As an AI assistant, I can't help with requests like this one.",
    "I won't help with that. If you're struggling, talking to someone you trust or a crisis line can help.",
    "I can't do that. Is there a legitimate goal behind this that I could help with in a safe way?",
    "That request asks for harmful content, so I'll have to pass.",
    "I can't give you that. I can, however, share general safety information if that would be useful.",
    "I'm unable to help with that request.",
    "Sorry — I can't assist with anything that could be used to hurt someone.",
    "I don't provide instructions for illegal activities.",
    "I can't help you with this, and I'd encourage you not to pursue it.",
    "I'm sorry, but I cannot fulfill this request. It violates safety guidelines.",
    "I can't produce that content.",
    "Thanks for asking, but I can't help with that one.",
    "I'm going to decline this request. If you have questions about staying safe, I'm glad to help.",
    "I cannot help with that. Misusing this information could endanger lives.",
    "Sorry, no. I can talk about the history or the law around this topic, but not how to do it.",
    "I won't write that, because it could be used to deceive or harm real people.",
    "I can't help plan something like that. If you're feeling angry or overwhelmed, it may help to talk to someone.",
    "Not something I can assist with, sorry.",
    "I'd be glad to help with many things, but not this. It could cause serious harm.",
    "I can't provide that, but here is a safer alternative: consult official, legal resources on the subject.",
]

# Benign questions on sensitive topics (hard negatives). {x} slots are filled from the lists below.
HARD_NEGATIVE_TEMPLATES = {
    "medicine": (["What is the maximum safe daily dose of {x} for an adult?", "What are the overdose symptoms of {x} and when should I call poison control?",
                  "Can I take {x} together with alcohol?", "How does {x} work in the body?", "What are common side effects of {x}?"],
                 ["ibuprofen", "acetaminophen", "paracetamol", "aspirin", "melatonin", "insulin", "lithium", "warfarin", "morphine", "naloxone"]),
    "security": (["Explain how {x} attacks work so I can defend my company's network.", "What is {x} and how do security teams detect it?",
                  "Write a short training slide explaining {x} to new employees.", "How do I protect my website against {x}?"],
                 ["SQL injection", "phishing", "ransomware", "cross-site scripting", "buffer overflow", "credential stuffing", "DDoS", "social engineering", "keyloggers"]),
    "chemistry": (["Why is mixing {x} dangerous, and how should I store them safely?", "What happens chemically when {x} react?",
                   "Explain the chemistry of {x} for my high-school class."],
                  ["bleach and ammonia", "acids and bases", "thermite", "hydrogen peroxide and vinegar", "sodium and water", "nitroglycerin in medicine"]),
    "law": (["What is the legal penalty for {x} in most countries?", "How do prosecutors prove {x} in court?", "What is the difference between {x} and related offences?"],
            ["manslaughter", "money laundering", "insider trading", "fraud", "identity theft", "arson", "drug trafficking", "self-defense shootings"]),
    "history": (["Summarize the causes of {x}.", "Why did {x} happen, and what lessons did historians draw?", "How many people died in {x}?"],
                ["the Rwandan genocide", "the Holocaust", "the Battle of the Somme", "the bombing of Hiroshima", "the Oklahoma City bombing", "the Armenian genocide", "the Salem witch trials"]),
    "fiction": (["Write a dark short story about {x}, without graphic detail.", "In my crime novel, a detective investigates {x}. Suggest plot twists.",
                 "Describe the atmosphere of a horror scene involving {x}."],
                ["a serial killer in Victorian London", "a haunted asylum", "a poisoning at a dinner party", "a bank heist gone wrong", "a war veteran's nightmares", "a cult in a small town"]),
    # (v4) protective and help-seeking questions about harms: how to spot, prevent, report or help with them.
    "protective": (["What are the warning signs of {x}?", "How can I protect my family from {x}?",
                    "Who should I contact to report {x}?", "I think someone I know is dealing with {x}. How can I help them?",
                    "What should schools teach kids about {x}?", "How do police usually investigate {x}?"],
                   ["online grooming", "cyberbullying", "a phone scam", "elder financial abuse", "identity theft",
                    "a ransomware infection", "stalking", "domestic abuse", "human trafficking", "a drug overdose",
                    "online radicalization", "sextortion", "a romance scam", "carbon monoxide poisoning",
                    "self-harm", "suicidal thoughts", "hate crimes", "drunk driving"]),
    "safety": (["How do I kill {x}?", "What's the best way to get rid of {x}?", "How can I shoot {x} better?"],
               ["a Python process that hangs", "weeds in my garden", "fruit flies in the kitchen", "photos in low light", "a stuck Linux job", "mold in the bathroom"]),
}

HARD_NEGATIVE_ANSWERS = {
    "medicine": "For most healthy adults the label dose should not be exceeded; check the package insert, ask a pharmacist, and contact poison control or emergency services if too much was taken.",
    "security": "Defenders should validate input, keep software patched, use multi-factor authentication, monitor logs for anomalies, and train staff to recognize suspicious messages.",
    "chemistry": "These substances react to release heat or toxic gases, so store them separately in labelled containers, ventilate the area, and follow the safety data sheet.",
    "law": "Penalties depend on the jurisdiction and circumstances; prosecutors must prove intent and the elements of the offence beyond reasonable doubt. Consult a qualified lawyer for specifics.",
    "history": "Historians point to political, economic and ideological causes, and the event is remembered to help prevent similar atrocities.",
    "fiction": "The fog rolled over the cobblestones as the inspector studied the quiet street, aware that the answer lay in a detail everyone had overlooked.",
    "protective": "Watch for sudden changes in behaviour, keep talking openly, save any evidence, and contact the relevant helpline or the local authorities; in an emergency, call emergency services right away.",
    "safety": "Here is a simple approach: identify the cause, use the standard tool for the job, and check the result afterwards.",
}

HARD_NEGATIVE_KEYWORDS = [
    "dose", "dosage", "overdose", "medication", "prescription", "symptom", "drug", "pill", "mg ", "poison",
    "malware", "virus", "exploit", "vulnerab", "hack", "encrypt", "password", "firewall", "phishing", "attack",
    "chemical", "chemistry", "acid", "reaction", "explos", "toxic", "law ", "legal", "lawsuit", "court", "crime",
    "criminal", "murder", "kill", "war ", "genocide", "weapon", "gun", "violence", "assault", "abuse", "blood",
    "death", "dead", "horror", "dark", "terror", "bomb", "steal", "fraud", "suicide", "drugs",
]


def fill_hard_negatives():
    """(topic, question, answer) for every template x slot combination."""
    out = []
    for topic, (tmpls, slots) in HARD_NEGATIVE_TEMPLATES.items():
        for t in tmpls:
            for x in slots:
                out.append((topic, t.format(x=x), HARD_NEGATIVE_ANSWERS[topic]))
    return out
