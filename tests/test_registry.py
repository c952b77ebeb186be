"""The shared registry idiom and users' own objects."""

import pytest

from minikeras.registry import Registry, get_custom_objects, register_serializable, snake_case


class Thing:
    def __init__(self, size=1):
        self.size = size

    def get_config(self):
        return {"size": self.size}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def helper_fn(x):
    return x


REGISTRY = Registry("thing", "keras.things", (Thing, helper_fn), aliases={"t": Thing})


def test_get_accepts_every_form():
    assert REGISTRY.get(None) is None
    assert isinstance(REGISTRY.get("Thing"), Thing)
    assert isinstance(REGISTRY.get("t"), Thing)
    assert REGISTRY.get("helper_fn") is helper_fn
    assert isinstance(REGISTRY.get(Thing), Thing)
    instance = Thing(3)
    assert REGISTRY.get(instance) is instance
    assert REGISTRY.get({"class_name": "Thing", "config": {"size": 5}}).size == 5


def test_serialize_deserialize_round_trip():
    config = REGISTRY.serialize(Thing(7))
    assert config == {"module": "keras.things", "class_name": "Thing", "config": {"size": 7},
                      "registered_name": None}
    assert REGISTRY.deserialize(config).size == 7
    assert REGISTRY.serialize(helper_fn) == "helper_fn"
    keras3_function = {"module": "builtins", "class_name": "function", "config": "helper_fn",
                       "registered_name": "function"}
    assert REGISTRY.deserialize({**keras3_function, "registered_name": None}) is helper_fn


def test_unknown_names_and_custom_objects():
    with pytest.raises(ValueError, match=r"Unknown thing: 'Thng'\. Did you mean 'Thing'\?"):
        REGISTRY.get("Thng")

    class Mine(Thing):
        pass

    assert isinstance(REGISTRY.get("Mine", custom_objects={"Mine": Mine}), Mine)


def test_register_serializable():
    @register_serializable(package="tests")
    class Registered(Thing):
        pass

    assert get_custom_objects()["tests>Registered"] is Registered
    config = REGISTRY.serialize(Registered(2))
    assert config["registered_name"] == "tests>Registered" and config["module"] is None
    assert isinstance(REGISTRY.deserialize(config), Registered)
    with pytest.raises(TypeError, match="get_config"):
        register_serializable()(type("NoConfig", (), {}))


def test_snake_case():
    assert snake_case("MeanSquaredError") == "mean_squared_error"
    assert snake_case("Conv2DTranspose") == "conv2d_transpose"
    assert snake_case("LSTM") == "lstm"
    assert snake_case("PReLU") == "p_re_lu"


def test_closest_name_prefers_few_edits():
    from minikeras.registry import closest_name
    names = ["adam", "adamax", "adamw", "sgd", "rmsprop"]
    assert closest_name("adma", names) == "adam"
    assert closest_name("rmsprp", names) == "rmsprop"
    assert closest_name("ADAM", names) == "adam"
    assert closest_name("completely_different", names) is None
