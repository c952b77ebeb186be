"""Utilities: seeding, label encoding."""

from ..backend.naming import clear_session
from .numerical import normalize, to_categorical
from .random import set_random_seed
