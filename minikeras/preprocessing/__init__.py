"""Keras's `keras.preprocessing` names, for scripts written against them.

The functions live in `minikeras.utils`; these are the same objects under their older paths:

>>> from minikeras.preprocessing.sequence import pad_sequences
"""

from ..utils.timeseries import timeseries_dataset_from_array
from . import sequence
