"""Saving and loading models and weights in Keras's formats, and the registration of users'
own objects for it.

>>> model.save("model.keras")
>>> model = keras.saving.load_model("model.keras")
"""

from .object_registration import (CustomObjectScope, custom_object_scope, get_custom_objects,
                                  get_registered_name, get_registered_object,
                                  register_keras_serializable)
from .saving_api import load_model, load_weights, save_model, save_weights
