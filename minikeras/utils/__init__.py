"""Utilities: seeding (more arrive with the model API: to_categorical, datasets helpers)."""

from .random import set_random_seed
