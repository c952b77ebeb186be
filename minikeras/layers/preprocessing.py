"""Preprocessing layers: Normalization with adapt()."""

LAYERS = ()
