"""Padding lists of sequences of different lengths into one array, as keras.utils does."""

import numbers

import numpy as np


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pad (and cut) sequences to one length, giving an array of shape (len(sequences), maxlen).

    Sequences shorter than `maxlen` are filled up with `value`, longer ones are cut. By default
    both happen at the start ('pre'), so the latest items of each sequence are kept and sit
    next to the end, where a recurrent layer reads them last. Each item of a sequence may itself
    be an array (e.g. a feature vector); all items must then have the same shape.

    Args:
        sequences: a list of sequences (lists or arrays of numbers, or of equal-shaped arrays).
        maxlen: the length of the result; by default the length of the longest sequence.
        dtype: the dtype of the result (default 'int32'; `object` for strings).
        padding: 'pre' or 'post': add the padding before or after each sequence.
        truncating: 'pre' or 'post': cut the items at the start or at the end of sequences
            longer than `maxlen`.
        value: the padding value (default 0).

    >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
    array([[0, 0, 1],
           [0, 2, 3],
           [4, 5, 6]], dtype=int32)
    """
    for arg, given in (("padding", padding), ("truncating", truncating)):
        if given not in ("pre", "post"):
            raise ValueError(f"pad_sequences: `{arg}` must be 'pre' or 'post', received "
                             f"{arg}={given!r}.")
    if isinstance(sequences, (str, bytes)) or not hasattr(sequences, "__len__"):
        raise ValueError(
            f"pad_sequences: `sequences` must be a list of sequences, e.g. [[1, 2], [3]], but "
            f"received {type(sequences).__name__}."
        )
    as_objects = np.dtype(dtype) == np.dtype(object)
    lengths, sample_shape = [], None
    for index, sequence in enumerate(sequences):
        if not hasattr(sequence, "__len__") or (isinstance(sequence, (str, bytes)) and
                                                not as_objects):
            raise ValueError(
                f"pad_sequences: `sequences` must be a list of sequences, but the item at "
                f"position {index} is {sequence!r:.60} of type {type(sequence).__name__}. Wrap "
                f"single numbers in lists: [[1], [2, 3]]."
            )
        lengths.append(len(sequence))
        if sample_shape is None and len(sequence):
            sample_shape = np.asarray(sequence).shape[1:]  # the first non-empty one sets it
    sample_shape = sample_shape or ()
    if maxlen is None:
        maxlen = max(lengths, default=0)
    elif isinstance(maxlen, (bool, np.bool_)) or not isinstance(maxlen, numbers.Integral) or \
            maxlen < 0:
        raise ValueError(f"pad_sequences: `maxlen` must be None or a non-negative integer, "
                         f"received maxlen={maxlen!r}.")
    maxlen = int(maxlen)
    is_text = np.issubdtype(np.dtype(dtype), np.str_) or np.issubdtype(np.dtype(dtype), np.bytes_)
    if isinstance(value, str) and not as_objects and not is_text:
        raise ValueError(
            f"pad_sequences: dtype {dtype!r} cannot hold the string padding value {value!r}. "
            f"Pass dtype=object for variable-length strings."
        )
    out = np.full((len(sequences), maxlen) + tuple(sample_shape), value, dtype=dtype)
    if maxlen == 0:
        return out
    for index, sequence in enumerate(sequences):
        if not len(sequence):
            continue
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != tuple(sample_shape):
            raise ValueError(
                f"pad_sequences: the items of the sequence at position {index} have shape "
                f"{kept.shape[1:]}, but those of the first non-empty sequence have shape "
                f"{tuple(sample_shape)}. All items must have the same shape."
            )
        if padding == "pre":
            out[index, maxlen - len(kept):] = kept
        else:
            out[index, :len(kept)] = kept
    return out
