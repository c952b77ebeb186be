"""Small datasets shipped inside the package, loaded like `keras.datasets`."""

from . import digits
