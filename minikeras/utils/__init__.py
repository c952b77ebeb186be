"""Utilities: seeding, label encoding."""

from .numerical import normalize, to_categorical
from .random import set_random_seed
