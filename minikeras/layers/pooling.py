"""Pooling layers: max and average pooling, local and global, in 1-D and 2-D."""

LAYERS = ()
