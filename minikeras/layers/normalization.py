"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization."""

LAYERS = ()
