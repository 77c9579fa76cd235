"""Sampling from a trained :class:`~procgen.models.text.TextModel` in numpy, one symbol at a time.

Why a numpy twin of the network: sampling runs at batch 1, one symbol per step, on tiny matrices,
where PyTorch spends ~10 us dispatching each of the ~50 operations of a step; numpy spends ~2 us.
A 50-symbol backstory is then ~4 ms instead of ~25, which is what keeps a whole character inside
its 20 ms budget. It also means text never imports torch. The arithmetic is the model's own
(pre-norm blocks, exact GELU, tied output layer) with cached keys and values; a test checks that
both give the same logits.

Each sequence draws from its own ``numpy.random.Generator``, so a sample depends on its seed
only, not on the sequences decoded beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.special import erf

from procgen.errors import AssetFormatError

Array = npt.NDArray[np.float32]
#: Per layer, keys and values of every position so far: [B, heads, T, head_dim] each.
Cache = list[tuple[Array, Array]]


class TextSampler:
    """The weights of a text model, arranged for fast incremental decoding."""

    def __init__(self, tensors: Mapping[str, npt.NDArray[np.float32]], n_layer: int, n_head: int):
        try:
            self.embed = tensors["embed.weight"]
            self.position = tensors["position.weight"]
            self.norm = (tensors["norm.weight"], tensors["norm.bias"])
            self.layers = [
                {
                    name.removeprefix(f"blocks.{i}."): tensor
                    for name, tensor in tensors.items()
                    if name.startswith(f"blocks.{i}.")
                }
                for i in range(n_layer)
            ]
            for layer in self.layers:  # transposed once, so a step is plain x @ W
                for name in ("attention.qkv", "attention.proj", "mlp.up", "mlp.down"):
                    layer[f"{name}.weight"] = np.ascontiguousarray(layer[f"{name}.weight"].T)
        except KeyError as error:
            raise AssetFormatError(f"text model weights lack {error.args[0]}") from None
        self.n_head = n_head

    @classmethod
    def load(cls, path: Path, n_layer: int, n_head: int) -> TextSampler:
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        try:
            tensors = load_file(str(path))
        except (SafetensorError, OSError, ValueError) as error:
            raise AssetFormatError(f"{path}: unreadable weights ({error})") from None
        return cls(tensors, n_layer, n_head)

    @property
    def block_size(self) -> int:
        return int(self.position.shape[0])

    def step(self, symbols: npt.NDArray[np.int64], cache: Cache | None) -> tuple[Array, Cache]:
        """Feed symbols [B, T] after the cached ones; logits [B, vocab] after the last one."""
        start = 0 if cache is None else cache[0][0].shape[2]
        x = self.embed[symbols] + self.position[start : start + symbols.shape[1]]
        new_cache: Cache = []
        for i, layer in enumerate(self.layers):
            attended, kv = self._attend(
                _norm(x, layer["norm1.weight"], layer["norm1.bias"]),
                layer,
                None if cache is None else cache[i],
            )
            x = x + attended
            h = _norm(x, layer["norm2.weight"], layer["norm2.bias"])
            h = _gelu(h @ layer["mlp.up.weight"] + layer["mlp.up.bias"])
            x = x + h @ layer["mlp.down.weight"] + layer["mlp.down.bias"]
            new_cache.append(kv)
        logits: Array = _norm(x[:, -1], *self.norm) @ self.embed.T
        return logits, new_cache

    def _attend(
        self, x: Array, layer: dict[str, Array], cache: tuple[Array, Array] | None
    ) -> tuple[Array, tuple[Array, Array]]:
        batch, length, channels = x.shape
        qkv = x @ layer["attention.qkv.weight"] + layer["attention.qkv.bias"]
        q, k, v = (
            qkv[:, :, i * channels : (i + 1) * channels]
            .reshape(batch, length, self.n_head, -1)
            .transpose(0, 2, 1, 3)
            for i in range(3)
        )
        if cache is not None:
            k, v = np.concatenate([cache[0], k], axis=2), np.concatenate([cache[1], v], axis=2)
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
        if length > 1:  # the prefix: each position sees itself and those before it
            future = np.triu(np.ones((length, k.shape[2]), dtype=bool), k.shape[2] - length + 1)
            scores = np.where(future, -np.inf, scores)
        weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
        y = (weights / weights.sum(axis=-1, keepdims=True)) @ v
        y = y.transpose(0, 2, 1, 3).reshape(batch, length, channels)
        return y @ layer["attention.proj.weight"] + layer["attention.proj.bias"], (k, v)


def _norm(x: Array, weight: Array, bias: Array, eps: float = 1e-5) -> Array:
    centred = x - np.add.reduce(x, axis=-1, keepdims=True) / x.shape[-1]
    variance = np.add.reduce(centred * centred, axis=-1, keepdims=True) / x.shape[-1]
    result: Array = centred / np.sqrt(variance + eps) * weight + bias
    return result


def _gelu(x: Array) -> Array:
    result: Array = 0.5 * x * (1 + erf(x / np.sqrt(2)))
    return result.astype(np.float32)


def sample(
    model: TextSampler,
    prefixes: Sequence[Sequence[int]],
    *,
    end: int,
    max_length: int,
    rngs: Sequence[np.random.Generator],
    temperature: float = 1.0,
    banned: Sequence[int] = (),
) -> list[list[int]]:
    """Continue each prefix (all of one length) until ``end`` or ``max_length`` new symbols.

    Returns the new symbols of each sequence, without ``end``. ``banned`` symbols (the begin
    marker, condition symbols) are never sampled.
    """
    if len({len(p) for p in prefixes}) != 1:
        raise ValueError("prefixes decoded together must have one length")
    room = model.block_size - len(prefixes[0])
    logits, cache = model.step(np.array(prefixes, dtype=np.int64), None)
    outputs: list[list[int]] = [[] for _ in prefixes]
    alive = np.ones(len(prefixes), dtype=bool)
    ban = np.array(banned, dtype=np.int64)
    for _ in range(min(max_length, room)):
        scaled = logits.astype(np.float64) / temperature
        scaled[:, ban] = -np.inf
        probabilities = np.exp(scaled - scaled.max(axis=1, keepdims=True))
        cumulative = probabilities.cumsum(axis=1)
        draws = np.array([rng.random() for rng in rngs]) * cumulative[:, -1]
        chosen = (cumulative < draws[:, None]).sum(axis=1)
        for row in np.flatnonzero(alive):
            if chosen[row] == end:
                alive[row] = False
            else:
                outputs[row].append(int(chosen[row]))
        if not alive.any():
            break
        logits, cache = model.step(chosen[:, None], cache)
    return outputs
