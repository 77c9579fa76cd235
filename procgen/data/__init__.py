"""Data that ships with procgen: the training corpus and the trained weights made from it."""

from pathlib import Path

DATA = Path(__file__).resolve().parent
CORPUS = DATA / "corpus"  # what the shipped weights were trained on
HELDOUT = DATA / "corpus-heldout"  # a fifth of every style, never trained on: for evaluation
TILE_WEIGHTS = DATA / "tiles.safetensors"
