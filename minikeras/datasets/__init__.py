"""Keras's `keras.datasets`: mnist, fashion_mnist, cifar10, imdb and boston_housing, read from
Keras's own cache files (downloaded once into ~/.keras/datasets), and the small digits dataset
shipped inside the package."""

from . import boston_housing, cifar10, digits, fashion_mnist, imdb, mnist
