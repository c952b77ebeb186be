"""compile / fit / evaluate / predict: the training loop shared by every model.

One training step, as data: a numpy batch becomes tensors, the model computes its outputs with
the tape recording, the losses (plus regularization terms) are summed, `backward()` fills each
weight's `.grad`, the optimizer updates the weights in place, and the metrics update on plain
numpy outputs. Evaluation and prediction run under `no_grad`, so no tape is built.
"""

import time

import numpy as np

from ..backend.memory import keep_freed_memory
from ..backend.tensor import no_grad
from ..callbacks import CallbackList, History, ProgbarLogger, format_logs
from ..callbacks.progbar_logger import summary_line
from ..layers.base import collect_losses, flatten, map_structure, shape_str
from . import data as data_utils


class Trainer:
    """The training API of `Model`."""

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.history = None
        self.stop_training = False
        self.stop_predicting = False
        self._outputs_resolved = False

    # -- compile -------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Choose the optimizer, the loss and the metrics to report.

        Args:
            optimizer: a name ('rmsprop', 'adam', 'sgd', ...) or an optimizer instance.
            loss: a name, function or Loss; for several outputs also a list or a dict keyed by
                output name.
            loss_weights: a list or dict of weights for the per-output losses.
            metrics: a list of names, functions or Metric objects ('accuracy' is resolved from
                the loss and the shape of the targets, as Keras does); a list of lists or a
                dict for several outputs.
            weighted_metrics: metrics that also receive `sample_weight` / `class_weight`.
        """
        from .. import losses, metrics as metrics_module, optimizers
        self.optimizer = optimizers.get(optimizer)
        # Resolve every name now, so a typo fails here and not at the first fit.
        for spec in flatten(loss if isinstance(loss, (list, tuple, dict)) else [loss]):
            if isinstance(spec, (str, dict)):
                losses.get(spec)
        for spec in flatten([metrics, weighted_metrics]):
            if isinstance(spec, str) and spec.lower() not in _RESOLVED_BY_SHAPE:
                metrics_module.get(spec)
        self.loss = loss
        self._loss_spec = loss
        self._loss_weights_spec = loss_weights
        self._metrics_spec = metrics
        self._weighted_metrics_spec = weighted_metrics
        self._outputs_resolved = False
        self.compiled = True

    def _require_compiled(self, method):
        if not self.compiled:
            raise RuntimeError(
                f"You must call `compile()` before using the model with `{method}()`: e.g. "
                f"model.compile(optimizer='adam', loss='categorical_crossentropy', "
                f"metrics=['accuracy'])."
            )

    def _output_names(self, count):
        outputs = getattr(self, "outputs", None)
        if outputs and len(outputs) == count:
            names = [t._keras_history[0].name for t in outputs]
            if len(set(names)) == len(names):
                return names
        return [f"output_{i + 1}" for i in range(count)]

    def _per_output(self, spec, names, what):
        """A list with one entry per output from a single value, a list or a dict."""
        if isinstance(spec, dict):
            unknown = [k for k in spec if k not in names]
            if unknown:
                raise ValueError(
                    f"compile: {what} has keys {unknown} that match no output. The model's "
                    f"outputs are named {names}."
                )
            return [spec.get(name) for name in names]
        if isinstance(spec, (list, tuple)) and what == "loss":
            if len(spec) != len(names):
                raise ValueError(
                    f"compile: the model has {len(names)} output(s) {names}, but loss is a list "
                    f"of {len(spec)}. Give one loss per output, or a dict keyed by output name."
                )
            return list(spec)
        return [spec] * len(names)

    def _resolve_outputs(self, y_true, y_pred):
        """Per-output losses, weights and metrics, once the shapes of the outputs are known."""
        from .. import losses, metrics as metrics_module
        y_pred = flatten(y_pred)
        y_true = flatten(y_true) if y_true is not None else [None] * len(y_pred)
        names = self._output_names(len(y_pred))
        if self._loss_spec is None:
            raise ValueError(
                "No loss to compute. Provide a `loss` argument in `compile()`, e.g. "
                "model.compile(optimizer='adam', loss='mse')."
            )
        self._losses = []
        for spec in self._per_output(self._loss_spec, names, "loss"):
            obj = losses.get(spec)
            if obj is not None and not isinstance(obj, losses.Loss):
                obj = losses.LossFunctionWrapper(obj, name=getattr(obj, "__name__", "loss"))
            self._losses.append(obj)
        weights = self._loss_weights_spec
        if weights is None:
            self._loss_weights = [1.0] * len(names)
        elif isinstance(weights, dict):
            self._loss_weights = [float(weights.get(n, 1.0)) for n in names]
        else:
            weights = [weights] if np.ndim(weights) == 0 else list(weights)
            if len(weights) != len(names):
                raise ValueError(f"compile: loss_weights has {len(weights)} entries for "
                                 f"{len(names)} outputs {names}.")
            self._loss_weights = [float(w) for w in weights]
        self._output_names_list = names
        self._metrics = []          # (output index, metric, uses sample_weight)
        for spec, weighted in ((self._metrics_spec, False), (self._weighted_metrics_spec, True)):
            if spec is None:
                continue
            if isinstance(spec, dict):
                per = self._per_output(spec, names, "metrics")
            elif isinstance(spec, (list, tuple)) and spec and \
                    all(isinstance(s, (list, tuple)) or s is None for s in spec):
                if len(spec) != len(names):
                    raise ValueError(f"compile: metrics has {len(spec)} lists for "
                                     f"{len(names)} outputs {names}.")
                per = list(spec)
            else:
                per = [spec] * len(names)
            for i, items in enumerate(per):
                if items is None:
                    continue
                items = items if isinstance(items, (list, tuple)) else [items]
                for item in items:
                    metric = _get_metric(item, y_true[i], y_pred[i], self._losses[i],
                                         metrics_module)
                    if len(names) > 1:
                        metric.name = f"{names[i]}_{metric.name}"
                    self._metrics.append((i, metric, weighted))
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._output_loss_trackers = [metrics_module.Mean(name=f"{n}_loss") for n in names] \
            if len(names) > 1 else []
        self._outputs_resolved = True

    @property
    def metrics_names(self):
        """'loss', then the names of the compiled metrics, in the order evaluate returns them."""
        if not self._outputs_resolved:
            return ["loss"] if self.compiled else []
        return ["loss"] + [t.name for t in self._output_loss_trackers] + \
            [m.name for _, m, _ in self._metrics]

    def reset_metrics(self):
        """Start the running averages of the loss and metrics afresh."""
        if self._outputs_resolved:
            self._loss_tracker.reset_state()
            for tracker in self._output_loss_trackers:
                tracker.reset_state()
            for _, metric, _ in self._metrics:
                metric.reset_state()

    def running_logs(self):
        """The current running values of the loss and metrics, by name."""
        logs = {"loss": self._loss_tracker.result()}
        for tracker in self._output_loss_trackers:
            logs[tracker.name] = tracker.result()
        for _, metric, _ in self._metrics:
            value = metric.result()
            logs[metric.name] = float(value) if np.ndim(value) == 0 else value
        return {k: (float(v) if np.ndim(v) == 0 else v) for k, v in logs.items()}

    # -- one step ------------------------------------------------------------------------------
    def _compute_loss(self, y_true, y_pred, sample_weight):
        y_true, y_pred = flatten(y_true), flatten(y_pred)
        sample_weight = flatten(sample_weight) if sample_weight is not None else None
        total, parts = None, []
        for i, (loss, weight) in enumerate(zip(self._losses, self._loss_weights)):
            if loss is None:
                parts.append(None)
                continue
            sw = None
            if sample_weight is not None:
                sw = sample_weight[i] if len(sample_weight) > 1 else sample_weight[0]
            value = loss(y_true[i], y_pred[i], sample_weight=sw)
            parts.append(value)
            term = value if weight == 1.0 else value * weight
            total = term if total is None else total + term
        for penalty in collect_losses(self._layer_tree()):
            total = total + penalty
        return total, parts

    def _layer_tree(self):
        """All nested layers, found once per fit/evaluate (walking them every step costs)."""
        tree = self.__dict__.get("_cached_layer_tree")
        if tree is None:
            tree = self._cached_layer_tree = self._flatten_layers()
        return tree

    def _update_metrics(self, y_true, y_pred, sample_weight, loss, parts, batch_size):
        self._loss_tracker.update_state(float(loss.data), sample_weight=batch_size)
        for tracker, part in zip(self._output_loss_trackers, parts):
            if part is not None:
                tracker.update_state(float(part.data), sample_weight=batch_size)
        if not self._metrics:
            return
        y_true, y_pred = flatten(y_true), [p.data for p in flatten(y_pred)]
        sample_weight = flatten(sample_weight) if sample_weight is not None else None
        for i, metric, weighted in self._metrics:
            sw = None
            if weighted and sample_weight is not None:
                sw = sample_weight[i] if len(sample_weight) > 1 else sample_weight[0]
            metric.update_state(y_true[i], y_pred[i], sample_weight=sw)

    def _train_step(self, x, y, sample_weight, trainable):
        y_pred = self(x, training=True)
        loss, parts = self._compute_loss(y, y_pred, sample_weight)
        if trainable:  # a model without trainable weights still reports its loss
            for variable in trainable:
                variable.grad = None
            self.optimizer.scale_loss(loss).backward()  # the optimizer unscales the gradients
            self.optimizer.apply([v.grad for v in trainable], trainable)
        self._update_metrics(y, y_pred, sample_weight, loss, parts, _batch_size(x))

    def _test_step(self, x, y, sample_weight):
        with no_grad():
            y_pred = self(x, training=False)
            loss, parts = self._compute_loss(y, y_pred, sample_weight)
        self._update_metrics(y, y_pred, sample_weight, loss, parts, _batch_size(x))

    # -- checks before any training ------------------------------------------------------------
    def _prepare(self, x, y, sample_weight, method):
        """Check the data against the model and the losses on a few samples, so mistakes
        surface before any weight changes."""
        x = data_utils.to_arrays(x, "x")
        y = data_utils.to_arrays(y, "y")
        sample_weight = data_utils.to_arrays(sample_weight, "sample_weight")
        data_utils.check_finite(x, "x")
        if y is not None:
            data_utils.check_finite(y, "y")
        data_utils.num_samples(("x", x), ("y", y), ("sample_weight", sample_weight))
        self._check_input_shapes(x)
        self._dry_run(x, y, sample_weight, method)
        return x, y, sample_weight

    def _check_input_shapes(self, x):
        inputs = getattr(self, "inputs", None)
        if not inputs or isinstance(x, dict):
            return
        arrays = flatten(x)
        if len(arrays) != len(inputs):
            raise ValueError(
                f'Model "{self.name}" expects {len(inputs)} input(s), but x holds '
                f"{len(arrays)} array(s)."
            )
        for i, (array, tensor) in enumerate(zip(arrays, inputs)):
            expected = tensor.shape[1:]
            got = array.shape[1:]
            if len(got) == len(expected) and all(e is None or e == g
                                                 for e, g in zip(expected, got)):
                continue
            hint = ""
            if len(expected) == len(got) + 1 and tuple(expected[1:]) == tuple(got):
                hint = (f" It looks like the input_shape given to the first layer includes the "
                        f"batch axis: pass input_shape={shape_str(expected[1:])}, the shape of "
                        f"one sample.")
            elif len(got) == len(expected) + 1:
                hint = " Reshape x, or set the model's input shape to match one sample."
            raise ValueError(
                f'Input {i} of model "{self.name}" is incompatible with the model: expected '
                f"samples of shape {shape_str(expected)} (input shape {shape_str(tensor.shape)}),"
                f" but received x with shape {shape_str(array.shape)}.{hint}"
            )

    def _dry_run(self, x, y, sample_weight, method):
        stateful = [layer for layer in self._flatten_layers()
                    if getattr(layer, "stateful", False) and hasattr(layer, "states")]
        kept = [[v.data.copy() for v in flatten(layer.states)]
                if layer.states is not None else None for layer in stateful]
        head = slice(0, self._dry_run_batch_size(stateful))
        try:
            with no_grad():
                y_pred = self(data_utils.take(x, head), training=False)
        finally:  # the dry run leaves the states of stateful layers as they were
            for layer, values in zip(stateful, kept):
                if values is None:
                    layer.reset_state()
                else:
                    for v, value in zip(flatten(layer.states), values):
                        v.assign(value)
        if y is None or method == "predict":
            return
        with no_grad():
            if not self._outputs_resolved:
                self._resolve_outputs(data_utils.take(y, head), y_pred)
            y_head = data_utils.take(y, head)
            if len(flatten(y_head)) != len(flatten(y_pred)):
                raise ValueError(
                    f'Model "{self.name}" has {len(flatten(y_pred))} output(s), but y holds '
                    f"{len(flatten(y_head))} array(s). Give one target array per output."
                )
            self._compute_loss(y_head, y_pred, data_utils.take(sample_weight, head))

    def _dry_run_batch_size(self, stateful):
        """2 samples, or the fixed batch size that stateful layers need."""
        for layer in stateful:
            if layer.states is not None:
                return flatten(layer.states)[0].shape[0]
        inputs = getattr(self, "inputs", None)
        if stateful and inputs and inputs[0].shape[0] is not None:
            return inputs[0].shape[0]
        return 2

    def _batches(self, x, y, sample_weight, batch_size, shuffle, steps, method):
        keep_freed_memory()
        if data_utils.is_iterable_source(x):
            if y is not None:
                raise ValueError(f"{method}: when x is a generator or iterable of batches, y "
                                 f"must be None (each batch carries its targets).")
            return data_utils.IterableBatches(x, steps)
        x, y, sample_weight = self._prepare(x, y, sample_weight, method)
        return data_utils.ArrayBatches(x, y, sample_weight, batch_size or 32, shuffle)

    # -- fit -----------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train the model for `epochs` passes over the data; return a `History`.

        `validation_split` holds out the last fraction of the samples (taken before
        shuffling); the training loss and metrics reported for an epoch are running averages
        over its batches weighted by batch size, the validation ones are computed at its end.
        """
        self._require_compiled("fit")
        if validation_split and validation_data is not None:
            validation_split = 0.0  # Keras: validation_data takes precedence
        if validation_split:
            if data_utils.is_iterable_source(x):
                raise ValueError("validation_split is only supported for array inputs; pass "
                                 "validation_data with a generator.")
            x = data_utils.to_arrays(x, "x")
            y = data_utils.to_arrays(y, "y")
            sample_weight = data_utils.to_arrays(sample_weight, "sample_weight")
            (x, y, sample_weight), validation_data = data_utils.split_validation(
                x, y, sample_weight, validation_split)
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError("fit: pass either class_weight or sample_weight, not both.")
            sample_weight = data_utils.class_weights_to_sample_weights(
                data_utils.to_arrays(y, "y"), class_weight)
        train = self._batches(x, y, sample_weight, batch_size, shuffle, steps_per_epoch, "fit")
        val = None
        if validation_data is not None:
            vx, vy, vsw = _unpack_validation(validation_data)
            val = self._batches(vx, vy, vsw, validation_batch_size or batch_size, False,
                                validation_steps, "fit")
        steps = steps_per_epoch or len(train)
        verbose = 1 if verbose == "auto" else int(verbose)
        history = History()
        # History and the progress bar come last, as in Keras, so that they record what
        # the user's callbacks add to the logs (e.g. ReduceLROnPlateau's 'learning_rate').
        callback_list = list(callbacks or []) + [history]
        if verbose:
            callback_list.append(ProgbarLogger(verbose))
        params = {"epochs": epochs, "steps": steps, "verbose": verbose}
        cbs = CallbackList(callback_list, self, params)
        trainable = self.trainable_weights
        self._cached_layer_tree = None
        self.stop_training = False
        cbs.call("on_train_begin", {})
        # A callback that resumes interrupted training (BackupAndRestore) sets the epoch to
        # start at in on_train_begin, as in Keras.
        initial_epoch = self.__dict__.pop("_initial_epoch", None) or initial_epoch
        logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.call("on_epoch_begin", epoch, {})
            step_end = cbs.wants("on_train_batch_end")
            # The running loss and metrics cost a little per batch: only when read.
            step_logs = cbs.wants_logs("on_train_batch_end")
            for step, (xb, yb, swb) in enumerate(train.epoch()):
                if steps_per_epoch is not None and step >= steps_per_epoch:
                    break
                if not self._outputs_resolved:
                    self._dry_run(xb, yb, swb, "fit")
                cbs.call("on_train_batch_begin", step, {})
                self._train_step(xb, yb, swb, trainable)
                if step_end:
                    cbs.call("on_train_batch_end", step,
                             self.running_logs() if step_logs else {})
                if self.stop_training:
                    break
            logs = self.running_logs()
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_batches(val, validation_steps, cbs)
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cbs.call("on_epoch_end", epoch, logs)
            if self.stop_training:
                break
        self.optimizer.finalize_variable_values(trainable)  # e.g. moving averages (use_ema)
        cbs.call("on_train_end", logs)
        self.history = history
        return history

    # -- evaluate / predict --------------------------------------------------------------------
    def _evaluate_batches(self, batches, steps, cbs=None):
        """The loss and metrics over `batches`, calling the test hooks of `cbs` (a
        CallbackList) as Keras does in `evaluate` and in the validation of `fit`."""
        self.reset_metrics()
        self._cached_layer_tree = None
        if cbs is not None:
            cbs.call("on_test_begin", {})
        batch_hooks = cbs is not None and (cbs.wants("on_test_batch_begin")
                                           or cbs.wants("on_test_batch_end"))
        for step, (xb, yb, swb) in enumerate(batches.epoch()):
            if steps is not None and step >= steps:
                break
            if not self._outputs_resolved:
                self._dry_run(xb, yb, swb, "evaluate")
            if batch_hooks:
                cbs.call("on_test_batch_begin", step, {})
            self._test_step(xb, yb, swb)
            if batch_hooks:
                cbs.call("on_test_batch_end", step,
                         self.running_logs() if cbs.wants_logs("on_test_batch_end") else {})
        logs = self.running_logs()
        if cbs is not None:
            cbs.call("on_test_end", logs)
        return logs

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """The loss and metrics over the data: a float when there is only the loss, else a
        list in the order of `metrics_names` (or a dict with `return_dict=True`)."""
        self._require_compiled("evaluate")
        batches = self._batches(x, y, sample_weight, batch_size, False, steps, "evaluate")
        cbs = None
        if callbacks:
            params = {"epochs": 1, "steps": steps, "verbose": 1 if verbose == "auto" else verbose}
            cbs = CallbackList(callbacks, self, params)
        start = time.perf_counter()
        logs = self._evaluate_batches(batches, steps, cbs)
        if verbose == "auto" or verbose:
            print(summary_line(len(batches) if steps is None else steps,
                               time.perf_counter() - start, format_logs(logs)))
        if return_dict:
            return logs
        values = [logs[name] for name in self.metrics_names]
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for x as numpy arrays, computed batch by batch.

        `callbacks` get `on_predict_begin`, then `on_predict_batch_begin` and
        `on_predict_batch_end` (whose logs hold the batch's 'outputs') for each batch, then
        `on_predict_end`. A callback that sets `model.stop_predicting = True` ends
        prediction after the current batch.
        """
        batches = self._batches(x, None, None, batch_size, False, steps, "predict")
        params = {"epochs": 1, "steps": steps or len(batches),
                  "verbose": 1 if verbose == "auto" else verbose}
        cbs = CallbackList(callbacks or [], self, params)
        self.stop_predicting = False
        outputs = []
        start = time.perf_counter()
        cbs.call("on_predict_begin", {})
        with no_grad():
            for step, (xb, _, _) in enumerate(batches.epoch()):
                if steps is not None and step >= steps:
                    break
                cbs.call("on_predict_batch_begin", step, {})
                outputs.append(map_structure(lambda t: t.data, self(xb, training=False)))
                cbs.call("on_predict_batch_end", step, {"outputs": outputs[-1]})
                if self.stop_predicting:
                    break
        cbs.call("on_predict_end", {})
        if not outputs:
            raise ValueError("predict: the input produced no batches.")
        if verbose == "auto" or verbose:
            print(summary_line(len(outputs), time.perf_counter() - start, ""))
        first = outputs[0]
        flat = [np.concatenate(parts) for parts in zip(*[flatten(o) for o in outputs])]
        it = iter(flat)
        return map_structure(lambda _: next(it), first)

    # -- single batches ------------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False):
        """One training step on one batch; returns the running loss (and metrics)."""
        self._require_compiled("train_on_batch")
        if class_weight is not None:
            sample_weight = data_utils.class_weights_to_sample_weights(
                data_utils.to_arrays(y, "y"), class_weight)
        x, y, sample_weight = self._prepare(x, y, sample_weight, "train_on_batch")
        self._train_step(x, y, sample_weight, self.trainable_weights)
        return self._batch_result(return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """The loss (and metrics) on one batch, without training."""
        self._require_compiled("test_on_batch")
        x, y, sample_weight = self._prepare(x, y, sample_weight, "test_on_batch")
        self.reset_metrics()
        self._test_step(x, y, sample_weight)
        return self._batch_result(return_dict)

    def predict_on_batch(self, x):
        """The outputs for one batch, as numpy arrays."""
        x = data_utils.to_arrays(x, "x")
        with no_grad():
            return map_structure(lambda t: t.data, self(x, training=False))

    def _batch_result(self, return_dict):
        logs = self.running_logs()
        if return_dict:
            return logs
        values = [logs[name] for name in self.metrics_names]
        return values[0] if len(values) == 1 else values


_RESOLVED_BY_SHAPE = ("accuracy", "acc", "crossentropy", "ce")


def _get_metric(identifier, y_true, y_pred, loss, metrics_module):
    """A Metric for a compile() identifier, resolving 'accuracy' from the shapes as Keras."""
    if isinstance(identifier, str) and identifier.lower() in _RESOLVED_BY_SHAPE:
        name = identifier
        pred_shape = y_pred.shape
        true_shape = np.shape(y_true) if y_true is not None else pred_shape
        is_binary = pred_shape[-1] == 1
        is_sparse = len(true_shape) < len(pred_shape) or (true_shape[-1] == 1 and
                                                          pred_shape[-1] > 1)
        loss_name = getattr(loss, "name", "") or ""
        if is_binary or "binary" in loss_name:
            kind = "binary"
        elif is_sparse or "sparse" in loss_name:
            kind = "sparse_categorical"
        else:
            kind = "categorical"
        fn_name = f"{kind}_accuracy" if identifier.lower() in ("accuracy", "acc") else \
            f"{kind}_crossentropy"
        return metrics_module.MeanMetricWrapper(metrics_module.get(fn_name), name=name)
    metric = metrics_module.get(identifier)
    if not isinstance(metric, metrics_module.Metric):
        metric = metrics_module.MeanMetricWrapper(
            metric, name=getattr(metric, "__name__", "metric"))
    if isinstance(identifier, str):
        metric.name = identifier  # Keras logs a metric under the string given to compile
    return metric


def _unpack_validation(validation_data):
    if isinstance(validation_data, tuple) and len(validation_data) in (2, 3):
        vx, vy = validation_data[0], validation_data[1]
        vsw = validation_data[2] if len(validation_data) == 3 else None
        return vx, vy, vsw
    if data_utils.is_iterable_source(validation_data):
        return validation_data, None, None
    raise ValueError(
        "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, val_sample_weight), "
        f"or a generator of batches; received {type(validation_data).__name__}."
    )


def _batch_size(x):
    first = flatten(x)[0]
    return len(first)
