"""The AdamW optimizer: Adam with decoupled weight decay."""
from .adam import Adam


class AdamW(Adam):
    """Adam preceded by ``var -= var * weight_decay * learning_rate`` (decoupled weight decay, Loshchilov & Hutter).

    Example:
        >>> opt = AdamW(learning_rate=0.001, weight_decay=0.004)
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
                 amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None, name="AdamW", **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW: `weight_decay` must be a number, got None")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay, clipnorm, clipvalue,
                         global_clipnorm, name, **kwargs)
