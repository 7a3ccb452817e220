"""The fine-tuned part of the emotion encoder as torch modules (imported lazily: torch at the top).

MiniLM-L6 is a 6-layer BERT encoder. The emotion model keeps its bottom ``K`` layers
frozen (they run inside the plain MiniLM pass that also gives the retrieval embedding)
and fine-tunes a copy of the top ``6 - K`` layers plus mean pooling and two linear heads
(28 GoEmotions labels, 7 Ekman groups). :class:`TopLayer` re-implements one post-LayerNorm
BERT layer in plain torch so the same code runs at training and at run time whatever the
transformers version; a test checks it against the pinned MiniLM's own layer.

Parameter names follow BERT's state-dict keys (:data:`BERT_NAMES`), so a layer is
initialised from, and shipped as, arrays named like the pinned model's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

BERT_NAMES: dict[str, str] = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "attn_out": "attention.output.dense",
    "attn_ln": "attention.output.LayerNorm",
    "inter": "intermediate.dense",
    "out": "output.dense",
    "out_ln": "output.LayerNorm",
}
"""Our submodule name -> BERT's name for the same weights inside ``encoder.layer.<i>``."""


class TopLayer(nn.Module):
    """One BERT encoder layer (self-attention, GELU feed-forward, post-LayerNorm)."""

    def __init__(self, dim: int, heads: int, ff: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.attn_out = nn.Linear(dim, dim)
        self.attn_ln = nn.LayerNorm(dim, eps=eps)
        self.inter = nn.Linear(dim, ff)
        self.out = nn.Linear(ff, dim)
        self.out_ln = nn.LayerNorm(dim, eps=eps)
        self.drop = nn.Dropout(dropout)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        n, t, d = x.shape
        return x.view(n, t, self.heads, d // self.heads).transpose(1, 2)

    def forward(self, h: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        """``h`` (n, t, d); ``mask_bias`` (n, 1, 1, t): 0 for tokens, a large negative for padding."""
        q, k, v = self._split(self.q(h)), self._split(self.k(h)), self._split(self.v(h))
        scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1]) + mask_bias
        ctx = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(h.shape)
        a = self.attn_ln(self.drop(self.attn_out(ctx)) + h)
        f = self.out(nn.functional.gelu(self.inter(a)))
        return self.out_ln(self.drop(f) + a)


class EmotionTop(nn.Module):
    """Top layers + masked mean pooling + linear heads for labels and Ekman groups."""

    def __init__(self, n_layers: int, dim: int, heads: int, ff: int, eps: float, dropout: float = 0.0) -> None:
        super().__init__()
        self.layers = nn.ModuleList(TopLayer(dim, heads, ff, eps, dropout) for _ in range(n_layers))
        self.drop = nn.Dropout(dropout)
        self.labels = nn.Linear(dim, 28)
        self.ekman = nn.Linear(dim, 7)

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Hidden state K (n, t, d) and attention mask (n, t) -> (label logits, Ekman logits)."""
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        h = hidden
        for layer in self.layers:
            h = layer(h, bias)
        pooled = (h * mask[:, :, None]).sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1.0)
        pooled = self.drop(pooled)
        return self.labels(pooled), self.ekman(pooled)


def delta_names(model: EmotionTop) -> dict[str, str]:
    """Our parameter name -> the array name in the shipped delta (``layer<i>.<BERT key>`` or ``labels.weight``)."""
    out: dict[str, str] = {}
    for name, _ in model.named_parameters():
        parts = name.split(".")
        if parts[0] == "layers":
            out[name] = f"layer{parts[1]}.{BERT_NAMES[parts[2]]}.{parts[3]}"
        else:
            out[name] = name
    return out


def load_arrays(model: EmotionTop, arrays: Mapping[str, np.ndarray]) -> None:
    """Copy delta arrays (any float dtype) into ``model``'s parameters; KeyError names a missing one."""
    names = delta_names(model)
    state = {ours: torch.from_numpy(np.asarray(arrays[theirs], dtype=np.float32)) for ours, theirs in names.items()}
    model.load_state_dict(state, strict=True)


def export_arrays(model: EmotionTop) -> dict[str, np.ndarray]:
    """The model's parameters as float16 arrays under their delta names."""
    names = delta_names(model)
    return {names[n]: p.detach().numpy().astype(np.float16) for n, p in model.named_parameters()}


def init_from_bert(model: EmotionTop, bert_state: Mapping[str, torch.Tensor], first_layer: int, seed: int) -> None:
    """Copy layers ``first_layer..`` of a BERT state dict into ``model``; heads get a seeded small init."""
    for i, layer in enumerate(model.layers):
        for ours, theirs in BERT_NAMES.items():
            sub = getattr(layer, ours)
            for pname in ("weight", "bias"):
                getattr(sub, pname).data.copy_(bert_state[f"encoder.layer.{first_layer + i}.{theirs}.{pname}"])
    gen = torch.Generator().manual_seed(seed)
    for head in (model.labels, model.ekman):
        head.weight.data.copy_(torch.randn(head.weight.shape, generator=gen) * 0.02)
        head.bias.data.zero_()
