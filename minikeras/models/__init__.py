"""Models: Model (Functional and subclassed), Sequential, and whole-model helpers."""

from .functional import Functional
from .model import Model
from .sequential import Sequential
from ..saving.cloning import clone_model
from ..saving.saving_api import load_model, model_from_json, save_model
