"""Global numeric settings, named as Keras names them: floatx, epsilon, image_data_format."""

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"

_VALID_FLOATX = ("float16", "float32", "float64")
_VALID_DATA_FORMATS = ("channels_last", "channels_first")


def floatx():
    """The default float type of weights and computations: 'float32' unless changed."""
    return _FLOATX


def set_floatx(value):
    """Set the default float type ('float16', 'float32' or 'float64')."""
    global _FLOATX
    value = str(value)
    if value not in _VALID_FLOATX:
        raise ValueError(
            f"Unknown floatx type: {value!r}. Expected one of {', '.join(_VALID_FLOATX)}."
        )
    _FLOATX = value


def epsilon():
    """The fuzz factor used to keep logs and divisions finite (1e-7 by default)."""
    return _EPSILON


def set_epsilon(value):
    """Set the fuzz factor returned by `epsilon()`."""
    global _EPSILON
    value = float(value)
    if not value > 0:
        raise ValueError(f"epsilon must be a positive number, received {value!r}.")
    _EPSILON = value


def image_data_format():
    """Where images keep their channels axis: 'channels_last' (default) or 'channels_first'."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    """Set the default image layout: 'channels_last' or 'channels_first'."""
    global _IMAGE_DATA_FORMAT
    data_format = str(data_format).lower()
    if data_format not in _VALID_DATA_FORMATS:
        raise ValueError(
            f"Unknown data_format: {data_format!r}. "
            f"Expected one of {', '.join(_VALID_DATA_FORMATS)}."
        )
    _IMAGE_DATA_FORMAT = data_format


def standardize_data_format(data_format, where):
    """'channels_last' or 'channels_first' (None: image_data_format()); `where` starts the
    error message, e.g. 'conv' or 'Layer "conv2d"'."""
    value = image_data_format() if data_format is None else str(data_format).lower()
    if value not in _VALID_DATA_FORMATS:
        raise ValueError(f"{where}: `data_format` must be 'channels_last' or 'channels_first', "
                         f"received data_format={data_format!r}.")
    return value


def backend():
    """The name of the array backend: always 'numpy'."""
    return "numpy"
