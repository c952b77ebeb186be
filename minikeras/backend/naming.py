"""Default names for layers and models, numbered as Keras numbers them."""

_NAME_COUNTS = {}


def unique_name(base):
    """'dense', then 'dense_1', 'dense_2', ...: Keras's default layer names."""
    count = _NAME_COUNTS.get(base, 0)
    _NAME_COUNTS[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def clear_session():
    """Forget the default names handed out so far, so the next Dense is 'dense' again."""
    _NAME_COUNTS.clear()
