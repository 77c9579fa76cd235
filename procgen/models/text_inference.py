"""Sampling from a trained :class:`~procgen.models.text.TextModel` in numpy, one symbol at a time.

Why a numpy twin of the network: sampling runs a few sequences at a time, one symbol per step, on
tiny matrices, where the cost of a step is the number of array operations, not the arithmetic
(PyTorch spends ~10 us dispatching each, numpy 1-3 us). So the weights are rearranged at load to
need as few operations as possible, and text never imports torch. The arithmetic is the model's
own (pre-norm blocks, tanh GELU, tied output layer) with cached keys and values; a test checks
that both give the same logits.

Each sequence draws from its own ``numpy.random.Generator``, so its draws do not depend on the
sequences decoded beside it. A sequence that has ended leaves the batch, so a short title decoded
beside a long offer stops costing anything once it ends; so does a draft the caller will not
need, once an earlier draft of the same text is accepted. With a lexicon
(:mod:`procgen.models.lexicon`) only real words are spelled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from procgen.errors import AssetFormatError
from procgen.models.lexicon import Lexicon

Array = npt.NDArray[np.float32]
EPS = 1e-5  # PyTorch's layer norm default, as the model was trained


@dataclass
class Cache:
    """Keys and values of every position so far, for every layer, in one array
    [layer, key or value, B, heads, block, head_dim] allocated once for the whole block: a step
    writes one column instead of copying all, and dropping rows is one copy."""

    memory: Array
    length: int = 0

    def keep(self, rows: npt.NDArray[np.bool_]) -> Cache:
        """Only the batch rows marked in ``rows`` (the filled positions are all that is copied)."""
        shape = list(self.memory.shape)
        shape[2] = int(rows.sum())
        kept = np.empty(shape, dtype=self.memory.dtype)
        kept[..., : self.length, :] = self.memory[:, :, rows, :, : self.length]
        return Cache(kept, self.length)


class TextSampler:
    """The weights of a text model, arranged for fast incremental decoding.

    Arranged once at load, so that a step does as few numpy calls as it can (each costs a few
    microseconds, more than the arithmetic on these small matrices):

    - weights are transposed for ``x @ W``;
    - each layer norm's scale and shift are folded into the linear layer after it
      (``(n * g + b) @ W + c == n @ (g W) + (b @ W + c)``), and so is the attention scale
      ``1 / sqrt(head_dim)``;
    - the residual stream is kept centred: the input embeddings are centred, and so is every
      output of the layers that write to it. A layer norm subtracts the mean anyway, so it
      then needs only ``x / sqrt(sum(x^2) + C * eps)``, the ``sqrt(C)`` of the mean going
      into the next layer's weights;
    - the ``0.5`` of GELU goes into the weights after it (:func:`_twice_gelu`).
    """

    def __init__(self, tensors: Mapping[str, npt.NDArray[np.float32]], n_layer: int, n_head: int):
        try:
            embed = tensors["embed.weight"]
            channels = embed.shape[1]
            self.norm_eps = np.float32(EPS * channels)
            self.embed = _centre(embed)
            self.position = _centre(tensors["position.weight"])
            self.layers = [self._arrange(tensors, f"blocks.{i}.", n_head) for i in range(n_layer)]
            self.unembed, self.unembed_bias = _fold(
                tensors["norm.weight"], tensors["norm.bias"], embed.T, None
            )  # the tied output layer, after the final norm
        except KeyError as error:
            raise AssetFormatError(f"text model weights lack {error.args[0]}") from None
        self.n_head = n_head

    @staticmethod
    def _arrange(tensors: Mapping[str, Array], prefix: str, n_head: int) -> dict[str, Array]:
        def get(name: str) -> Array:
            return tensors[prefix + name]

        qkv, qkv_bias = _fold(
            get("norm1.weight"),
            get("norm1.bias"),
            get("attention.qkv.weight").T,
            get("attention.qkv.bias"),
        )
        channels = qkv.shape[0]
        scale = np.float32(1 / np.sqrt(channels // n_head))
        qkv[:, :channels] *= scale
        qkv_bias[:channels] *= scale
        up, up_bias = _fold(
            get("norm2.weight"), get("norm2.bias"), get("mlp.up.weight").T, get("mlp.up.bias")
        )
        return {
            "qkv": qkv,
            "qkv_bias": qkv_bias,
            "proj": _centre(get("attention.proj.weight").T),
            "proj_bias": _centre(get("attention.proj.bias")),
            "up": up,
            "up_bias": up_bias,
            "down": _centre(get("mlp.down.weight").T * np.float32(0.5)),
            "down_bias": _centre(get("mlp.down.bias")),
        }

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
            head = self.embed.shape[1] // self.n_head
            shape = (len(self.layers), 2, batch, self.n_head, self.block_size, head)
            cache = Cache(np.empty(shape, dtype=np.float32))
        start = cache.length
        # Rows are (sequence, position) pairs flattened, so every linear layer is one 2-D matmul.
        x = (self.embed[symbols] + self.position[start : start + length]).reshape(
            batch * length, -1
        )
        for i, layer in enumerate(self.layers):
            x += self._attend(self._standardise(x), layer, cache, i, batch)
            h = self._standardise(x) @ layer["up"]
            h += layer["up_bias"]
            h = _twice_gelu(h) @ layer["down"]
            h += layer["down_bias"]
            x += h
        cache.length = start + length
        last = x.reshape(batch, length, -1)[:, -1]
        logits: Array = self._standardise(last) @ self.unembed
        logits += self.unembed_bias
        return logits, cache

    def _standardise(self, x: Array) -> Array:
        """A layer norm of the centred stream, short of its affine step and of ``sqrt(C)``
        (both folded into the next layer's weights)."""
        norm = np.vecdot(x, x)[:, None]
        norm += self.norm_eps
        np.sqrt(norm, out=norm)
        result: Array = x / norm
        return result

    def _attend(self, x: Array, layer: dict[str, Array], cache: Cache, i: int, batch: int) -> Array:
        """Causal attention of the new positions over the cached ones and themselves."""
        channels = x.shape[1]
        length = x.shape[0] // batch
        start, end = cache.length, cache.length + length
        qkv: Array = x @ layer["qkv"]
        qkv += layer["qkv_bias"]
        qkv = qkv.reshape(batch, length, 3, self.n_head, -1)
        q = qkv[:, :, 0].transpose(0, 2, 1, 3)
        cache.memory[i, :, :, :, start:end] = qkv[:, :, 1:].transpose(2, 0, 3, 1, 4)
        k, v = cache.memory[i, :, :, :, :end]
        scores = q @ k.transpose(0, 1, 3, 2)
        if length > 1:  # the prefix: each position sees itself and those before it
            future = np.triu(np.ones((length, end), dtype=bool), end - length + 1)
            scores = np.where(future, np.float32(-np.inf), scores)
        scores -= np.maximum.reduce(scores, axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        # The softmax's division comes after the product, on the smaller array.
        y = np.matmul(scores, v, dtype=np.float32)
        y /= np.add.reduce(scores, axis=-1, keepdims=True)
        y = y.transpose(0, 2, 1, 3).reshape(batch * length, channels)
        out: Array = y @ layer["proj"]
        out += layer["proj_bias"]
        return out


def _fold(scale: Array, shift: Array, weight: Array, bias: Array | None) -> tuple[Array, Array]:
    """A layer norm folded into the linear layer ``weight`` [in, out] after it: its affine step,
    and the ``sqrt(C)`` that :meth:`TextSampler._standardise` leaves out."""
    root_channels = np.float32(np.sqrt(scale.shape[0]))
    folded = np.ascontiguousarray((scale * root_channels)[:, None] * weight, dtype=np.float32)
    offset = shift @ weight + (0 if bias is None else bias)
    return folded, np.asarray(offset, dtype=np.float32)


def _centre(weight: Array) -> Array:
    """``weight`` less its mean over the last axis: what it adds to the stream is then centred."""
    centred = weight - weight.mean(axis=-1, keepdims=True)
    return np.ascontiguousarray(centred, dtype=np.float32)


def _twice_gelu(x: Array) -> Array:
    """``2 * GELU(x)`` in GPT-2's tanh form, as the model computes it (the 0.5 is in the next
    layer's weights), overwriting a fresh array in place: 7 array operations where the exact
    erf form took 17, and GELU ran every layer."""
    out = x * x
    out *= _CUBIC
    out += _LINEAR
    out *= x
    np.tanh(out, out=out)
    out += 1
    out *= x
    return out


_LINEAR = np.float32(np.sqrt(2 / np.pi))
_CUBIC = np.float32(np.sqrt(2 / np.pi) * 0.044715)


def sample(
    model: TextSampler,
    prefixes: Sequence[Sequence[int]],
    *,
    end: int,
    max_length: int,
    rngs: Sequence[np.random.Generator],
    temperature: float = 1.0,
    banned: Sequence[int] = (),
    lexicon: Lexicon | None = None,
    groups: Sequence[int] | None = None,
    accept: Callable[[int, list[int]], bool] | None = None,
) -> list[list[int]]:
    """Continue each prefix (all of one length) until ``end`` or ``max_length`` new symbols.

    Returns the new symbols of each sequence, without ``end``. ``banned`` symbols (the begin
    marker, condition symbols) are never sampled; with a ``lexicon``, neither is a symbol that
    would spell a word outside it.

    Callers that want the *first* acceptable sequence of each group (drafts of one text, in
    seed order) pass ``groups`` (a group id per sequence) and ``accept``: once a sequence ends
    and is accepted, the later sequences of its group stop where they are, since the caller
    will never choose them. Which sequence is first accepted does not change.
    """
    if len({len(p) for p in prefixes}) != 1:
        raise ValueError("prefixes decoded together must have one length")
    room = model.block_size - len(prefixes[0])
    logits, cache = model.step(np.array(prefixes, dtype=np.int64), None)
    outputs: list[list[int]] = [[] for _ in prefixes]
    rows = np.arange(len(prefixes))  # the sequence each row of the batch continues
    ban = np.zeros(model.unembed.shape[1])  # float64, so that adding it casts the logits
    ban[np.array(banned, dtype=np.int64)] = -np.inf
    open_words = [""] * len(prefixes)  # the word each sequence is in the middle of
    accepted: dict[int, int] = {}  # group -> the earliest sequence accepted in it
    for _ in range(min(max_length, room)):
        scaled = logits + ban
        if temperature != 1.0:
            scaled /= temperature
        scaled -= np.maximum.reduce(scaled, axis=1, keepdims=True)
        probabilities = np.exp(scaled, out=scaled)
        cumulative = probabilities.cumsum(axis=1)
        draws = np.array([rngs[int(row)].random() for row in rows]) * cumulative[:, -1]
        chosen = (cumulative < draws[:, None]).sum(axis=1)
        if lexicon is not None:
            _respell(
                chosen, probabilities, [(rngs[r], open_words[r]) for r in rows.tolist()], lexicon
            )
        going = chosen != end
        for row, symbol in zip(rows[going], chosen[going], strict=True):
            outputs[row].append(int(symbol))
            if lexicon is not None:
                open_words[row] = lexicon.advance(open_words[row], int(symbol))
        if groups is not None and accept is not None:
            for row in map(int, rows[~going]):
                group = groups[row]
                if row < accepted.get(group, len(prefixes)) and accept(row, outputs[row]):
                    accepted[group] = row
            going &= [r < accepted.get(groups[r], len(prefixes)) for r in map(int, rows)]
        if not going.any():
            break
        if not going.all():  # finished sequences leave the batch: no work on dead rows
            rows, chosen = rows[going], chosen[going]
            cache = cache.keep(going)
        logits, cache = model.step(chosen[:, None], cache)
    return outputs


def _respell(
    chosen: npt.NDArray[np.int64],
    probabilities: npt.NDArray[np.float64],
    rows: Sequence[tuple[np.random.Generator, str]],
    lexicon: Lexicon,
) -> None:
    """Draw again, in place, every symbol that would spell a word outside ``lexicon``.

    Most draws are real words, and checking the one drawn is a cached lookup. A refused draw is
    replaced by a draw among the allowed symbols only, which samples exactly from the
    distribution with every refused symbol masked out.
    """
    for i, (rng, open_word) in enumerate(rows):
        if lexicon.allows(open_word, int(chosen[i])):
            continue
        allowed = lexicon.allowed_after(open_word)
        cumulative = probabilities[i, allowed].cumsum()
        if cumulative[-1] > 0:  # else every real word underflowed: keep the model's own choice
            chosen[i] = allowed[int((cumulative < rng.random() * cumulative[-1]).sum())]
