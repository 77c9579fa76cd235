"""Decoding under a connectivity constraint: which commits are undone, which cells are forced."""

from __future__ import annotations

import numpy as np
import torch

from procgen.models.grid_connectivity import ConnectedDecoding, _rejoin


def grid(rows: list[str], char: str) -> np.ndarray:
    return np.array([[c == char for c in row] for row in rows])


class TestRejoin:
    def test_the_fewest_new_solid_cells_are_reopened(self) -> None:
        """Two walkable pieces cut apart by this step's solid cells (x) join again through two of
        them, the fewest that do; old solid cells (#) are never reopened."""
        rows = [
            "#######",
            "#.x#..#",
            "#.xx..#",
            "#######",
        ]
        reopen = _rejoin(grid(rows, "."), grid(rows, "?"), grid(rows, "x"))
        assert np.argwhere(reopen).tolist() == [[2, 2], [2, 3]]

    def test_pieces_walled_off_before_the_step_are_left_alone(self) -> None:
        """A caller's template can hold pieces no path joins: nothing is reopened for them."""
        rows = [
            "#####",
            "#.#.#",
            "#x#.#",
            "#####",
        ]
        assert not _rejoin(grid(rows, "."), grid(rows, "?"), grid(rows, "x")).any()

    def test_pieces_that_can_only_join_each_other_are_left_alone(self) -> None:
        """Two pieces walled off from the largest could join each other through a new solid
        cell; that join would not connect them to the largest, so nothing is reopened."""
        rows = [
            "#########",
            "#..#.x.##",
            "#..######",
        ]
        assert not _rejoin(grid(rows, "."), grid(rows, "?"), grid(rows, "x")).any()

    def test_every_stray_piece_joins_the_largest(self) -> None:
        """Pieces on both sides of the largest each join it through their own cheapest cut."""
        rows = [
            "###########",
            "#.x...x..x.",
            "###########",
        ]
        reopen = _rejoin(grid(rows, "."), grid(rows, "?"), grid(rows, "x"))
        assert np.argwhere(reopen).tolist() == [[1, 2], [1, 6], [1, 9]]

    def test_open_masked_cells_keep_pieces_together(self) -> None:
        """Pieces still linked through masked cells (?) are not cut: nothing to reopen."""
        rows = [
            "#####",
            "#.?.#",
            "#x#x#",
            "#####",
        ]
        assert not _rejoin(grid(rows, "."), grid(rows, "?"), grid(rows, "x")).any()


class TestConnectedDecoding:
    SYMBOLS = torch.tensor([False, True])  # 0 solid, 1 walkable; MASK is 2

    def test_sealed_pockets_may_only_be_solid(self) -> None:
        """A masked cell walled off from every walkable cell cannot become walkable."""
        tokens = torch.tensor([[[1, 0, 2], [1, 0, 0]]])
        unknown = tokens == 2
        connect = ConnectedDecoding(self.SYMBOLS, 1)
        logits = connect.restrict(torch.zeros(1, 2, 3, 2), tokens, unknown)
        assert torch.isinf(logits[0, 0, 2, 1]) and not torch.isinf(logits[0, 0, 2, 0])
        assert not torch.isinf(logits[0, 0, 0]).any()

    def test_a_cut_by_the_last_step_is_a_counted_join(self) -> None:
        """The last step's cut is masked again, restricted to walkable symbols and counted."""
        connect = ConnectedDecoding(self.SYMBOLS, 1)
        tokens = torch.tensor([[[1, 0, 1]]])
        committed = torch.tensor([[[False, True, False]]])
        again = connect.settle(tokens, torch.zeros_like(committed), committed, last=True)
        assert again.tolist() == committed.tolist()
        assert connect.joined == [1]
        logits = connect.restrict(torch.zeros(1, 1, 3, 2), tokens.masked_fill(again, 2), again)
        assert torch.isinf(logits[0, 0, 1, 0]) and not torch.isinf(logits[0, 0, 1, 1])
