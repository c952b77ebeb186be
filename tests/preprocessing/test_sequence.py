import numpy as np

import minikeras as keras
from minikeras.preprocessing.sequence import pad_sequences


def test_the_keras_2_paths_give_the_utils_functions():
    assert pad_sequences is keras.utils.pad_sequences
    assert keras.preprocessing.timeseries_dataset_from_array is \
        keras.utils.timeseries_dataset_from_array
    np.testing.assert_array_equal(pad_sequences([[1], [2, 3]], padding="post"),
                                  [[1, 0], [2, 3]])
