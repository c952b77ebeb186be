"""Models: Model (Functional and subclassed), Sequential, and whole-model helpers."""

from .functional import Functional
from .model import Model
from .sequential import Sequential
