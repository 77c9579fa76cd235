"""Sampling from a trained :class:`~procgen.models.text.TextModel` in numpy, one symbol at a time.

Why a numpy twin of the network: sampling runs at batch 1, one symbol per step, on tiny matrices,
where PyTorch spends ~10 us dispatching each of the ~50 operations of a step; numpy spends ~2 us.
A 50-symbol backstory is then ~4 ms instead of ~25, which is what keeps a whole character inside
its 20 ms budget. It also means text never imports torch. The arithmetic is the model's own
(pre-norm blocks, exact GELU, tied output layer) with cached keys and values; a test checks that
both give the same logits.

Each sequence draws from its own ``numpy.random.Generator``, so its draws do not depend on the
sequences decoded beside it; a sequence that has ended leaves the batch, so a short title decoded
beside a long offer stops costing anything once it ends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from procgen.errors import AssetFormatError

Array = npt.NDArray[np.float32]


@dataclass
class Cache:
    """Keys and values of every position so far, per layer: [B, heads, block, head_dim] each,
    allocated once for the whole block, so a step writes one column instead of copying all."""

    keys: list[Array]
    values: list[Array]
    length: int = 0

    def keep(self, rows: npt.NDArray[np.bool_]) -> Cache:
        """Only the batch rows marked in ``rows`` (the filled positions are all that is copied)."""
        filled = self.length

        def take(tensors: list[Array]) -> list[Array]:
            out = []
            for tensor in tensors:
                kept = np.empty((int(rows.sum()), *tensor.shape[1:]), dtype=tensor.dtype)
                kept[:, :, :filled] = tensor[rows, :, :filled]
                out.append(kept)
            return out

        return Cache(take(self.keys), take(self.values), filled)


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
            self.unembed = np.ascontiguousarray(self.embed.T)  # the tied output layer
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
        batch, length = symbols.shape
        if cache is None:
            shape = (batch, self.n_head, self.block_size, self.embed.shape[1] // self.n_head)
            empty = [np.empty(shape, dtype=np.float32) for _ in self.layers]
            cache = Cache(empty, [np.empty_like(e) for e in empty])
        start = cache.length
        # Rows are (sequence, position) pairs flattened, so every linear layer is one 2-D matmul.
        x = (self.embed[symbols] + self.position[start : start + length]).reshape(
            batch * length, -1
        )
        for i, layer in enumerate(self.layers):
            h = _norm(x, layer["norm1.weight"], layer["norm1.bias"])
            x = x + self._attend(h, layer, cache, i, batch)
            h = _norm(x, layer["norm2.weight"], layer["norm2.bias"])
            h = _gelu(h @ layer["mlp.up.weight"] + layer["mlp.up.bias"])
            x = x + h @ layer["mlp.down.weight"] + layer["mlp.down.bias"]
        cache.length = start + length
        last = x.reshape(batch, length, -1)[:, -1]
        logits: Array = _norm(last, *self.norm) @ self.unembed
        return logits, cache

    def _attend(self, x: Array, layer: dict[str, Array], cache: Cache, i: int, batch: int) -> Array:
        """Causal attention of the new positions over the cached ones and themselves."""
        channels = x.shape[1]
        length = x.shape[0] // batch
        start, end = cache.length, cache.length + length
        qkv = (x @ layer["attention.qkv.weight"] + layer["attention.qkv.bias"]).reshape(
            batch, length, 3, self.n_head, -1
        )
        q = qkv[:, :, 0].transpose(0, 2, 1, 3)
        cache.keys[i][:, :, start:end] = qkv[:, :, 1].transpose(0, 2, 1, 3)
        cache.values[i][:, :, start:end] = qkv[:, :, 2].transpose(0, 2, 1, 3)
        k, v = cache.keys[i][:, :, :end], cache.values[i][:, :, :end]
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(q.shape[-1]))
        if length > 1:  # the prefix: each position sees itself and those before it
            future = np.triu(np.ones((length, end), dtype=bool), end - length + 1)
            scores = np.where(future, -np.inf, scores)
        weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
        y = (weights / weights.sum(axis=-1, keepdims=True)) @ v
        y = y.transpose(0, 2, 1, 3).reshape(batch * length, channels)
        out: Array = y @ layer["attention.proj.weight"] + layer["attention.proj.bias"]
        return out


def _norm(x: Array, weight: Array, bias: Array, eps: float = 1e-5) -> Array:
    centred = x - np.add.reduce(x, axis=-1, keepdims=True) / x.shape[-1]
    variance = np.add.reduce(centred * centred, axis=-1, keepdims=True) / x.shape[-1]
    result: Array = centred / np.sqrt(variance + eps) * weight + bias
    return result


def _gelu(x: Array) -> Array:
    """Exact GELU, x * Phi(x), with erf by Abramowitz & Stegun 7.1.26 (error under 1e-6 here):
    scipy's erf costs 2.5x as much on these small float32 arrays, and GELU ran every layer."""
    z = np.abs(x) * np.float32(np.sqrt(0.5))
    t = np.float32(1) / (np.float32(1) + np.float32(0.3275911) * z)
    poly = t * (_A[0] + t * (_A[1] + t * (_A[2] + t * (_A[3] + t * _A[4]))))
    erf = np.copysign(np.float32(1) - poly * np.exp(-z * z), x)
    result: Array = np.float32(0.5) * x * (np.float32(1) + erf)
    return result


_A = np.array([0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429], np.float32)


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
    rows = np.arange(len(prefixes))  # the sequence each row of the batch continues
    ban = np.array(banned, dtype=np.int64)
    for _ in range(min(max_length, room)):
        scaled = logits.astype(np.float64) / temperature
        scaled[:, ban] = -np.inf
        probabilities = np.exp(scaled - scaled.max(axis=1, keepdims=True))
        cumulative = probabilities.cumsum(axis=1)
        draws = np.array([rngs[int(row)].random() for row in rows]) * cumulative[:, -1]
        chosen = (cumulative < draws[:, None]).sum(axis=1)
        going = chosen != end
        for row, symbol in zip(rows[going], chosen[going], strict=True):
            outputs[row].append(int(symbol))
        if not going.any():
            break
        if not going.all():  # finished sequences leave the batch: no work on dead rows
            rows, chosen = rows[going], chosen[going]
            cache = cache.keep(going)
        logits, cache = model.step(chosen[:, None], cache)
    return outputs
