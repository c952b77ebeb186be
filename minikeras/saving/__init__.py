"""Saving and loading, and the registration of users' own objects for it."""

from ..registry import get_custom_objects, register_serializable

register_keras_serializable = register_serializable
