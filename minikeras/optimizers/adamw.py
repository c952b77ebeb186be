"""AdamW: Adam with decoupled weight decay (on by default)."""

from .adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay, as in Loshchilov & Hutter's "Decoupled Weight Decay
    Regularization".

    Before each Adam step, every variable is shrunk by `w * weight_decay * learning_rate`
    (the base optimizer's weight decay, which `AdamW` turns on by default and requires).

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        weight_decay: the decay factor (a float, required).
        beta_1: decay rate of the first-moment estimates, in [0, 1).
        beta_2: decay rate of the second-moment estimates, in [0, 1).
        epsilon: small constant for numerical stability.
        amsgrad: whether to use the AMSGrad variant.
        name: defaults to 'adamw'.
        **kwargs: the other `Optimizer` base arguments (clipnorm, use_ema, ...).

    >>> optimizer = AdamW(learning_rate=1e-3, weight_decay=0.004)
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, name="adamw", **kwargs):
        if weight_decay is None:
            raise ValueError(
                "AdamW: Argument `weight_decay` must be a float. Received: weight_decay=None "
                "(use Adam for no weight decay)."
            )
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name,
                         weight_decay=weight_decay, **kwargs)
