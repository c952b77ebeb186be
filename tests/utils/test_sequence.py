"""pad_sequences: Keras's documented examples, truncation, item shapes, dtypes and errors."""

import numpy as np
import pytest

import minikeras as keras
from minikeras.utils import pad_sequences

SEQUENCES = [[1], [2, 3], [4, 5, 6]]


def test_keras_documented_examples():
    expected = {
        (): [[0, 0, 1], [0, 2, 3], [4, 5, 6]],
        (("value", -1),): [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]],
        (("padding", "post"),): [[1, 0, 0], [2, 3, 0], [4, 5, 6]],
        (("maxlen", 2),): [[0, 1], [2, 3], [5, 6]],
    }
    for kwargs, want in expected.items():
        out = pad_sequences(SEQUENCES, **dict(kwargs))
        assert out.dtype == np.int32
        np.testing.assert_array_equal(out, want)


def test_truncating_post_keeps_the_start_and_is_independent_of_padding():
    out = pad_sequences(SEQUENCES, maxlen=2, truncating="post")
    np.testing.assert_array_equal(out, [[0, 1], [2, 3], [4, 5]])
    out = pad_sequences(SEQUENCES, maxlen=4, padding="post", truncating="post")
    np.testing.assert_array_equal(out, [[1, 0, 0, 0], [2, 3, 0, 0], [4, 5, 6, 0]])


def test_the_keras_utils_name_numpy_inputs_and_empty_sequences():
    assert keras.utils.pad_sequences is pad_sequences
    out = pad_sequences([np.array([7, 8]), [], (9,)])
    np.testing.assert_array_equal(out, [[7, 8], [0, 0], [0, 9]])
    assert pad_sequences([]).shape == (0, 0)
    assert pad_sequences(SEQUENCES, maxlen=0).shape == (3, 0)


def test_dtype_and_float_values():
    out = pad_sequences([[0.5, 1.5], [2.5]], dtype="float32", value=-1.0)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0.5, 1.5], [-1.0, 2.5]])
    # Keras casts to the dtype: the default int32 truncates floats.
    np.testing.assert_array_equal(pad_sequences([[1.7, 2.2]]), [[1, 2]])


def test_sequences_of_vectors_keep_the_item_shape():
    out = pad_sequences([[[1, 1], [2, 2]], [[3, 3]]], padding="post")
    assert out.shape == (2, 2, 2)
    np.testing.assert_array_equal(out[1], [[3, 3], [0, 0]])


def test_strings_need_dtype_object():
    out = pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>")
    assert out.tolist() == [["a", "b"], ["<pad>", "c"]]
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="<pad>")


def test_bad_inputs_say_what_and_where():
    with pytest.raises(ValueError, match="`padding` must be 'pre' or 'post'.*'middle'"):
        pad_sequences(SEQUENCES, padding="middle")
    with pytest.raises(ValueError, match="`truncating` must be 'pre' or 'post'"):
        pad_sequences(SEQUENCES, truncating="end")
    with pytest.raises(ValueError, match="position 1 is 5 of type int"):
        pad_sequences([[1], 5])
    with pytest.raises(ValueError, match="list of sequences.*received int"):
        pad_sequences(3)
    with pytest.raises(ValueError, match="`maxlen` must be None or a non-negative integer"):
        pad_sequences(SEQUENCES, maxlen=-1)
    with pytest.raises(ValueError, match="position 1 have shape \\(3,\\).*shape \\(2,\\)"):
        pad_sequences([[[1, 2]], [[1, 2, 3]]])
