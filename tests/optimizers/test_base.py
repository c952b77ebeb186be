"""The optimizer machinery shared by all optimizers: the apply contract with the training loop,
learning rates, clipping, weight decay, EMA, gradient accumulation, state, configs, registry."""

import pickle
import tracemalloc
import warnings

import numpy as np
import pytest

from minikeras import ops, optimizers
from minikeras.backend import Variable
from minikeras.optimizers import SGD, Adam, Optimizer, schedules

NAMES = ["sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamw", "adamax", "nadam"]
CLASSES = [optimizers.SGD, optimizers.RMSprop, optimizers.Adagrad, optimizers.Adadelta,
           optimizers.Adam, optimizers.AdamW, optimizers.Adamax, optimizers.Nadam]


def pair():
    return (Variable([[1.0, 2.0], [3.0, 4.0]], name="kernel"),
            Variable([0.5, -0.5], name="bias"))


def ones_like(*variables):
    return [np.ones(v.shape, "float32") for v in variables]


# -- the contract with the training loop -------------------------------------------------------


def test_apply_and_apply_gradients_are_the_same_step():
    a, b = pair()
    c, d = pair()
    grads = [np.array([[0.1, -0.2], [0.3, 0.4]], "float32"), np.array([1.0, -1.0], "float32")]
    first, second = Adam(learning_rate=0.1), Adam(learning_rate=0.1)
    first.apply(grads, [a, b])
    assert second.apply_gradients(zip(grads, [c, d])) == 1
    np.testing.assert_array_equal(a.data, c.data)
    np.testing.assert_array_equal(b.data, d.data)
    first.apply(grads)  # after the first call, the built variables are the default
    second.apply_gradients(zip(grads, [c, d]))
    np.testing.assert_array_equal(a.data, c.data)


def test_iterations_counter():
    v = Variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = Adam(learning_rate=1.0)
    assert optimizer.iterations == 0
    optimizer.apply_gradients([(np.ones((2, 2), "float32"), v)])
    optimizer.apply_gradients([(np.ones((2, 2), "float32"), v)])
    assert optimizer.iterations == 2 and isinstance(optimizer.iterations, int)
    assert optimizer.variables[0].name == "iteration" and int(optimizer.variables[0].data) == 2


def test_none_gradients_are_skipped_with_a_warning():
    v, v2 = Variable([[3.0, 4.0], [5.0, 6.0]]), Variable([[3.0, 4.0], [5.0, 6.0]], name="w2")
    optimizer = SGD(learning_rate=1.0)
    with pytest.warns(UserWarning, match="Gradients do not exist for variables"):
        optimizer.apply_gradients([(None, v), (np.ones((2, 2), "float32"), v2)])
    np.testing.assert_array_equal(v.data, [[3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_array_equal(v2.data, [[2.0, 3.0], [4.0, 5.0]])


def test_all_none_gradients_is_an_error():
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        SGD().apply_gradients([(None, Variable([1.0]))])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("options", [{}, {"clipnorm": 0.1}, {"clipvalue": 0.1},
                                     {"global_clipnorm": 0.1}, {"loss_scale_factor": 4.0},
                                     {"gradient_accumulation_steps": 2, "use_ema": True}])
def test_gradients_are_never_modified_even_when_shared(name, options):
    a, b = Variable(np.ones((2, 3)), name="a"), Variable(np.ones((2, 3)), name="b")
    shared = np.array([[0.5, -2.0, 3.0], [1.0, 0.0, -0.25]], "float32")
    before = shared.copy()
    optimizer = optimizers.get({"class_name": name, "config": options})
    for _ in range(3):
        optimizer.apply([shared, shared], [a, b])
    np.testing.assert_array_equal(shared, before)
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.array_equal(a.data, np.ones((2, 3)))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_updates_are_in_place_and_keep_the_dtype(name, dtype):
    v = Variable(np.ones((3, 2)), dtype=dtype)
    data = v.data
    optimizer = optimizers.get(name)
    optimizer.apply([np.full((3, 2), 0.5, dtype)], [v])
    assert v.data is data and v.data.dtype == dtype
    assert all(s.dtype == dtype for s in optimizer.variables[2:])
    assert optimizer.variables[1].dtype == np.float32  # the learning rate is in floatx


@pytest.mark.parametrize("name", NAMES)
def test_a_step_allocates_no_temporaries(name):
    # 256k float32 elements = 1 MiB per array: any temporary (float32 or float64) would show.
    v = Variable(np.ones(1 << 18, "float32"))
    g = np.full(1 << 18, 0.5, "float32")
    optimizer = optimizers.get(name)
    optimizer.apply([g], [v])
    tracemalloc.start()
    optimizer.apply([g], [v])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 100_000


def test_constraints_are_applied_after_the_update():
    v = Variable(np.array([[-0.5, 0.5], [0.2, -0.1]]), constraint=lambda x: ops.relu(x))
    SGD(learning_rate=0.0001).apply([np.zeros((2, 2), "float32")], [v])
    np.testing.assert_allclose(v.data, [[0.0, 0.5], [0.2, 0.0]])
    w = Variable([1.0], constraint=lambda x: x.data * 0.5)
    SGD(learning_rate=1.0).apply([np.array([0.5], "float32")], [w])
    np.testing.assert_allclose(w.data, [0.25])  # (1 - 0.5) then halved


def test_gradient_dtype_is_cast_and_tensors_are_accepted():
    v = Variable([1.0, 2.0])
    SGD(learning_rate=0.5).apply([np.array([1.0, 2.0])], [v])   # float64 gradient
    assert v.data.dtype == np.float32
    np.testing.assert_allclose(v.data, [0.5, 1.0])
    SGD(learning_rate=0.5).apply([ops.convert_to_tensor([1.0, 2.0])], [v])
    np.testing.assert_allclose(v.data, [0.0, 0.0])


def test_mismatched_inputs_are_clear_errors():
    a, b = pair()
    with pytest.raises(ValueError, match="has shape \\(2,\\), but the variable has shape"):
        SGD().apply([np.ones(2, "float32")], [a])
    with pytest.raises(ValueError, match="received 1 gradients for 2 variables"):
        SGD().apply(ones_like(a), [a, b])
    with pytest.raises(ValueError, match="must already be built"):
        SGD().apply(ones_like(a))
    optimizer = SGD()
    optimizer.apply(ones_like(a), [a])
    with pytest.raises(ValueError, match="Unknown variable"):
        optimizer.apply(ones_like(b), [b])
    with pytest.raises(TypeError, match="minikeras Variables"):
        SGD().apply([np.ones(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="\\(gradient, variable\\) pairs"):
        SGD().apply_gradients([np.ones(2)])


# -- learning rates ------------------------------------------------------------------------------


def test_learning_rate_is_a_float_and_can_be_set():
    optimizer = Adam(learning_rate=0.5)
    assert optimizer.learning_rate == 0.5 and isinstance(optimizer.learning_rate, float)
    assert Adam().learning_rate == pytest.approx(0.001)  # stored in float32, as in Keras
    optimizer.learning_rate = 0.25
    assert optimizer.learning_rate == 0.25
    assert float(optimizer.variables[1].data) == 0.25
    optimizer.learning_rate *= 0.5   # what ReduceLROnPlateau-style code does
    assert optimizer.learning_rate == 0.125
    with pytest.raises(ValueError, match="`learning_rate` must be >= 0"):
        optimizer.learning_rate = -1.0


def test_schedule_is_evaluated_at_the_iteration_count():
    schedule = schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5)
    optimizer = SGD(learning_rate=schedule)
    v = Variable([0.0])
    expected = 0.0
    for step in range(4):
        assert optimizer.learning_rate == schedule(step)
        optimizer.apply([np.ones(1, "float32")], [v])
        expected -= 0.5 ** step
        assert v.data.item() == pytest.approx(expected)
    assert [x.name for x in optimizer.variables] == ["iteration"]


def test_setting_a_schedule_untracks_the_learning_rate_variable():
    adam = Adam(learning_rate=0.001)
    assert len(adam.variables) == 2
    adam.learning_rate = schedules.PolynomialDecay(adam.learning_rate, 4)
    assert len(adam.variables) == 1
    with pytest.raises(TypeError, match="not settable"):
        adam.learning_rate = 0.1
    zero = SGD(learning_rate=0.0)   # a rate equal in value to the iteration count
    zero.learning_rate = schedules.PolynomialDecay(0.1, 4)
    assert [v.name for v in zero.variables] == ["iteration"]


def test_callable_learning_rate():
    v = Variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = SGD(learning_rate=lambda: 0.1)
    optimizer.apply_gradients([(np.ones((2, 2), "float32"), v)])
    np.testing.assert_allclose(v.data, [[0.9, 1.9], [2.9, 3.9]])
    with pytest.raises(ValueError, match="cannot serialize the callable learning rate"):
        optimizer.get_config()


@pytest.mark.parametrize("bad", ["0.01", None, True, [0.1]])
def test_learning_rate_type_errors(bad):
    with pytest.raises(ValueError, match="Adam: argument `learning_rate` should be a float"):
        Adam(learning_rate=bad)


def test_negative_learning_rate_is_an_error():
    with pytest.raises(ValueError, match="SGD: `learning_rate` must be >= 0"):
        SGD(learning_rate=-0.1)


def test_schedule_where_a_float_is_expected_names_the_argument():
    with pytest.raises(ValueError, match="Adam: argument `beta_1` must be a float.*Only "
                                         "`learning_rate` accepts a LearningRateSchedule"):
        Adam(beta_1=schedules.ExponentialDecay(0.9, 10, 0.9))
    with pytest.raises(ValueError, match="SGD: argument `weight_decay` must be a float"):
        SGD(weight_decay="0.1")


def test_unknown_and_legacy_arguments():
    with pytest.raises(ValueError, match="Adam: Argument\\(s\\) not recognized: \\{'lr': 0.1\\}."
                                         " `lr` was renamed `learning_rate`"):
        Adam(lr=0.1)
    with pytest.raises(ValueError, match="RMSprop: Argument\\(s\\) not recognized"):
        optimizers.RMSprop(foo=1)
    with pytest.warns(UserWarning, match="`decay` is no longer supported"):
        SGD(decay=0.01)


# -- clipping, weight decay, loss scaling ------------------------------------------------------


def test_keras_clip_examples():
    grad = [np.array([100.0, 100.0], "float32")]
    np.testing.assert_allclose(SGD(clipnorm=1)._clip_gradients(grad)[0], [2 ** 0.5 / 2] * 2,
                               rtol=1e-6)
    np.testing.assert_allclose(SGD(clipvalue=1)._clip_gradients(grad)[0], [1.0, 1.0])
    g = np.array([50.0, 100.0], "float32")
    np.testing.assert_allclose(SGD(global_clipnorm=1)._clip_gradients([g])[0],
                               g / np.linalg.norm(g), rtol=1e-6)


@pytest.mark.parametrize("options, expected", [
    ({"clipnorm": 1.0}, [[-0.6, -0.8], [0.0, 0.5]]),         # per-variable norms 5 and 0.5
    ({"global_clipnorm": 1.0}, [[-0.6 / 1.0198039, -0.8 / 1.0198039], [0.0, 0.5]]),
    ({"clipvalue": 0.7}, [[-0.7, -0.7], [0.0, 0.5]]),
])
def test_clipping_inside_a_step(options, expected):
    a, b = Variable([0.0, 0.0]), Variable([0.0, 0.0])
    grads = [np.array([3.0, 4.0], "float32"), np.array([0.0, -0.5], "float32")]
    SGD(learning_rate=1.0, **options).apply(grads, [a, b])
    if "global_clipnorm" in options:
        norm = np.sqrt(25 + 0.25)
        expected = [[-3 / norm, -4 / norm], [0.0, 0.5 / norm]]
    np.testing.assert_allclose([a.data, b.data], expected, rtol=1e-6)


def test_only_one_clip_option():
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and "
                                         "`global_clipnorm` can be set"):
        SGD(clipnorm=0.1, clipvalue=0.1)
    with pytest.raises(ValueError, match="`clipnorm` must be >= 0"):
        SGD(clipnorm=-1.0)


def test_weight_decay_is_decoupled_and_applied_first():
    v = Variable([2.0, -4.0])
    SGD(learning_rate=0.5, weight_decay=0.1).apply([np.array([1.0, 1.0], "float32")], [v])
    np.testing.assert_allclose(v.data, [2.0 - 2.0 * 0.05 - 0.5, -4.0 + 4.0 * 0.05 - 0.5])


def test_exclude_from_weight_decay_must_come_before_build():
    optimizer = SGD(weight_decay=0.1)
    optimizer.build([Variable([1.0])])
    with pytest.raises(ValueError, match="before the optimizer is built"):
        optimizer.exclude_from_weight_decay(var_names=["bias"])


def test_static_loss_scaling():
    v = Variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = SGD(learning_rate=1.0, loss_scale_factor=1024.0)
    optimizer.apply([np.array([[1.0, 2.0], [3.0, 4.0]], "float32") * 1024], [v])
    assert optimizer.scale_loss(1.0) == 1024.0
    np.testing.assert_allclose(v.data, np.zeros((2, 2)))


# -- EMA and gradient accumulation --------------------------------------------------------------


def test_ema_keras_example():
    v = Variable([[3.0, 4.0], [5.0, 6.0]], name="kernel")
    grads = np.ones((2, 2), "float32")
    optimizer = SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.9,
                    ema_overwrite_frequency=3)
    optimizer.apply_gradients([(grads, v)])
    np.testing.assert_allclose(v.data, [[2.0, 3.0], [4.0, 5.0]])
    average = optimizer._model_variables_moving_average[0]
    assert average.name == "kernel_average"
    np.testing.assert_allclose(average.data, [[2.0, 3.0], [4.0, 5.0]])  # starts at the value
    optimizer.apply_gradients([(grads, v)])
    np.testing.assert_allclose(v.data, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(average.data, [[1.9, 2.9], [3.9, 4.9]], rtol=1e-6)
    optimizer.apply_gradients([(grads, v)])   # third step: overwritten with the average
    np.testing.assert_allclose(v.data, [[1.71, 2.71], [3.71, 4.71]], rtol=1e-6)


def test_finalize_variable_values_copies_the_averages():
    v = Variable([1.0])
    optimizer = SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    for _ in range(2):
        optimizer.apply([np.ones(1, "float32")], [v])
    optimizer.finalize_variable_values([v])
    np.testing.assert_allclose(v.data, [0.5 * 0.0 + 0.5 * -1.0])


def test_gradient_accumulation_keras_example():
    v = Variable([[1.0, 2.0], [3.0, 4.0]])
    grads = np.ones((2, 2), "float32")
    optimizer = SGD(learning_rate=1.0, gradient_accumulation_steps=3)
    expected = [([[1.0, 2.0], [3.0, 4.0]], 1.0), ([[1.0, 2.0], [3.0, 4.0]], 2.0),
                ([[0.0, 1.0], [2.0, 3.0]], 0.0), ([[0.0, 1.0], [2.0, 3.0]], 1.0)]
    for step, (value, accumulated) in enumerate(expected, start=1):
        optimizer.apply_gradients([(grads, v)])
        np.testing.assert_allclose(v.data, value)
        np.testing.assert_allclose(optimizer._accumulated_gradients[0].data, accumulated)
        assert int(optimizer.variables[0].data) == step
    assert optimizer.iterations == 4 // 3


def test_gradient_accumulation_averages_and_counts_update_steps():
    # Two Adam updates on the averaged gradients equal plain Adam on those averages.
    a, b = Variable([1.0, -1.0]), Variable([1.0, -1.0])
    g1, g2, g3, g4 = (np.array(x, "float32") for x in ([0.2, 0.4], [0.6, -0.4], [1.0, 0.0],
                                                       [0.0, 1.0]))
    accumulating = Adam(learning_rate=0.1, gradient_accumulation_steps=2)
    for g in (g1, g2, g3, g4):
        accumulating.apply([g], [a])
    plain = Adam(learning_rate=0.1)
    plain.apply([(g1 + g2) / 2], [b])
    plain.apply([(g3 + g4) / 2], [b])
    np.testing.assert_allclose(a.data, b.data, rtol=1e-6)


# -- state ---------------------------------------------------------------------------------------


def test_set_weights_and_own_variables_round_trip():
    x = Variable([[1.0, 2.0], [3.0, 4.0]])
    first = Adam()
    first.apply([np.array([[1.0, 2.0], [3.0, 4.0]], "float32")], [x])
    second = Adam()
    with pytest.raises(ValueError, match="You are calling `set_weights\\(\\)`"):
        second.set_weights(first.variables)
    second.build([x])
    second.set_weights(first.variables)
    for a, b in zip(first.variables, second.variables):
        np.testing.assert_array_equal(a.data, b.data)
    store = {}
    first.save_own_variables(store)
    third = Adam()
    third.build([x])
    third.load_own_variables(store)
    assert third.iterations == 1
    np.testing.assert_array_equal(third.variables[2].data, first.variables[2].data)
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        Adam().load_own_variables(store)


# -- configs and the registry ------------------------------------------------------------------


def test_base_config_keys_are_keras():
    assert list(Optimizer(0.1).get_config()) == [
        "name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue",
        "use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
        "gradient_accumulation_steps"]
    assert Optimizer(0.1).name == "optimizer"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_config_round_trip_with_every_base_option(cls):
    schedule = schedules.CosineDecay(0.1, 100, warmup_target=0.2, warmup_steps=10)
    optimizer = cls(learning_rate=schedule,
                    weight_decay=0.01, global_clipnorm=2.0, use_ema=True, ema_momentum=0.9,
                    ema_overwrite_frequency=5, loss_scale_factor=8.0,
                    gradient_accumulation_steps=3, name="opt")
    config = optimizer.get_config()
    assert config["learning_rate"]["class_name"] == "CosineDecay"
    serialized = optimizers.serialize(optimizer)
    assert serialized["module"] == "keras.optimizers"
    assert serialized["class_name"] == cls.__name__
    for restored in (optimizers.deserialize(serialized), cls.from_config(config)):
        assert type(restored) is cls and restored.get_config() == config
        assert isinstance(restored._learning_rate, schedules.CosineDecay)
    assert config["learning_rate"]["class_name"] == "CosineDecay"  # from_config copies


def test_deserialize_a_config_written_by_keras():
    config = {"module": "keras.optimizers", "class_name": "Adam", "registered_name": None,
              "config": {"name": "adam", "learning_rate": 0.0010000000474974513,
                         "weight_decay": None, "clipnorm": None, "global_clipnorm": None,
                         "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
                         "ema_overwrite_frequency": None, "loss_scale_factor": None,
                         "gradient_accumulation_steps": None, "beta_1": 0.9,
                         "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False}}
    optimizer = optimizers.deserialize(config)
    assert isinstance(optimizer, Adam) and optimizer.get_config() == config["config"]


@pytest.mark.parametrize("name, cls", list(zip(NAMES, CLASSES)) + [
    (c.__name__, c) for c in CLASSES] + [("RMSProp", optimizers.RMSprop), ("ADAM", Adam)])
def test_get_by_name_gives_a_new_default_instance(name, cls):
    first, second = optimizers.get(name), optimizers.get(name)
    assert type(first) is cls and first is not second
    assert first.get_config() == cls().get_config()


def test_get_other_identifiers():
    assert optimizers.get(None) is None
    adam = Adam(learning_rate=0.5)
    assert optimizers.get(adam) is adam
    assert type(optimizers.get(SGD)) is SGD
    assert optimizers.get({"class_name": "SGD", "config": {"momentum": 0.5}}).momentum == 0.5
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.get(lambda: 0)


def test_unknown_name_lists_the_valid_names():
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamm'. Did you mean 'adam'\\?"
                                         " Valid names are: .*'nadam'.*'sgd'"):
        optimizers.get("adamm")


@pytest.mark.parametrize("name", NAMES)
def test_unbuilt_optimizers_pickle(name):
    optimizer = optimizers.get(name)
    assert pickle.loads(pickle.dumps(optimizer)).get_config() == optimizer.get_config()


def test_a_custom_optimizer_written_the_keras_way():
    class PlainGradientDescent(Optimizer):
        def build(self, variables):
            if self.built:
                return
            super().build(variables)
            self.steps_taken = self.add_optimizer_variables(variables, "steps")

        def update_step(self, gradient, variable, learning_rate):
            counter = self.steps_taken[self._get_variable_index(variable)]
            self.assign_add(counter, ops.ones_like(counter))
            self.assign_sub(variable, ops.multiply(gradient, learning_rate))

    v = Variable([1.0, 2.0], name="w")
    optimizer = PlainGradientDescent(learning_rate=0.5)
    optimizer.apply([np.array([1.0, -1.0], "float32")], [v])
    np.testing.assert_allclose(v.data, [0.5, 2.5])
    assert optimizer.variables[-1].name == "w_steps"
    np.testing.assert_array_equal(optimizer.variables[-1].data, [1.0, 1.0])


# -- a real fit --------------------------------------------------------------------------------


CONVERGENCE = [("sgd", dict(learning_rate=0.1, momentum=0.9)),
               ("sgd", dict(learning_rate=0.1)), ("rmsprop", dict(learning_rate=0.01)),
               ("rmsprop", dict(learning_rate=0.01, centered=True, momentum=0.5)),
               ("adagrad", dict(learning_rate=0.5)),
               ("adadelta", dict(learning_rate=1.0, epsilon=1e-3)),
               ("adam", dict(learning_rate=0.05)), ("adam", dict(learning_rate=0.05,
                                                                 amsgrad=True)),
               ("adamw", dict(learning_rate=0.05)), ("adamax", dict(learning_rate=0.1)),
               ("nadam", dict(learning_rate=0.05))]


@pytest.mark.parametrize("name, config", CONVERGENCE)
def test_fits_a_line(name, config):
    x = np.linspace(-1, 1, 32, dtype="float32").reshape(-1, 1)
    y = 3 * x + 2
    w, b = Variable(np.zeros((1, 1)), name="kernel"), Variable(np.zeros(1), name="bias")
    optimizer = optimizers.get({"class_name": name, "config": config})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(400):
            w.zero_grad()
            b.zero_grad()
            loss = ops.mean(ops.square(ops.matmul(x, w) + b - y))
            loss.backward()
            optimizer.apply([w.grad, b.grad], [w, b])
    assert w.data.dtype == b.data.dtype == np.float32
    assert abs(w.data.item() - 3.0) < 0.02 and abs(b.data.item() - 2.0) < 0.02


def test_learning_rate_and_iterations_answer_keras_variable_calls():
    import copy
    optimizer = SGD(learning_rate=0.1)
    assert optimizer.learning_rate.numpy() == np.float32(0.1)
    assert optimizer.learning_rate.numpy().dtype == np.float32
    optimizer.learning_rate.assign(0.05)
    assert optimizer.learning_rate == pytest.approx(0.05)
    assert type(copy.deepcopy(optimizer.learning_rate)) is float
    w = Variable(np.ones(2, dtype="float32"))
    optimizer.apply_gradients([(np.ones(2, dtype="float32"), w)])
    assert optimizer.iterations.numpy() == 1 and optimizer.iterations + 1 == 2
    scheduled = SGD(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        scheduled.learning_rate.assign(0.01)
