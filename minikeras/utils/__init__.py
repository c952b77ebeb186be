"""Keras's `keras.utils`: seeding and clearing the session, label encoding and normalization,
sequence padding, datasets (time-series windows, train/test splits), the progress bar for
custom loops, model plots, and downloads to Keras's cache (get_file)."""

from ..backend.naming import clear_session
from .dataset_utils import split_dataset
from .file_utils import get_file
from .model_visualization import model_to_dot, plot_model
from .numerical import normalize, to_categorical
from .progbar import Progbar
from .random import set_random_seed
from .sequence import pad_sequences
from .timeseries import timeseries_dataset_from_array
