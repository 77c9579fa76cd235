"""Learned models. Each model is one compact file; training and sampling live beside it."""
