"""Learned models. Each network is one compact file; training and sampling live beside it.

- ``grid.py``: a masked-token model over 2-D grids (``grid_training``, ``grid_sampling``), used by
  ``tiles.py`` for levels and ``sprites.py`` for character sprites.
- ``text.py``: a small decoder-only transformer (``text_training``, ``text_inference`` for
  sampling in numpy, ``vocabulary`` for its symbols), used for names and prose.
- ``ngram.py``: the count baselines every text model is measured against.
- ``weights.py``: weights files (safetensors plus a checked JSON card); ``schedule.py``: the
  training budget and learning-rate schedule every model shares.
"""
