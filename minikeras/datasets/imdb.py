"""IMDB: 50,000 movie reviews labelled by sentiment (1 positive, 0 negative), each a list of
word indices, as keras.datasets.imdb loads them, from the same files
(~/.keras/datasets/imdb.npz and imdb_word_index.json).

Words are indexed by how often they occur in the training reviews (1 the most frequent), so
"the 10,000 most frequent words" is every index below 10,000. imdb.npz stores the reviews as
numpy object arrays, which only a pickle can hold; it is read with a restricted unpickler that
rebuilds numpy arrays and plain lists and refuses everything else, so the file cannot run code.
"""

import json
import numbers

import numpy as np

from ..utils.file_utils import get_file
from .files import KERAS_DATASETS, check, damaged, load_npz, member

ORIGIN = KERAS_DATASETS + "imdb.npz"
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_ORIGIN = KERAS_DATASETS + "imdb_word_index.json"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"  # md5, as Keras gives it


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3):
    """Load the reviews as `(x_train, y_train), (x_test, y_test)`, downloading them once.

    Each set is shuffled (numpy's RandomState with `seed`, as in Keras, so the order is
    Keras's). Each word index `w` of the file becomes `w + index_from`, and each review starts
    with `start_char`, so 0 stays free for padding. Reviews of `maxlen` words or more (counting
    the start mark) are left out, as in Keras. Then every index below `skip_top` or from
    `num_words` on becomes `oov_char` (or is dropped when `oov_char` is None).

    Args:
        path: the file's name in the cache folder (`~/.keras/datasets`).
        num_words: keep only indices below this (the most frequent words); None keeps all.
        skip_top: mark the indices below this (the most frequent words, often uninformative)
            as out of vocabulary.
        maxlen: leave out reviews this long or longer; None keeps all.
        seed: the seed of the shuffles.
        start_char: the index that starts every review; None for no start mark.
        oov_char: the index that replaces words cut by `num_words` or `skip_top`; None drops
            them.
        index_from: the offset added to the file's word indices.

    Returns:
        `x_train`, `x_test`: 1-D object arrays of reviews, each a list of int indices (25,000
        each with the defaults); `y_train`, `y_test`: int arrays of labels, 1 or 0.

    >>> (x_train, y_train), (x_test, y_test) = load_data(num_words=10000)  # doctest: +SKIP
    >>> len(x_train), x_train[0][:3]  # doctest: +SKIP
    (25000, [1, 14, 22])
    """
    _check_arguments(num_words=num_words, skip_top=skip_top, maxlen=maxlen, seed=seed,
                     start_char=start_char, oov_char=oov_char, index_from=index_from)
    path = get_file(fname=path, origin=ORIGIN, file_hash=FILE_HASH)
    arrays = load_npz(path)
    rng = np.random.RandomState(seed)  # one generator for both shuffles, as in Keras
    splits = []
    for name in ("train", "test"):
        reviews, labels = _split(arrays, name, path)
        order = np.arange(len(reviews))
        rng.shuffle(order)
        reviews, labels = reviews[order], labels[order]
        first = [] if start_char is None else [start_char]
        reviews = [first + [w + index_from for w in review] for review in reviews]
        if maxlen:
            kept = [i for i, review in enumerate(reviews) if len(review) < maxlen]
            if not kept:
                raise ValueError(
                    f"After filtering for sequences shorter than maxlen={maxlen}, no sequence "
                    f"was kept. Increase maxlen."
                )
            reviews, labels = [reviews[i] for i in kept], labels[kept]
        splits.append((reviews, labels))
    if num_words is None:  # every word is kept
        num_words = max(max(review, default=0) for reviews, _ in splits
                        for review in reviews) + 1
    return tuple((_restrict(reviews, skip_top, num_words, oov_char), labels)
                 for reviews, labels in splits)


def _check_arguments(**arguments):
    for name, value in arguments.items():
        optional = name in ("num_words", "maxlen", "start_char", "oov_char", "seed")
        if value is None and optional:
            continue
        lowest = 1 if name in ("num_words", "maxlen") else 0
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < lowest:
            kind = "a positive integer" if lowest else "a non-negative integer"
            raise ValueError(f"imdb.load_data: `{name}` must be {kind}"
                             f"{' or None' if optional else ''}, received {name}={value!r}.")


def _split(arrays, name, path):
    reviews, labels = member(arrays, f"x_{name}", path), member(arrays, f"y_{name}", path)
    check(reviews.ndim == 1, path, f"x_{name} should be a 1-D array of reviews, but it has "
                                   f"shape {reviews.shape}")
    check(labels.shape == reviews.shape and labels.dtype.kind in "iu", path,
          f"y_{name} should hold {len(reviews)} integer labels, one per review, but it holds "
          f"{labels.dtype} of shape {labels.shape}")
    for index, review in enumerate(reviews):
        if isinstance(review, np.ndarray) and review.ndim == 1 and review.dtype.kind in "iu":
            reviews[index] = review = review.tolist()
        if not isinstance(review, list) or not all(isinstance(w, int) for w in review):
            raise damaged(path, f"review {index} of x_{name} should be a list of int word "
                                f"indices, but it is {type(review).__name__} {review!r:.60}")
    return reviews, labels


def _restrict(reviews, skip_top, num_words, oov_char):
    """The reviews as an object array, with indices outside [skip_top, num_words) replaced by
    `oov_char`, or dropped when it is None."""
    if oov_char is None:
        kept = [[w for w in review if skip_top <= w < num_words] for review in reviews]
    else:
        kept = [[w if skip_top <= w < num_words else oov_char for w in review]
                for review in reviews]
    array = np.empty(len(kept), dtype=object)  # 1-D even when all reviews have one length
    for i, review in enumerate(kept):
        array[i] = review
    return array


def get_word_index(path="imdb_word_index.json"):
    """The dict from each word to its index in the IMDB data, downloading it once.

    The file's indices start at 1; in the reviews `load_data` returns, a word's index is its
    index here plus `index_from` (3 by default).

    Args:
        path: the file's name in the cache folder (`~/.keras/datasets`).

    >>> word_index = get_word_index()  # doctest: +SKIP
    >>> word_index["the"]  # doctest: +SKIP
    1
    """
    path = get_file(fname=path, origin=WORD_INDEX_ORIGIN, file_hash=WORD_INDEX_HASH)
    try:
        with open(path, encoding="utf-8") as handle:
            word_index = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise damaged(path, f"it is not valid JSON text ({error})") from None
    check(isinstance(word_index, dict) and all(
        isinstance(word, str) and isinstance(index, int) for word, index in word_index.items()),
        path, "it should hold a JSON object from words to integer indices")
    return word_index
