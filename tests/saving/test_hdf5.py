"""The legacy HDF5 format: the layout Keras writes, checked field by field; files in the
tf.keras 2 flavour (bytes attributes, 'kernel:0' names, list-style inbound nodes, chunked
name lists); weights by order and by name; and clear errors for damaged or hostile files."""

import json

import h5py
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.saving import hdf5

RNG = np.random.default_rng(0)


def small_model(compiled=True):
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="relu"),
                              layers.Dropout(0.5), layers.BatchNormalization(),
                              layers.Dense(2, activation="softmax")])
    if compiled:
        model.compile(optimizer="adam", loss="categorical_crossentropy",
                      metrics=["accuracy"])
        x = RNG.random((8, 4)).astype("float32")
        y = keras.utils.to_categorical(RNG.integers(0, 2, 8), 2)
        model.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    return model


def test_whole_model_file_has_keras_layout_field_by_field(tmp_path):
    model = small_model()
    path = tmp_path / "model.h5"
    model.save(path)
    with h5py.File(path, "r") as f:
        assert set(f) == {"model_weights", "optimizer_weights"}
        assert f.attrs["keras_version"] == "3.5.0" and f.attrs["backend"] == "numpy"
        config = json.loads(f.attrs["model_config"])
        assert config["class_name"] == "Sequential"
        assert config["config"]["name"] == "sequential"
        entries = config["config"]["layers"]
        # HDF5 files hold each layer in tf.keras 2's short form.
        assert [set(e) for e in entries] == [{"class_name", "config"}] * 5
        assert entries[0] == {"class_name": "InputLayer", "config": {
            "batch_shape": [None, 4], "dtype": "float32", "sparse": False,
            "name": "input_layer"}}
        assert entries[1]["config"] == model.layers[0].get_config()
        training = json.loads(f.attrs["training_config"])
        assert training == {
            "loss": "categorical_crossentropy", "loss_weights": None, "metrics": ["accuracy"],
            "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1,
            "jit_compile": False,
            "optimizer_config": {"class_name": "Adam", "config": model.optimizer.get_config()},
        }
        weights = f["model_weights"]
        assert list(weights.attrs["layer_names"]) == [b"dense", b"dropout",
                                                      b"batch_normalization", b"dense_1"]
        assert weights.attrs["layer_names"].dtype.kind == "S"
        # Written as bytes, as Keras writes them (h5py may read them back as str).
        assert hdf5.read_text(weights, "backend", "test") == "numpy"
        assert hdf5.read_text(weights, "keras_version", "test") == "3.5.0"
        assert set(weights) == {"dense", "dropout", "batch_normalization", "dense_1",
                                "top_level_model_weights"}
        assert list(weights["dense"].attrs["weight_names"]) == [b"dense/kernel", b"dense/bias"]
        np.testing.assert_array_equal(weights["dense/dense/kernel"][()],
                                      model.layers[0].kernel.data)
        assert weights["dense/dense/kernel"].dtype == np.float32
        assert list(weights["dropout"].attrs["weight_names"]) == []
        # Trainable weights first, as Keras lists them.
        assert list(weights["batch_normalization"].attrs["weight_names"]) == [
            b"batch_normalization/gamma", b"batch_normalization/beta",
            b"batch_normalization/moving_mean", b"batch_normalization/moving_variance"]
        np.testing.assert_array_equal(
            weights["batch_normalization/batch_normalization/moving_variance"][()],
            model.layers[2].moving_variance.data)
        assert list(weights["top_level_model_weights"].attrs["weight_names"]) == []
        optimizer = f["optimizer_weights"]
        names = [v.path for v in model.optimizer.variables]
        assert [n.decode() for n in optimizer.attrs["weight_names"]] == names
        assert names[:3] == ["adam/iteration", "adam/learning_rate", "adam/dense_kernel_momentum"]
        assert optimizer["adam/iteration"][()] == 2
        assert optimizer["adam/iteration"].dtype == np.int64
        for name, variable in zip(names, model.optimizer.variables):
            np.testing.assert_array_equal(optimizer[name][()], variable.data)


def test_weights_file_is_the_model_weights_group_at_the_root(tmp_path):
    model = small_model(compiled=False)
    model.save_weights(tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5", "r") as f:
        assert list(f.attrs["layer_names"]) == [b"dense", b"dropout", b"batch_normalization",
                                                b"dense_1"]
        assert "model_config" not in f.attrs and "optimizer_weights" not in f
        assert list(f["dense_1"].attrs["weight_names"]) == [b"dense_1/kernel", b"dense_1/bias"]


def test_functional_layer_names_list_inputs_and_follow_keras_order(tmp_path):
    # A graph where a depth-first walk and Keras's order (deepest first) differ.
    inputs = keras.Input(shape=(3,), name="in")
    d1 = layers.Dense(4, name="d1")(inputs)
    d3 = layers.Dense(4, name="d3")(layers.Dense(4, name="d2")(inputs))
    model = keras.Model(inputs, layers.Concatenate(name="cat")([d1, d3]))
    model.save_weights(tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5", "r") as f:
        names = [n.decode() for n in f.attrs["layer_names"]]
    assert names == ["in", "d2", "d1", "d3", "cat"]
    assert [layer.name for layer in model.layers] == ["in", "d1", "d2", "d3", "cat"]
    # Loading by order pairs the layers in that same order.
    clone = keras.models.clone_model(model)
    clone.load_weights(tmp_path / "w.h5")
    x = RNG.random((2, 3)).astype("float32")
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_long_name_lists_are_chunked_and_read_back(tmp_path):
    names = [f"layer_{i:05d}_" + "x" * 200 for i in range(400)]
    with h5py.File(tmp_path / "a.h5", "w") as f:
        hdf5.write_names(f, "layer_names", names)
        assert "layer_names" not in f.attrs
        chunks = [key for key in f.attrs if key.startswith("layer_names")]
        assert len(chunks) > 1
        assert all(f.attrs[key].nbytes <= hdf5.HDF5_OBJECT_HEADER_LIMIT for key in chunks)
        assert hdf5.read_names(f, "layer_names", "test") == names


# -- files in the tf.keras 2 flavour -----------------------------------------------------------


def tf_keras_dense(name, units, activation="linear", first=None):
    config = {"name": name, "trainable": True, "dtype": "float32", "units": units,
              "activation": activation, "use_bias": True,
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
              "bias_initializer": {"class_name": "Zeros", "config": {}},
              "kernel_regularizer": None, "bias_regularizer": None,
              "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
    if first:
        config["batch_input_shape"] = [None, first]
    return {"class_name": "Dense", "config": config}


def write_tf_keras_weights(group, layer_weights, layer_names=None):
    """The model_weights layout tf.keras 2 wrote: bytes attributes, 'name:0' datasets."""
    group.attrs["layer_names"] = np.array([n.encode() for n in layer_names or layer_weights])
    group.attrs["backend"] = b"tensorflow"
    group.attrs["keras_version"] = b"2.4.0"
    for layer, weights in layer_weights.items():
        g = group.create_group(layer)
        names = [f"{layer}/{w}:0".encode() for w in weights]
        g.attrs["weight_names"] = np.array(names) if names else np.zeros((0,))
        for name, value in zip(names, weights.values()):
            g.create_dataset(name.decode(), data=value)


def test_loads_a_tf_keras_2_sequential_file(tmp_path):
    w1, b1 = RNG.normal(size=(4, 3)).astype("float32"), RNG.normal(size=3).astype("float32")
    w2, b2 = RNG.normal(size=(3, 2)).astype("float32"), RNG.normal(size=2).astype("float32")
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4],
                                                "dtype": "float32", "sparse": False,
                                                "ragged": False, "name": "dense_input"}},
        tf_keras_dense("dense", 3, "relu"),
        {"class_name": "Dropout", "config": {"name": "dropout", "trainable": True,
                                             "dtype": "float32", "rate": 0.3,
                                             "noise_shape": None, "seed": None}},
        tf_keras_dense("dense_1", 2, "softmax")]}}
    training = {
        "loss": "categorical_crossentropy",
        "metrics": [[{"class_name": "MeanMetricWrapper", "config": {
            "name": "accuracy", "dtype": "float32", "fn": "categorical_accuracy"}}]],
        "weighted_metrics": None, "loss_weights": None,
        "optimizer_config": {"class_name": "Adam", "config": {
            "name": "Adam", "learning_rate": 0.01, "decay": 0.0, "beta_1": 0.9,
            "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False}}}
    path = tmp_path / "tf2.h5"
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.4.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode()
        f.attrs["training_config"] = json.dumps(training).encode()
        write_tf_keras_weights(f.create_group("model_weights"), {
            "dense": {"kernel": w1, "bias": b1}, "dropout": {},
            "dense_1": {"kernel": w2, "bias": b2}})
        opt = f.create_group("optimizer_weights")  # tf.keras 2's slots: not Keras 3's
        opt.attrs["weight_names"] = np.array([b"Adam/iter:0"])
        opt.create_dataset("Adam/iter:0", data=np.int64(7))
    with pytest.warns(UserWarning, match="freshly initialized optimizer"):
        model = keras.models.load_model(path)
    x = RNG.random((5, 4)).astype("float32")
    hidden = np.maximum(x @ w1 + b1, 0)
    logits = hidden @ w2 + b2
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5)
    assert model.compiled and model.optimizer.learning_rate == pytest.approx(0.01)
    assert type(model.optimizer).__name__ == "Adam"
    y = keras.utils.to_categorical(RNG.integers(0, 2, 5), 2)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}


def test_loads_a_tf_keras_2_functional_file_with_list_style_nodes_and_a_nested_model(
        tmp_path):
    w_in = RNG.normal(size=(3, 2)).astype("float32")
    w_nested = RNG.normal(size=(2, 2)).astype("float32")
    nested = {"class_name": "Sequential", "name": "sequential", "config": {
        "name": "sequential", "layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 2],
                                                    "dtype": "float32", "name": "in2"}},
            tf_keras_dense("inner", 2, "tanh")]},
        # tf.keras 2 counts a Sequential's construction as its node 0.
        "inbound_nodes": [[["shared", 0, 0, {}]]]}
    config = {"class_name": "Functional", "config": {"name": "model", "layers": [
        {"class_name": "InputLayer", "name": "input_1",
         "config": {"batch_input_shape": [None, 3], "dtype": "float32", "name": "input_1"},
         "inbound_nodes": []},
        dict(tf_keras_dense("shared", 2), name="shared", inbound_nodes=[[["input_1", 0, 0, {}]]]),
        nested,
        {"class_name": "Add", "name": "add",
         "config": {"name": "add", "trainable": True, "dtype": "float32"},
         "inbound_nodes": [[["sequential", 1, 0, {}], ["shared", 0, 0, {}]]]}],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["add", 0, 0]]}}
    path = tmp_path / "tf2_functional.h5"
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(config).encode()
        group = f.create_group("model_weights")
        write_tf_keras_weights(group, {"input_1": {}, "add": {},
                                       "shared": {"kernel": w_in, "bias": np.zeros(2, "f4")}})
        g = group.create_group("sequential")
        g.attrs["weight_names"] = np.array([b"inner/kernel:0", b"inner/bias:0"])
        g.create_dataset("inner/kernel:0", data=w_nested)
        g.create_dataset("inner/bias:0", data=np.ones(2, "f4"))
        group.attrs["layer_names"] = np.array([b"input_1", b"shared", b"sequential", b"add"])
    with pytest.warns(UserWarning, match="not\\* compiled"):
        model = keras.models.load_model(path)
    x = RNG.random((4, 3)).astype("float32")
    h = x @ w_in
    np.testing.assert_allclose(model.predict(x, verbose=0), np.tanh(h @ w_nested + 1) + h,
                               rtol=1e-5)


def test_reads_str_attributes_and_chunked_layer_names(tmp_path):
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2), layers.Dense(1)])
    path = tmp_path / "w.h5"
    with h5py.File(path, "w") as f:
        # Written as (variable-length) str rather than bytes, and in two chunks.
        f.attrs["layer_names0"] = np.array(["dense"], dtype=h5py.string_dtype())
        f.attrs["layer_names1"] = np.array(["dense_1"], dtype=h5py.string_dtype())
        for layer in model.layers:
            g = f.create_group(layer.name)
            g.attrs["weight_names"] = np.array(["kernel", "bias"], dtype=h5py.string_dtype())
            g.create_dataset("kernel", data=np.full(layer.kernel.shape, 2, "float32"))
            g.create_dataset("bias", data=np.full(layer.bias.shape, 3, "float32"))
    model.load_weights(path)
    assert all(np.all(layer.kernel.data == 2) and np.all(layer.bias.data == 3)
               for layer in model.layers)


# -- loading weights by order and by name ------------------------------------------------------


def test_load_weights_by_name_and_skip_mismatch(tmp_path):
    source = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2, name="a"),
                               layers.Dense(4, name="b")])
    source.save_weights(tmp_path / "w.h5")
    target = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2, name="a"),
                               layers.Dense(5, name="b"), layers.Dense(1, name="c")])
    before = target.get_layer("b").kernel.data.copy()
    with pytest.raises(ValueError, match="layer count mismatch.*\\['a', 'b', 'c'\\]"):
        target.load_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match="layer #1 \\(named 'b'\\).*expects shape \\(2, 5\\), "
                                         "but the file holds shape \\(2, 4\\)"):
        target.load_weights(tmp_path / "w.h5", by_name=True)
    with pytest.warns(UserWarning, match="Skipping loading weight 'b/"):
        target.load_weights(tmp_path / "w.h5", by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(target.get_layer("a").kernel.data,
                                  source.get_layer("a").kernel.data)
    np.testing.assert_array_equal(target.get_layer("b").kernel.data, before)


def test_failed_load_leaves_the_model_unchanged(tmp_path):
    source = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2), layers.Dense(4)])
    source.save_weights(tmp_path / "w.h5")
    target = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2), layers.Dense(5)])
    before = target.get_weights()
    with pytest.raises(ValueError, match="named 'dense_3' in the model, 'dense_1' in the file"):
        target.load_weights(tmp_path / "w.h5")
    for old, new in zip(before, target.get_weights()):
        np.testing.assert_array_equal(old, new)


# -- damaged and hostile files -----------------------------------------------------------------


@pytest.fixture
def saved(tmp_path):
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3), layers.Dense(2)])
    path = tmp_path / "model.h5"
    model.save(path)
    return path


def edit(path, change):
    with h5py.File(path, "r+") as f:
        change(f)


def test_truncated_file(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[:len(data) // 2])
    with pytest.raises(ValueError, match="damaged or truncated"):
        keras.models.load_model(saved)


def test_missing_dataset(saved):
    edit(saved, lambda f: f["model_weights/dense"].pop("dense/kernel"))
    with pytest.raises(ValueError, match="lists 'dense/kernel', but .*holds no such dataset"):
        keras.models.load_model(saved)


def test_missing_layer_group(saved):
    edit(saved, lambda f: f["model_weights"].pop("dense_1"))
    with pytest.raises(ValueError, match="lists 'dense_1'.*no such group.*incomplete"):
        keras.models.load_model(saved)


def test_wrong_shape_is_refused_before_reading(saved):
    def replace(f):
        group = f["model_weights/dense_1"]
        group.pop("dense_1/kernel")
        # Declared huge and never written: reading it would allocate 40 GB.
        group.create_dataset("dense_1/kernel", shape=(100000, 100000), dtype="float32")
    edit(saved, replace)
    with pytest.raises(ValueError, match="named 'dense_1'.*weight 'dense_1/kernel': the weight "
                                         "expects shape \\(3, 2\\), but the file holds shape "
                                         "\\(100000, 100000\\)"):
        keras.models.load_model(saved)


def test_wrong_dtype(saved):
    def replace(f):
        group = f["model_weights/dense"]
        group.pop("dense/bias")
        group.create_dataset("dense/bias", data=np.zeros(3, "float64"))
    edit(saved, replace)
    with pytest.raises(ValueError, match="weight 'dense/bias': the weight has dtype float32, "
                                         "but the file holds float64 values"):
        keras.models.load_model(saved)


def test_non_numeric_dataset_and_external_link(saved, tmp_path):
    def strings(f):
        group = f["model_weights/dense"]
        group.pop("dense/bias")
        group.create_dataset("dense/bias", data=np.array(["a", "b", "c"], dtype=object),
                             dtype=h5py.string_dtype())
    edit(saved, strings)
    with pytest.raises(ValueError, match="should hold numbers"):
        keras.models.load_model(saved)

    def link(f):
        group = f["model_weights/dense/dense"]
        del group["bias"]
        group["bias"] = h5py.ExternalLink(str(tmp_path / "other.h5"), "/bias")
    edit(saved, link)
    with pytest.raises(ValueError, match="link to data elsewhere"):
        keras.models.load_model(saved)


def test_bad_attributes(saved):
    edit(saved, lambda f: f["model_weights"].attrs.__setitem__("layer_names", np.arange(3)))
    with pytest.raises(ValueError, match="'layer_names' should hold text"):
        keras.models.load_model(saved)
    edit(saved, lambda f: f.attrs.__setitem__("model_config", b"{not json"))
    with pytest.raises(ValueError, match="model_config.*is not valid JSON"):
        keras.models.load_model(saved)
    edit(saved, lambda f: f.attrs.__delitem__("model_config"))
    with pytest.raises(ValueError, match="No model config found.*holds only weights"):
        keras.models.load_model(saved)


def test_lambda_stored_as_bytecode_is_refused(tmp_path):
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 2],
                                                "name": "in"}},
        {"class_name": "Lambda", "config": {
            "name": "lambda", "trainable": True, "dtype": "float32",
            "function": ["4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARQAUwApAk7pAgAAAKkA",
                         None, None],
            "function_type": "lambda", "module": "__main__", "output_shape": None,
            "output_shape_type": "raw", "output_shape_module": None, "arguments": {}}}]}}
    path = tmp_path / "lambda.h5"
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(config).encode()
        f.create_group("model_weights").attrs["layer_names"] = np.array([b"lambda"])
    with pytest.raises(ValueError, match='holds Python code .*Lambda "lambda".*never runs '
                                         'code from a file'):
        keras.models.load_model(path)
    with pytest.raises(ValueError, match="holds Python code"):
        keras.models.load_model(path, safe_mode=False)


def test_unknown_layer_class_points_to_custom_objects(tmp_path):
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"batch_shape": [None, 2], "name": "in"}},
        {"class_name": "MyDenseLayer", "config": {"name": "mine", "units": 3}}]}}
    path = tmp_path / "custom.h5"
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(config).encode()
    with pytest.raises(ValueError, match="Unknown layer class 'MyDenseLayer' \\(layer 'mine'\\)"
                                         ".*custom_objects=\\{'MyDenseLayer': MyDenseLayer\\}.*"
                                         "register_keras_serializable"):
        keras.models.load_model(path)
