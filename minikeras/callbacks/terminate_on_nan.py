"""`TerminateOnNaN`: stop training as soon as the loss becomes NaN or infinite."""

import math

from .callback import Callback


class TerminateOnNaN(Callback):
    """Stop training at the end of the batch whose loss is NaN or infinite.

    Once the loss is not finite, the weights usually are not either, and further epochs
    only waste time. Lower the learning rate or check the data for such values.

    >>> model.fit(x, y, epochs=10, callbacks=[TerminateOnNaN()])
    """

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
