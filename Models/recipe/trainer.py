"""Fine-tunes BertForSequenceClassification (all-MiniLM-L6-v2) on Rampart-style windows.

Loss (HarmAug): 0.5 * (CE(hard label) + KL(teacher || student)) for examples with a teacher probability,
plain CE otherwise. Options: ML-LR (layer-wise LR decay), RNA (random noise on input embeddings) and
C-AdvUL (one signed-gradient / L2-normalized adversarial step on input embeddings inside a ball of radius
eps * mean embedding norm; the adversarial loss is averaged with the clean one).
"""
import math
import random
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from tqdm import tqdm


@dataclass
class TrainConfig:
    lr: float = 8e-5              # v2 (v1: 5e-5)
    head_lr: float = 1e-3
    epochs: float = 1.0
    batch_size: int = 16
    weight_decay: float = 0.01
    warmup: float = 0.06
    layer_decay: float = 0.9      # ML-LR; 1.0 disables
    rna_std: float = 0.0          # RNA: noise std relative to mean embedding norm; 0 disables
    adv_eps: float = 0.0          # C-AdvUL: L2 radius relative to mean embedding norm; 0 disables (v4: 0.05; v5: off, 3x
                                  # the compute at 256 tokens, and its v4 gain was on a split that measured fit)
    aux_weight: float = 1.0       # (v5) weight of the masked component/category BCE heads
    seed: int = 0


def training_window(windower, ex, rng):
    """The one window an example trains on (see windows.py for the inference rule it mirrors)."""
    if ex["response"] is None and ex.get("focus"):
        return windower.window_containing(ex["prompt"], *ex["focus"])
    ws = windower.windows(ex["prompt"], ex["response"])
    if len(ws) == 1:
        return ws[0]
    if ex["label"] == 0:
        return rng.choice(ws)          # every window of a benign input must score low
    return ws[-1] if ex["response"] is None else ws[0]  # requests sit at the end; harmful answers start early


def batches(items, batch_size, rng):
    """Length-bucketed batches: shuffle, sort inside chunks of 50 batches, shuffle batch order."""
    idx = list(range(len(items)))
    rng.shuffle(idx)
    out = []
    for c in range(0, len(idx), batch_size * 50):
        chunk = sorted(idx[c:c + batch_size * 50], key=lambda i: len(items[i][0]))
        out += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(out)
    return out


def collate(items, pad_id):
    n = max(len(ids) for ids, _ in items)
    ids = torch.full((len(items), n), pad_id, dtype=torch.long)
    tt = torch.zeros((len(items), n), dtype=torch.long)
    am = torch.zeros((len(items), n), dtype=torch.long)
    for i, (a, t) in enumerate(items):
        ids[i, :len(a)] = torch.tensor(a)
        tt[i, :len(t)] = torch.tensor(t)
        am[i, :len(a)] = 1
    return ids, tt, am


def param_groups(model, cfg: TrainConfig):
    layers = model.config.num_hidden_layers
    groups = []
    for name, p in model.named_parameters():
        if name.startswith("classifier") or ".pooler." in name:
            lr = cfg.head_lr if name.startswith("classifier") else cfg.lr
        elif ".encoder.layer." in name:
            depth = int(name.split(".encoder.layer.")[1].split(".")[0])
            lr = cfg.lr * cfg.layer_decay ** (layers - 1 - depth)
        else:  # embeddings sit below layer 0
            lr = cfg.lr * cfg.layer_decay ** layers
        wd = 0.0 if p.ndim == 1 else cfg.weight_decay
        groups.append({"params": [p], "lr": lr, "weight_decay": wd})
    return groups


def _aux_loss(logits, targets, weight):
    """(v5) Masked BCE of the component and category heads (logits[:, 2:]) against targets (NaN = unknown)."""
    if targets is None or weight == 0:
        return 0.0
    aux = logits[:, 2:2 + targets.shape[1]]
    has = ~torch.isnan(targets)
    if not has.any():
        return 0.0
    return weight * F.binary_cross_entropy_with_logits(aux[has], targets[has])


def _loss(logits, labels, teacher, targets=None, aux_weight=1.0):
    """Verdict CE on logits[:, :2] (+ KL to the teacher) plus the masked auxiliary heads."""
    aux = _aux_loss(logits, targets, aux_weight)
    logits = logits[:, :2]
    ce = F.cross_entropy(logits, labels)
    if teacher is None:
        return ce + aux
    has = ~torch.isnan(teacher)
    if not has.any():
        return ce + aux
    t = torch.stack([1 - teacher[has], teacher[has]], dim=1).clamp_min(1e-6)  # [n, 2]
    kl = F.kl_div(F.log_softmax(logits[has], dim=1), t, reduction="batchmean")
    return 0.5 * (ce + kl) + aux


def train(model, windower, examples, cfg: TrainConfig, teacher_probs=None):
    """Trains in place on examples (train split only). teacher_probs: list of float or NaN, or None."""
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    items = [training_window(windower, ex, rng) for ex in tqdm(examples, desc="windows")]
    labels = torch.tensor([ex["label"] for ex in examples])
    aux = torch.tensor([ex["targets"] for ex in examples], dtype=torch.float) if "targets" in examples[0] else None
    teach = None if teacher_probs is None else torch.tensor(teacher_probs, dtype=torch.float)
    plan = []
    for e in range(math.ceil(cfg.epochs)):
        b = batches(items, cfg.batch_size, rng)
        plan += b[: int(len(b) * min(1.0, cfg.epochs - e))]
    opt = torch.optim.AdamW(param_groups(model, cfg))
    base = [g["lr"] for g in opt.param_groups]
    warm = max(1, int(cfg.warmup * len(plan)))
    emb = model.get_input_embeddings()
    mean_norm = emb.weight.detach().norm(dim=1).mean().item()
    pad = windower.tok.pad_token_id
    model.train()
    bar = tqdm(plan, desc="train")
    ema = None
    for step, b in enumerate(bar):
        scale = (step + 1) / warm if step < warm else max(0.0, (len(plan) - step) / (len(plan) - warm))
        for g, lr in zip(opt.param_groups, base):
            g["lr"] = lr * scale
        ids, tt, am = collate([items[i] for i in b], pad)
        y = labels[b]
        t = None if teach is None else teach[b]
        a = None if aux is None else aux[b]
        embeds = emb(ids)  # [batch, seq, hidden]
        if cfg.rna_std > 0:
            embeds = embeds + torch.randn_like(embeds) * cfg.rna_std * mean_norm / math.sqrt(embeds.shape[-1])
        out = model(inputs_embeds=embeds, token_type_ids=tt, attention_mask=am)
        loss = _loss(out.logits, y, t, a, cfg.aux_weight)
        if cfg.adv_eps > 0:
            delta = torch.zeros_like(embeds, requires_grad=True)
            adv_logits = model(inputs_embeds=embeds.detach() + delta, token_type_ids=tt, attention_mask=am).logits
            g, = torch.autograd.grad(_loss(adv_logits, y, t, a, cfg.aux_weight), delta)
            g = g * am.unsqueeze(-1)
            norm = g.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, 1, 1)
            delta = (cfg.adv_eps * mean_norm * g / norm).detach()  # one step to the L2 ball's surface
            adv = model(inputs_embeds=embeds + delta, token_type_ids=tt, attention_mask=am).logits
            loss = 0.5 * (loss + _loss(adv, y, t, a, cfg.aux_weight))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        bar.set_postfix(loss=f"{ema:.4f}")
    model.eval()
    return model
