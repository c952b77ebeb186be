"""`keras.preprocessing.sequence`: `pad_sequences`, as in the books' text-classification code.

>>> from minikeras.preprocessing.sequence import pad_sequences  # noqa: F401 - the Keras 2 path
>>> pad_sequences([[1], [2, 3]])
array([[0, 1],
       [2, 3]], dtype=int32)
"""

from ..utils.sequence import pad_sequences  # noqa: F401 - the Keras 2 path
