"""Keras 3's native formats: the .keras archive and .weights.h5 files, their layout field by
field, a file written as Keras 3 writes it, and clear errors for damaged ones."""

import io
import json
import zipfile

import h5py
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.saving import keras_zip

RNG = np.random.default_rng(0)


def trained_model():
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="relu"),
                              layers.BatchNormalization(), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="mse",
                  metrics=["mae"])
    x, y = RNG.random((8, 4)).astype("float32"), RNG.random((8, 1)).astype("float32")
    model.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    return model


def weights_file(archive):
    return h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")


def datasets(f):
    found = {}
    f.visititems(lambda name, obj: found.__setitem__(name, obj[()])
                 if isinstance(obj, h5py.Dataset) else None)
    return found


def test_keras_archive_layout_field_by_field(tmp_path):
    model = trained_model()
    model.save(tmp_path / "model.keras")
    with zipfile.ZipFile(tmp_path / "model.keras") as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
        metadata = json.loads(archive.read("metadata.json"))
        assert metadata["keras_version"] == "3.5.0" and "date_saved" in metadata
        config = json.loads(archive.read("config.json"))
        assert config["module"] == "keras" and config["class_name"] == "Sequential"
        assert config["registered_name"] is None
        assert config["build_config"] == {"input_shape": [None, 4]}
        assert config["config"] == model.get_config()
        assert config["config"]["layers"][1]["module"] == "keras.layers"
        assert config["compile_config"] == {
            "optimizer": {"module": "keras.optimizers", "class_name": "SGD",
                          "config": model.optimizer.get_config(), "registered_name": None},
            "loss": "mse", "loss_weights": None, "metrics": ["mae"],
            "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1,
            "jit_compile": False}
        with weights_file(archive) as f:
            values = datasets(f)
            groups = []
            f.visit(lambda name: groups.append(name) if name.endswith("vars") else None)
    assert sorted(groups) == ["layers/batch_normalization/vars", "layers/dense/vars",
                              "layers/dense_1/vars", "optimizer/vars", "vars"]
    dense, norm, out = model.layers
    expected = {"layers/dense/vars/0": dense.kernel, "layers/dense/vars/1": dense.bias,
                "layers/batch_normalization/vars/0": norm.gamma,
                "layers/batch_normalization/vars/1": norm.beta,
                "layers/batch_normalization/vars/2": norm.moving_mean,
                "layers/batch_normalization/vars/3": norm.moving_variance,
                "layers/dense_1/vars/0": out.kernel, "layers/dense_1/vars/1": out.bias}
    expected.update({f"optimizer/vars/{i}": v for i, v in enumerate(model.optimizer.variables)})
    assert sorted(values) == sorted(expected)
    for name, variable in expected.items():
        assert values[name].dtype == variable.dtype
        np.testing.assert_array_equal(values[name], variable.data)
    assert values["optimizer/vars/0"] == 2  # the iteration count, then the learning rate


def test_weights_file_layout_and_round_trip(tmp_path):
    model = trained_model()
    model.save_weights(tmp_path / "model.weights.h5")
    with h5py.File(tmp_path / "model.weights.h5", "r") as f:
        assert set(f) == {"layers", "optimizer", "vars"}
        np.testing.assert_array_equal(f["layers/dense_1/vars/0"][()], model.layers[2].kernel.data)
    fresh = trained_model()
    fresh.load_weights(tmp_path / "model.weights.h5")
    for a, b in zip(model.weights + model.optimizer.variables,
                    fresh.weights + fresh.optimizer.variables):
        np.testing.assert_array_equal(a.data, b.data)


def test_nested_and_subclassed_paths_follow_keras():
    inner = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, layers.Dense(1)(inner(inputs)))
    assert [path for path, _ in keras_zip.saveables(model)] == [
        "", "layers/input_layer", "layers/sequential", "layers/sequential/layers/dense",
        "layers/dense"]

    class Net(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = layers.Dense(4)
            self.out = layers.Dense(1)
            self.blocks = [layers.Dense(2), layers.Dense(3)]

        def call(self, x):
            return self.out(self.hidden(x)) + self.blocks[1](self.blocks[0](x))[:, :1]

    net = Net()
    net.build((None, 3))
    # Keras walks attributes alphabetically, and a model's `layers` names its layers by
    # class: 'out' is first met there, as the second Dense of [hidden, out, *blocks].
    assert [path for path, _ in keras_zip.saveables(net)] == [
        "", "blocks/dense", "blocks/dense_1", "hidden", "layers/dense_1"]


def test_loads_a_file_written_as_keras_3_writes_it(tmp_path):
    """A Functional model with a nested Functional model, DTypePolicy dtypes and a compile
    config, as config.json of Keras 3.5 holds them."""
    def tensor(history, shape):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": shape, "dtype": "float32", "keras_history": history}}

    policy = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": None}

    def dense(name, units, source, inbound_shape):
        return {"module": "keras.layers", "class_name": "Dense", "config": {
            "name": name, "trainable": True, "dtype": policy, "units": units,
            "activation": "linear", "use_bias": True,
            "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                   "config": {"seed": None}, "registered_name": None},
            "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros",
                                 "config": {}, "registered_name": None},
            "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None}, "registered_name": None,
            "build_config": {"input_shape": inbound_shape}, "name": name,
            "inbound_nodes": [{"args": [tensor(source, inbound_shape)], "kwargs": {}}]}

    def input_layer(name, width):
        return {"module": "keras.layers", "class_name": "InputLayer",
                "config": {"batch_shape": [None, width], "dtype": "float32", "sparse": False,
                           "name": name}, "registered_name": None, "name": name,
                "inbound_nodes": []}

    nested = {"module": "keras.src.models.functional", "class_name": "Functional",
              "config": {"name": "inner", "trainable": True, "layers": [
                  input_layer("inner_input", 2),
                  dense("inner_dense", 2, ["inner_input", 0, 0], [None, 2])],
                  "input_layers": [["inner_input", 0, 0]],
                  "output_layers": [["inner_dense", 0, 0]]},
              "registered_name": "Functional", "build_config": {"input_shape": None},
              "name": "inner", "inbound_nodes": [  # Keras records mask=None for models
                  {"args": [tensor(["first", 0, 0], [None, 2])], "kwargs": {"mask": None}}]}
    config = {"module": "keras.src.models.functional", "class_name": "Functional",
              "config": {"name": "functional", "trainable": True, "layers": [
                  input_layer("input_layer", 3),
                  dense("first", 2, ["input_layer", 0, 0], [None, 3]),
                  nested,
                  dense("last", 1, ["inner", 0, 0], [None, 2])],
                  "input_layers": [["input_layer", 0, 0]],
                  "output_layers": [["last", 0, 0]]},
              "registered_name": "Functional", "build_config": {"input_shape": None},
              "compile_config": {
                  "optimizer": {"module": "keras.optimizers", "class_name": "Adam",
                                "config": {"name": "adam", "learning_rate": 0.01,
                                           "weight_decay": None, "clipnorm": None,
                                           "global_clipnorm": None, "clipvalue": None,
                                           "use_ema": False, "ema_momentum": 0.99,
                                           "ema_overwrite_frequency": None,
                                           "loss_scale_factor": None,
                                           "gradient_accumulation_steps": None,
                                           "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
                                           "amsgrad": False}, "registered_name": None},
                  "loss": {"module": "keras.losses", "class_name": "MeanSquaredError",
                           "config": {"name": "mean_squared_error",
                                      "reduction": "sum_over_batch_size"},
                           "registered_name": None},
                  "loss_weights": None, "metrics": ["mae"], "weighted_metrics": None,
                  "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}}
    w = {name: RNG.normal(size=shape).astype("float32") for name, shape in
         [("first", (3, 2)), ("inner", (2, 2)), ("last", (2, 1))]}
    weights = io.BytesIO()
    with h5py.File(weights, "w") as f:
        f.create_group("vars")
        for path in ("layers/input_layer/vars", "layers/functional/layers/input_layer/vars",
                     "layers/functional/vars"):
            f.create_group(path)
        for path, name in (("layers/dense", "first"), ("layers/functional/layers/dense",
                                                       "inner"), ("layers/dense_1", "last")):
            f[f"{path}/vars/0"] = w[name]
            f[f"{path}/vars/1"] = np.full(w[name].shape[1], 0.5, "float32")
        f["optimizer/vars/0"] = np.int64(0)
        f["optimizer/vars/1"] = np.float32(0.01)
    path = tmp_path / "keras3.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.5.0",
                                                      "date_saved": "2024-08-01@12:00:00"}))
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.weights.h5", weights.getvalue())
    model = keras.models.load_model(path)
    x = RNG.random((4, 3)).astype("float32")
    h = x @ w["first"] + 0.5
    expected = (h @ w["inner"] + 0.5) @ w["last"] + 0.5
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5)
    assert model.compiled and model.optimizer.learning_rate == pytest.approx(0.01)
    # Written back, the nested model's call is numbered as Keras numbers it.
    config = model.get_config()
    assert config["layers"][-1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] == \
        ["inner", 0, 0]
    assert config["layers"][2]["module"] == "keras.src.models.functional"
    assert config["layers"][2]["registered_name"] == "Functional"


def test_optimizer_variables_are_saved_in_keras_order_for_branching_models(tmp_path):
    # Keras lists these layers (and builds the optimizer for their weights) as
    # in, d2, d1, d3, cat; minikeras's fit built it in the order in, d1, d2, d3, cat.
    inputs = keras.Input(shape=(3,), name="in")
    d1 = layers.Dense(2, name="d1")(inputs)
    d3 = layers.Dense(2, name="d3")(layers.Dense(2, name="d2")(inputs))
    model = keras.Model(inputs, layers.Dense(1, name="out")(layers.Concatenate()([d1, d3])))
    model.compile(optimizer="adam", loss="mse")
    x, y = RNG.random((8, 3)).astype("float32"), RNG.random((8, 1)).astype("float32")
    model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    slots = {v.path: v for v in model.optimizer.variables}
    with zipfile.ZipFile(tmp_path / "m.keras") as archive, weights_file(archive) as f:
        for i, name in enumerate(["iteration", "learning_rate", "d2_kernel_momentum",
                                  "d2_kernel_velocity", "d2_bias_momentum"]):
            np.testing.assert_array_equal(f[f"optimizer/vars/{i}"][()],
                                          slots[f"adam/{name}"].data)
    loaded = keras.models.load_model(tmp_path / "m.keras")
    for path, variable in slots.items():
        np.testing.assert_array_equal(
            {v.path: v for v in loaded.optimizer.variables}[path].data, variable.data)
    model.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(a.data, b.data)


# -- errors ------------------------------------------------------------------------------------


def write_archive(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_archive_without_config_or_weights(tmp_path):
    write_archive(tmp_path / "a.keras", {"notes.txt": "hello"})
    with pytest.raises(ValueError, match="zip archive without config.json.*notes.txt"):
        keras.models.load_model(tmp_path / "a.keras")
    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
    write_archive(tmp_path / "b.keras", {"config.json": model.to_json()})
    with pytest.raises(ValueError, match="no model.weights.h5; it is incomplete"):
        keras.models.load_model(tmp_path / "b.keras")
    write_archive(tmp_path / "c.keras", {"config.json": model.to_json(),
                                         "model.weights.npz": b"PK"})
    with pytest.raises(ValueError, match="npz format"):
        keras.models.load_model(tmp_path / "c.keras")


def test_truncated_archive(tmp_path):
    keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)]).save(tmp_path / "m.keras")
    data = (tmp_path / "m.keras").read_bytes()
    (tmp_path / "m.keras").write_bytes(data[:len(data) - 40])
    with pytest.raises(ValueError, match="damaged or truncated"):
        keras.models.load_model(tmp_path / "m.keras")


def test_lambda_payload_in_config_json_is_refused(tmp_path):
    config = json.loads(keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)]).to_json())
    config["config"]["layers"][1]["config"]["activation"] = {
        "class_name": "__lambda__", "config": {"value": ["4wEAAAAAAAAAAAAAAAEAAAAC", None,
                                                         None]}}
    write_archive(tmp_path / "l.keras", {"config.json": json.dumps(config)})
    with pytest.raises(ValueError, match="holds Python code.*layers\\[1\\].config.activation.*"
                                         'Dense "dense"'):
        keras.models.load_model(tmp_path / "l.keras")


def test_config_json_too_large_or_not_json(tmp_path, monkeypatch):
    from minikeras.saving import files
    write_archive(tmp_path / "x.keras", {"config.json": "[" * 5000 + "]" * 5000})
    with pytest.raises(ValueError, match="nested"):
        keras.models.load_model(tmp_path / "x.keras")
    write_archive(tmp_path / "y.keras", {"config.json": '{"class_name": '})
    with pytest.raises(ValueError, match="config.json.*is not valid JSON"):
        keras.models.load_model(tmp_path / "y.keras")
    monkeypatch.setattr(files, "MAX_JSON_BYTES", 10)
    monkeypatch.setattr(keras_zip, "MAX_JSON_BYTES", 10)
    text = json.dumps({"class_name": "x" * 20})
    write_archive(tmp_path / "z.keras", {"config.json": text})
    with pytest.raises(ValueError, match=f"config.json is {len(text)} bytes, more than the 10 "):
        keras.models.load_model(tmp_path / "z.keras")


def test_weights_that_do_not_match_name_the_layer_and_shapes(tmp_path):
    keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3),
                      layers.Dense(2)]).save_weights(tmp_path / "w.weights.h5")
    other = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3), layers.Dense(5)])
    before = other.get_weights()
    with pytest.raises(ValueError, match="layer 'dense_3', variable 0 \\('dense_3/kernel', "
                                         "dataset 'layers/dense_1/vars/0'.*expects shape "
                                         "\\(3, 5\\), but the file holds shape \\(3, 2\\)"):
        other.load_weights(tmp_path / "w.weights.h5")
    assert all(np.array_equal(a, b) for a, b in zip(before, other.get_weights()))
    with pytest.warns(UserWarning, match="Skipping loading a weight of layer 'dense_3'"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[1].kernel.data, before[2])
    smaller = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3)])
    with pytest.warns(UserWarning, match="no part of the model uses: \\['layers/dense_1/vars'"):
        smaller.load_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="by_name=True is only supported for the legacy"):
        smaller.load_weights(tmp_path / "w.weights.h5", by_name=True)


def test_missing_variable_in_weights_file(tmp_path):
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3)])
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "r+") as f:
        del f["layers/dense/vars/1"]
    with pytest.raises(ValueError, match="Layer 'dense' expected 2 variables, but received 1 "
                                         "variables during loading"):
        model.load_weights(tmp_path / "w.weights.h5")


def test_a_layer_may_save_and_load_its_own_variables(tmp_path):
    class Counter(layers.Layer):
        """Keeps a value that is not a weight, saved through the Keras hooks."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.total = np.zeros(2, "float32")

        def call(self, inputs):
            return inputs + self.total

        def save_own_variables(self, store):
            store["0"] = self.total

        def load_own_variables(self, store):
            assert list(store.keys()) == ["0"] and len(store) == 1
            self.total = store["0"]

    model = keras.Sequential([keras.Input(shape=(2,)), Counter()])
    model.layers[0].total = np.array([1.0, 2.0], "float32")
    model.save_weights(tmp_path / "w.weights.h5")
    other = keras.Sequential([keras.Input(shape=(2,)), Counter()])
    other.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(other.layers[0].total, [1.0, 2.0])
    with h5py.File(tmp_path / "w.weights.h5", "r+") as f:
        del f["layers/counter/vars/0"]
        f["layers/counter/vars/0"] = np.zeros(10 ** 6, "float32")  # more than the model holds
    with pytest.raises(ValueError, match="more than the model could use"):
        other.load_weights(tmp_path / "w.weights.h5")


def test_a_damaged_byte_in_the_weights_is_caught_by_the_checksum(tmp_path):
    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(64)])
    model.save(tmp_path / "m.keras")
    data = bytearray((tmp_path / "m.keras").read_bytes())
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        info = archive.getinfo("model.weights.h5")
    data[info.header_offset + 30 + len(info.filename) + info.file_size // 2] ^= 0xFF
    (tmp_path / "m.keras").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="damaged or truncated.*model.weights.h5 does not "
                                         "match its checksum"):
        keras.models.load_model(tmp_path / "m.keras")
