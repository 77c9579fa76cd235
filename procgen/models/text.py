"""A small decoder-only transformer over symbol sequences: names now, backstories and quests next.

Design choices (each for a stated budget or capability):

- **GPT in the nanoGPT mould** (Radford et al. 2019; Karpathy's nanoGPT ``model.py``): pre-norm
  blocks of causal self-attention and an MLP, learned position embeddings, the output layer tied
  to the symbol embedding (fewer parameters for a small corpus to pin down).
- **GELU in GPT-2's tanh form**, not the exact erf one: sampling computes it in numpy in 7
  array operations instead of 17, which made a decoding step a quarter faster, and training
  takes as long either way.
- **Conditions are symbols.** A naming style or a quest motivation is a vocabulary entry placed
  before the text, so one network serves every condition and the count baselines read the very
  same prefix (see :mod:`procgen.models.ngram`).
- **The vocabulary is the caller's business**: characters for names, subword pieces for long
  prose. The model maps symbol ids to next-symbol logits and knows nothing else.
- **Training only.** Sampling runs in a numpy twin of this network
  (:mod:`procgen.models.text_inference`), because at batch 1 PyTorch's per-operation overhead
  would cost five times the arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F  # noqa: N812 - the universal PyTorch alias
from torch import nn


@dataclass(frozen=True)
class TextConfig:
    vocab_size: int
    block_size: int = 64  # longest sequence, prefix included
    n_layer: int = 3
    n_head: int = 4
    n_embd: int = 96
    dropout: float = 0.2  # small corpora overfit fast; dropout is the cheapest remedy

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class SelfAttention(nn.Module):
    """Causal multi-head self-attention."""

    def __init__(self, config: TextConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.qkv = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.proj = nn.Linear(config.n_embd, config.n_embd)
        self.dropout = config.dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, channels = x.shape
        q, k, v = (
            t.view(batch, length, self.n_head, -1).transpose(1, 2)
            for t in self.qkv(x).split(channels, dim=2)
        )
        dropout = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=dropout)
        y = y.transpose(1, 2).reshape(batch, length, channels)
        out: torch.Tensor = F.dropout(self.proj(y), self.dropout, self.training)
        return out


class MLP(nn.Module):
    def __init__(self, config: TextConfig) -> None:
        super().__init__()
        self.up = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.down = nn.Linear(4 * config.n_embd, config.n_embd)
        self.dropout = config.dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hidden = F.gelu(self.up(x), approximate="tanh")
        return F.dropout(self.down(hidden), self.dropout, self.training)


class Block(nn.Module):
    def __init__(self, config: TextConfig) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(config.n_embd)
        self.attention = SelfAttention(config)
        self.norm2 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x))
        out: torch.Tensor = x + self.mlp(self.norm2(x))
        return out


class TextModel(nn.Module):
    """Next-symbol logits for every position of a batch of symbol sequences."""

    def __init__(self, config: TextConfig) -> None:
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.n_embd)
        self.position = nn.Embedding(config.block_size, config.n_embd)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.norm = nn.LayerNorm(config.n_embd)
        self.apply(self._init_weights)
        # GPT-2's scaled init of the residual projections keeps deep residual sums in range.
        for name, parameter in self.named_parameters():
            if name.endswith(("proj.weight", "down.weight")):
                nn.init.normal_(parameter, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear | nn.Embedding):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, symbols: torch.Tensor) -> torch.Tensor:
        """symbols [B, T] long -> logits [B, T, vocab] for the symbol after each position."""
        x = self.embed(symbols) + self.position(torch.arange(symbols.shape[1]))
        x = F.dropout(x, self.config.dropout, self.training)
        for block in self.blocks:
            x = block(x)
        logits: torch.Tensor = F.linear(self.norm(x), self.embed.weight)  # tied to the embedding
        return logits
