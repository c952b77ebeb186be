"""save_model / load_model / save_weights / load_weights / model_from_json: whole models of
every kind round trip exactly, training resumes where it stopped, users' own objects load,
saves are atomic, and files of the wrong kind get clear errors."""

import json
import os

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops
from minikeras.saving import keras_zip
from minikeras.saving.object_registration import CustomObjectScope

RNG = np.random.default_rng(0)
FORMATS = ["h5", "keras"]


def regression_data(n=16):
    x = RNG.random((n, 4)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32")).astype("float32")


def mlp():
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="tanh"),
                              layers.BatchNormalization(), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model


# -- training resumes --------------------------------------------------------------------------


@pytest.mark.parametrize("extension", FORMATS)
def test_fit_resumes_exactly_where_it_stopped(extension, tmp_path):
    x, y = regression_data()
    reference = mlp()
    keras.utils.set_random_seed(1)
    interrupted = mlp()
    interrupted.set_weights(reference.get_weights())
    reference.fit(x, y, epochs=4, batch_size=4, shuffle=False, verbose=0)
    interrupted.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    interrupted.save(tmp_path / f"model.{extension}")
    resumed = keras.models.load_model(tmp_path / f"model.{extension}")
    assert resumed.optimizer.iterations == 8
    history = resumed.fit(x, y, epochs=4, initial_epoch=2, batch_size=4, shuffle=False,
                          verbose=0)
    assert history.epoch == [2, 3]
    for expected, got in zip(reference.weights + reference.optimizer.variables,
                             resumed.weights + resumed.optimizer.variables):
        np.testing.assert_array_equal(got.data, expected.data)


def test_weights_file_restores_the_optimizer_state(tmp_path):
    x, y = regression_data()
    reference, interrupted = mlp(), mlp()
    interrupted.set_weights(reference.get_weights())
    reference.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    interrupted.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    interrupted.save_weights(tmp_path / "w.weights.h5")
    resumed = mlp()  # compiled, its optimizer not built yet: loading builds it
    resumed.load_weights(tmp_path / "w.weights.h5")
    resumed.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for expected, got in zip(reference.weights, resumed.weights):
        np.testing.assert_array_equal(got.data, expected.data)


# -- every kind of model -----------------------------------------------------------------------


def multi_io_model():
    """Two inputs, two named outputs, a shared layer, a nested Sequential and a nested
    Functional model."""
    inner_in = keras.Input(shape=(3,))
    inner = keras.Model(inner_in, layers.Dense(2, activation="relu")(inner_in), name="inner")
    head = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(2), layers.Softmax()],
                            name="probs")
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(3,), name="b")
    shared = layers.Dense(3, activation="tanh", name="shared")
    merged = layers.Concatenate()([inner(shared(a)), inner(shared(b))])
    return keras.Model({"a": a, "b": b},
                       {"score": layers.Dense(1, name="score")(merged),
                        "probs": head(inner(a))})


@pytest.mark.parametrize("extension", FORMATS)
def test_functional_multi_io_shared_and_nested_models_round_trip(extension, tmp_path):
    model = multi_io_model()
    model.compile(optimizer="rmsprop", loss={"score": "mse", "probs": "categorical_crossentropy"},
                  loss_weights={"score": 1.0, "probs": 0.5}, metrics={"probs": ["accuracy"]})
    data = {"a": RNG.random((6, 3)).astype("float32"), "b": RNG.random((6, 3)).astype("float32")}
    targets = {"score": RNG.random((6, 1)).astype("float32"),
               "probs": keras.utils.to_categorical(RNG.integers(0, 2, 6), 2)}
    model.fit(data, targets, epochs=1, verbose=0)
    model.save(tmp_path / f"model.{extension}")
    loaded = keras.models.load_model(tmp_path / f"model.{extension}")
    expected, got = model.predict(data, verbose=0), loaded.predict(data, verbose=0)
    assert set(got) == {"score", "probs"}
    for key in expected:
        np.testing.assert_array_equal(got[key], expected[key])
    assert loaded.get_config() == model.get_config()
    assert loaded.get_layer("inner") is loaded.layers[3]  # still one shared nested model
    assert model.evaluate(data, targets, verbose=0, return_dict=True) == \
        loaded.evaluate(data, targets, verbose=0, return_dict=True)


class TwoBranch(keras.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = layers.Dense(units, activation="relu")
        self.norm = layers.BatchNormalization()
        self.out = layers.Dense(1)

    def call(self, inputs, training=None):
        return self.out(self.norm(self.hidden(inputs), training=training))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@pytest.mark.parametrize("filename", ["w.weights.h5", "w.h5"])
def test_subclassed_model_weights_round_trip(filename, tmp_path):
    model = TwoBranch()
    x = RNG.random((5, 4)).astype("float32")
    model(x)
    model.set_weights([RNG.uniform(0.5, 1.5, w.shape).astype("float32")
                       for w in model.weights])
    model.save_weights(tmp_path / filename)
    other = TwoBranch()
    other(x)
    other.load_weights(tmp_path / filename)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("extension", FORMATS)
def test_subclassed_model_saves_whole_with_its_class_at_hand(extension, tmp_path):
    model = TwoBranch(units=5, name="two_branch")
    model.compile(optimizer="adam", loss="mse")
    x, y = regression_data(8)
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / f"m.{extension}")
    with pytest.raises(ValueError, match="Unknown layer class 'TwoBranch'.*custom_objects"):
        keras.models.load_model(tmp_path / f"m.{extension}")
    loaded = keras.models.load_model(tmp_path / f"m.{extension}",
                                     custom_objects={"TwoBranch": TwoBranch})
    assert isinstance(loaded, TwoBranch) and loaded.units == 5
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


# -- users' own objects ------------------------------------------------------------------------


class Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, inputs):
        return inputs * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def my_loss(y_true, y_pred):
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


@pytest.mark.parametrize("extension", FORMATS)
def test_custom_layer_and_loss_load_through_custom_objects(extension, tmp_path):
    model = keras.Sequential([keras.Input(shape=(4,)), Scale(3.0), layers.Dense(2)])
    model.compile(optimizer="sgd", loss=my_loss)
    model.layers[0].w.assign(np.arange(4, dtype="float32"))
    path = tmp_path / f"m.{extension}"
    model.save(path)
    with pytest.raises(ValueError, match="Unknown layer class 'Scale'"):
        keras.models.load_model(path)
    custom = {"Scale": Scale, "my_loss": my_loss}
    loaded = keras.models.load_model(path, custom_objects=custom)
    x = RNG.random((3, 4)).astype("float32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.loss is my_loss
    with CustomObjectScope(custom):
        assert isinstance(keras.models.load_model(path).layers[0], Scale)
    assert "Scale" not in keras.saving.get_custom_objects()  # the scope is gone


def test_registered_objects_load_without_custom_objects(tmp_path):
    @keras.saving.register_keras_serializable(package="test_saving")
    class Offset(layers.Layer):
        def __init__(self, offset=1.0, **kwargs):
            super().__init__(**kwargs)
            self.offset = offset

        def call(self, inputs):
            return inputs + self.offset

        def get_config(self):
            return {**super().get_config(), "offset": self.offset}

    @keras.saving.register_keras_serializable(package="test_saving")
    def doubled(x):
        return x * 2

    try:
        model = keras.Sequential([keras.Input(shape=(2,)), Offset(0.5),
                                  layers.Lambda(doubled)])
        model.save(tmp_path / "m.keras")
        config = json.loads(model.to_json())
        assert config["config"]["layers"][1]["registered_name"] == "test_saving>Offset"
        loaded = keras.models.load_model(tmp_path / "m.keras")
        x = RNG.random((2, 2)).astype("float32")
        np.testing.assert_array_equal(loaded.predict(x, verbose=0), (x + 0.5) * 2)
    finally:
        for name in ("test_saving>Offset", "Offset", "test_saving>doubled", "doubled"):
            keras.saving.get_custom_objects().pop(name, None)


@pytest.mark.parametrize("extension", FORMATS)
def test_a_python_lambda_saves_but_is_refused_on_loading(extension, tmp_path):
    model = keras.Sequential([keras.Input(shape=(2,)), layers.Lambda(lambda t: t * 2)])
    model.save(tmp_path / f"m.{extension}")
    with pytest.raises(ValueError, match="holds Python code.*Lambda \"lambda\""):
        keras.models.load_model(tmp_path / f"m.{extension}")


# -- atomic writes -----------------------------------------------------------------------------


@pytest.mark.parametrize("extension", FORMATS)
def test_interrupted_save_leaves_the_previous_file_loadable(extension, tmp_path, monkeypatch):
    path = tmp_path / f"model.{extension}"
    model = mlp()
    x, y = regression_data()
    model.save(path)
    expected = model.predict(x, verbose=0)
    model.fit(x, y, epochs=1, verbose=0)

    def fail(*args, **kwargs):
        raise OSError("disk full")

    from minikeras.saving import hdf5
    monkeypatch.setattr(hdf5 if extension == "h5" else keras_zip, "write_weights", fail)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert os.listdir(tmp_path) == [path.name]  # no temporary file left behind
    np.testing.assert_array_equal(keras.models.load_model(path).predict(x, verbose=0),
                                  expected)


def test_overwrite_false_asks_first(tmp_path, monkeypatch):
    path = tmp_path / "m.keras"
    model = mlp()
    model.save(path)
    before = path.read_bytes()
    answers = iter(["maybe", "n"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    model.save(path, overwrite=False)
    assert path.read_bytes() == before
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    model.save_weights(tmp_path / "w.weights.h5", overwrite=False)  # new file: no question
    model.layers[0].bias.assign(np.ones(8, "float32"))
    model.save(path, overwrite=False)
    assert path.read_bytes() != before


# -- wrong files and arguments -----------------------------------------------------------------


def test_files_of_the_wrong_kind(tmp_path):
    (tmp_path / "noise.h5").write_bytes(RNG.integers(0, 256, 4000, dtype=np.uint8).tobytes())
    with pytest.raises(ValueError, match="is not an HDF5 file nor a .keras zip archive"):
        keras.models.load_model(tmp_path / "noise.h5")
    (tmp_path / "empty.keras").write_bytes(b"")
    with pytest.raises(ValueError, match="not an HDF5 file nor a .keras zip.*an empty file"):
        keras.models.load_model(tmp_path / "empty.keras")
    with pytest.raises(ValueError, match="file not found"):
        keras.models.load_model(tmp_path / "missing.keras")
    with pytest.raises(ValueError, match="is a directory.*SavedModel"):
        keras.models.load_model(tmp_path)
    model = mlp()
    with pytest.raises(ValueError, match="is not an HDF5 file"):
        model.load_weights(tmp_path / "noise.h5")
    with pytest.raises(TypeError, match="must be a path"):
        keras.models.load_model(42)


def test_format_follows_content_not_name(tmp_path):
    model = mlp()
    model.save(tmp_path / "m.keras")
    os.rename(tmp_path / "m.keras", tmp_path / "renamed.h5")
    assert isinstance(keras.models.load_model(tmp_path / "renamed.h5"), keras.Sequential)
    model.save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match="holds only weights.*load_weights"):
        keras.models.load_model(tmp_path / "w.h5")
    model.load_weights(tmp_path / "renamed.h5")  # weights from a .keras archive


def test_bad_extensions_and_arguments(tmp_path):
    model = mlp()
    with pytest.raises(ValueError, match="Invalid filepath extension for saving"):
        model.save(tmp_path / "model")
    with pytest.raises(ValueError, match="save_format='tf'"):
        model.save(tmp_path / "model.h5", save_format="tf")
    with pytest.raises(ValueError, match="zipped only"):
        model.save(tmp_path / "model.keras", zipped=False)
    with pytest.raises(ValueError, match="must end in `.weights.h5`"):
        model.save_weights(tmp_path / "weights.ckpt")
    with pytest.raises(TypeError, match="custom_objects must be a dict"):
        keras.models.load_model(tmp_path / "x.keras", custom_objects=[Scale])


def test_legacy_save_format_h5_and_include_optimizer(tmp_path):
    model = mlp()
    x, y = regression_data()
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "plain", save_format="h5", include_optimizer=False)
    with pytest.warns(UserWarning, match="not\\* compiled"):
        loaded = keras.models.load_model(tmp_path / "plain")
    assert not loaded.compiled
    loaded = keras.models.load_model(tmp_path / "plain", compile=False)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


# -- JSON --------------------------------------------------------------------------------------


def test_to_json_and_model_from_json():
    model = mlp()
    text = model.to_json(indent=2)
    config = json.loads(text)
    assert config["class_name"] == "Sequential" and config["module"] == "keras"
    assert config["compile_config"]["loss"] == "mse"
    clone = keras.models.model_from_json(text)
    assert clone.compiled and clone.get_config() == model.get_config()
    assert type(clone.optimizer).__name__ == "Adam"
    with pytest.raises(ValueError, match="JSON model config is not valid JSON"):
        keras.models.model_from_json("{")
    with pytest.raises(ValueError, match="should be a dict with 'class_name'"):
        keras.models.model_from_json("[1, 2]")


def test_model_from_json_reads_tf_keras_2_configs():
    text = json.dumps({"class_name": "Sequential", "keras_version": "2.4.0",
                       "backend": "tensorflow", "config": {"name": "sequential", "layers": [
                           {"class_name": "Dense", "config": {
                               "name": "dense", "units": 2, "activation": "relu",
                               "batch_input_shape": [None, 3], "dtype": "float32"}}]}})
    model = keras.models.model_from_json(text)
    assert not model.compiled and model.output_shape == (None, 2)
    old = json.dumps({"class_name": "Sequential", "config": [  # tf.keras 2.0: a list
        {"class_name": "Dense", "config": {"name": "d", "units": 2,
                                           "batch_input_shape": [None, 3]}}]})
    assert keras.models.model_from_json(old).layers[0].units == 2


def test_custom_object_scope_undoes_only_its_own_names():
    table = keras.saving.get_custom_objects()
    table["kept"] = my_loss
    try:
        with keras.saving.custom_object_scope({"kept": Scale, "Scale": Scale}):
            assert table["kept"] is Scale and table["Scale"] is Scale
            keras.saving.register_keras_serializable("inner_pkg")(my_loss)
        assert table["kept"] is my_loss and "Scale" not in table
        assert table["inner_pkg>my_loss"] is my_loss  # registered inside: stays
        assert keras.saving.get_registered_name(my_loss) == "inner_pkg>my_loss"
        assert keras.saving.get_registered_object("inner_pkg>my_loss") is my_loss
    finally:
        for name in ("kept", "inner_pkg>my_loss", "my_loss"):
            table.pop(name, None)
        del my_loss._registered_name
    with pytest.raises(TypeError, match="expects dicts"):
        CustomObjectScope([Scale])
