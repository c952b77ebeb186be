"""Utilities: seeding, label encoding."""

from ..backend.naming import clear_session
from .numerical import normalize, to_categorical
from .random import set_random_seed
from .sequence import pad_sequences
from .timeseries import timeseries_dataset_from_array
