"""Decoding under a connectivity constraint: the cells of some symbols (walkable tiles) must form
one 4-connected region when a grid is done.

Why in the decoder: the tile network does not learn connectivity well enough. 86-88% of its raw
dungeons at the corpus's sizes come out in pieces (bench/tiles_connectivity.py), half of the
stray pieces whole rooms, against none of the training dungeons; 2x-8x the decoding steps, other
schedules, temperatures or commit orders, and 3x the training steps all leave 76-86%. Even when
only the corridor cells of a training dungeon are hidden, the shipped weights give them a mean
probability of 0.44 of being floor. Nor did hiding contiguous blocks in training (half of each
batch masked in random rectangles or the boxes of whole rooms and corridors, 1500 steps, two
seeds): 85-89% of raw dungeons still came out in pieces and 84-87% needed joins, as without
them (86-89%, 84-88%), while caves came out more open (floor tiles 48% -> 57% and 58% -> 68%,
against the corpus's 49%) at twice the cave KL2. Nor, on dungeons alone at 1500 steps (82% in
pieces with plain training, one seed), did hiding cells in the sampler's own order (least confident
true symbol first, as a decoding step would leave them: 85-88%), or embedding each known walkable
cell with whether it lies in the largest walkable region so far (83%), or both (86%). When the
decoder masks a cut's cells again, the network gives them a mean probability of 0.20-0.23 of being
walkable. Until the network learns corridors, the constraint is kept by the sampler, the way
``allowed`` keeps a style's tileset:

- **Sealed pockets.** A masked cell whose open region (connected and masked cells, 4-connected)
  holds no connected cell while another region does can only become a separate piece: its
  connected symbols are ruled out.
- **Deferred cuts.** When a step's new solid cells split the connected cells across open regions,
  the cheapest set of those new cells that joins the pieces again (fewest new solid cells on a
  path through open cells) is not committed but masked again, and the network chooses again next
  step, with more context.
- **Joins.** A cut made by the last step cannot be deferred: its cells may only take connected
  symbols and are decoded in one more pass. That is a repair of what the network chose, and each
  grid reports how many cells it took (:attr:`ConnectedDecoding.joined`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import torch
from scipy import ndimage
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from procgen.solver import grid_edges

Mask = npt.NDArray[np.bool_]
#: Cost of stepping onto a cell that is already open, against 1 for a newly committed solid
#: cell: the join re-opens as few new solid cells as it can, and takes the shortest such path.
OPEN_COST = 1e-3


class ConnectedDecoding:
    """The constraint for one batch: which symbols must connect, and the joins made per grid."""

    def __init__(self, connected: torch.Tensor, batch: int) -> None:
        self.connected = connected  # [vocab] bool
        self.joined = [0] * batch
        self.must_connect: torch.Tensor | None = None  # [B, H, W] bool, cells of pending joins

    def restrict(
        self, logits: torch.Tensor, tokens: torch.Tensor, unknown: torch.Tensor
    ) -> torch.Tensor:
        """Rule out connected symbols in sealed pockets, and all others on pending joins."""
        walkable = self._walkable(tokens, unknown).numpy()
        masked = unknown.numpy()
        sealed = np.zeros_like(masked)
        for b in range(masked.shape[0]):
            if walkable[b].any():
                sealed[b] = masked[b] & ~_holding(walkable[b], masked[b])
        ruled_out = torch.from_numpy(sealed)[..., None] & self.connected
        if self.must_connect is not None:
            ruled_out |= self.must_connect[..., None] & ~self.connected
        return logits.masked_fill(ruled_out, float("-inf"))

    def settle(
        self, tokens: torch.Tensor, unknown: torch.Tensor, committed: torch.Tensor, last: bool
    ) -> torch.Tensor:
        """Cells of ``committed`` to mask again so the connected cells stay in one open region.

        ``tokens`` holds this step's symbols, ``unknown`` the cells still masked after it. After
        the ``last`` step the returned cells are recorded as joins and may then only take
        connected symbols.
        """
        walkable = self._walkable(tokens, unknown).numpy()
        masked = unknown.numpy()
        new_solid = committed.numpy() & ~walkable
        reopen = np.zeros_like(masked)
        for b in range(masked.shape[0]):
            if new_solid[b].any():
                reopen[b] = _rejoin(walkable[b], masked[b], new_solid[b])
        again = torch.from_numpy(reopen)
        if last:
            self.must_connect = again
            for b, cells in enumerate(reopen.reshape(reopen.shape[0], -1).sum(axis=1)):
                self.joined[b] += int(cells)
        return again

    def _walkable(self, tokens: torch.Tensor, unknown: torch.Tensor) -> torch.Tensor:
        """Committed cells holding a connected symbol (MASK is past the end of the table)."""
        symbols = tokens.clamp_max(self.connected.numel() - 1)
        return self.connected[symbols] & ~unknown


def _holding(walkable: Mask, masked: Mask) -> Mask:
    """Cells of the open regions (walkable or masked) that hold at least one walkable cell."""
    labels, count = ndimage.label(walkable | masked)
    holds = np.bincount(labels[walkable], minlength=count + 1) > 0
    holds[0] = False
    result: Mask = holds[labels]
    return result


def _rejoin(walkable: Mask, masked: Mask, new_solid: Mask) -> Mask:
    """The cells of ``new_solid`` to re-open so every walkable cell shares one open region.

    The pieces (open regions holding walkable cells) are joined by a minimum spanning tree of
    the cheapest paths between them, found as in Mehlhorn's Steiner-tree approximation (1988):
    one search from every piece at once gives each cell its nearest piece, and each step
    between two pieces' cells offers a path joining them. One search per grid and step, where
    joining the pieces one by one to the largest took one each. Only the tree that reaches the
    largest piece is kept: pieces walled off before this step (a caller's locked template can
    do that) have no path to it and are left alone.
    """
    labels, count = ndimage.label(walkable | masked)
    sizes = np.bincount(labels[walkable], minlength=count + 1)
    sizes[0] = 0
    if np.count_nonzero(sizes) < 2:
        return np.zeros_like(walkable)
    in_piece = (sizes > 0)[labels]
    passable = walkable | masked | new_solid
    a, b = grid_edges(passable)
    cost = np.where(new_solid, 1.0, OPEN_COST).ravel()
    sources, targets = np.concatenate([a, b]), np.concatenate([b, a])
    graph = csr_array((cost[targets], (sources, targets)), shape=(cost.size, cost.size))
    distance, previous, nearest = dijkstra(
        graph, indices=np.flatnonzero(in_piece), min_only=True, return_predecessors=True
    )
    owner = np.where(nearest >= 0, labels.ravel()[np.maximum(nearest, 0)], 0)  # 0: unreached
    links = (owner[a] != owner[b]) & (owner[a] > 0) & (owner[b] > 0)
    a, b = a[links], b[links]
    order = np.lexsort((b, a, distance[a] + distance[b]))  # cheapest first, ties by position
    pieces = _Forest(count + 1)
    tree: list[tuple[int, int]] = []
    for u, v in zip(a[order].tolist(), b[order].tolist(), strict=True):
        if pieces.union(int(owner[u]), int(owner[v])):
            tree.append((u, v))
    main = pieces.find(int(np.argmax(sizes)))
    path = np.zeros(cost.size, dtype=bool)
    for u, v in tree:
        if pieces.find(int(owner[u])) != main:
            continue
        for end in (u, v):
            node = end  # back along the search's tree to the piece it came from
            while node >= 0 and not path[node]:
                path[node] = True
                node = int(previous[node])
    result: Mask = path.reshape(walkable.shape) & new_solid
    return result


class _Forest:
    """Union-find over piece labels, for Kruskal's algorithm."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first: int, second: int) -> bool:
        """Join the trees of ``first`` and ``second``; False when they are one already."""
        first, second = self.find(first), self.find(second)
        if first == second:
            return False
        self.parent[max(first, second)] = min(first, second)
        return True
