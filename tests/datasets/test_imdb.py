"""imdb.load_data and get_word_index on small files in Keras's format: imdb.npz holds object
arrays of lists (a pickle), read without running code; Keras's index processing."""

import io
import json
import zipfile

import numpy as np
import pytest

from minikeras.datasets import imdb


def reviews(*lists):
    array = np.empty(len(lists), dtype=object)
    for i, review in enumerate(lists):
        array[i] = list(review)
    return array


# Labels 0-3 tell the reviews apart after shuffling.
TRAIN = [[1, 2, 3], [4, 5], [1, 9, 9, 9, 9], [6]]
TEST = [[2, 2], [7, 8, 1]]


@pytest.fixture
def data(cache, accept):
    np.savez(cache / "imdb.npz", x_train=reviews(*TRAIN), y_train=np.arange(4),
             x_test=reviews(*TEST), y_test=np.arange(2))
    accept(imdb, cache / "imdb.npz")


def by_label(x, y):
    return {int(label): review for review, label in zip(x, y)}


def test_defaults_add_start_and_offset(data):
    (x_train, y_train), (x_test, y_test) = imdb.load_data()
    assert x_train.dtype == object and x_train.shape == (4,) and y_train.shape == (4,)
    assert by_label(x_train, y_train) == {0: [1, 4, 5, 6], 1: [1, 7, 8], 2: [1, 4, 12, 12, 12, 12],
                                          3: [1, 9]}
    assert by_label(x_test, y_test) == {0: [1, 5, 5], 1: [1, 10, 11, 4]}
    assert all(type(w) is int for review in x_train for w in review)


def test_order_is_keras_randomstate_shuffle(data):
    rng = np.random.RandomState(5)
    train_order, test_order = np.arange(4), np.arange(2)
    rng.shuffle(train_order)
    rng.shuffle(test_order)
    (_, y_train), (_, y_test) = imdb.load_data(seed=5)
    np.testing.assert_array_equal(y_train, train_order)
    np.testing.assert_array_equal(y_test, test_order)


def test_num_words_skip_top_and_oov(data):
    (x_train, y_train), _ = imdb.load_data(num_words=8, skip_top=5)
    assert by_label(x_train, y_train) == {0: [2, 2, 5, 6], 1: [2, 7, 2], 2: [2, 2, 2, 2, 2, 2],
                                          3: [2, 2]}
    (x_train, y_train), _ = imdb.load_data(num_words=8, skip_top=5, oov_char=None)
    assert by_label(x_train, y_train) == {0: [5, 6], 1: [7], 2: [], 3: []}


def test_no_start_char_no_offset(data):
    (x_train, y_train), _ = imdb.load_data(start_char=None, index_from=0)
    assert by_label(x_train, y_train) == {0: [1, 2, 3], 1: [4, 5], 2: [1, 9, 9, 9, 9], 3: [6]}


def test_maxlen_keeps_reviews_shorter_than_it(data):
    (x_train, y_train), (x_test, y_test) = imdb.load_data(maxlen=4)
    assert sorted(y_train) == [1, 3] and sorted(y_test) == [0]
    assert x_train.shape == (2,)
    with pytest.raises(ValueError, match="no sequence was kept. Increase maxlen"):
        imdb.load_data(maxlen=2)


def test_equal_lengths_still_give_a_1d_object_array(cache, accept):
    np.savez(cache / "imdb.npz", x_train=reviews([1, 2], [3, 4]), y_train=np.array([0, 1]),
             x_test=reviews([5, 6]), y_test=np.array([1]))
    accept(imdb, cache / "imdb.npz")
    (x_train, _), _ = imdb.load_data()
    assert x_train.shape == (2,) and x_train.dtype == object


@pytest.mark.parametrize("kwargs", [{"num_words": 0}, {"maxlen": -1}, {"skip_top": None},
                                    {"index_from": 1.5}, {"oov_char": True}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError, match=f"imdb.load_data: `{next(iter(kwargs))}` must be"):
        imdb.load_data(**kwargs)


def test_code_in_imdb_npz_is_refused(cache, accept, evil):
    payload, marker = evil
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, np.lib.format.header_data_from_array_1_0(np.empty(1, dtype=object)))
    with zipfile.ZipFile(cache / "imdb.npz", "w") as archive:
        archive.writestr("x_train.npy", header.getvalue() + payload)
    accept(imdb, cache / "imdb.npz")
    with pytest.raises(ValueError, match="Refusing to load `(posix|nt).system`"):
        imdb.load_data()
    assert not marker.exists()


def test_review_that_is_not_a_list(cache, accept):
    np.savez(cache / "imdb.npz", x_train=reviews([1], [2]), y_train=np.array([0, 1]),
             x_test=np.array(["text"], dtype=object), y_test=np.array([1]))
    accept(imdb, cache / "imdb.npz")
    with pytest.raises(ValueError, match="review 0 of x_test should be a list of int"):
        imdb.load_data()


def test_get_word_index(cache, accept):
    (cache / "imdb_word_index.json").write_text(json.dumps({"the": 1, "and": 2}))
    accept(imdb, cache / "imdb_word_index.json", "WORD_INDEX_HASH", md5=True)
    assert imdb.get_word_index() == {"the": 1, "and": 2}
    (cache / "imdb_word_index.json").write_text("{not json")
    accept(imdb, cache / "imdb_word_index.json", "WORD_INDEX_HASH", md5=True)
    with pytest.raises(ValueError, match="not valid JSON"):
        imdb.get_word_index()
