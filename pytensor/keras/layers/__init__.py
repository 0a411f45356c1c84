"""keras.layers: one layer per module."""
# ---- engine and core layers ----
from .layer import Layer  # noqa: F401
from .input_layer import Input, InputLayer  # noqa: F401
from .dense import Dense  # noqa: F401
from .flatten import Flatten  # noqa: F401
from .activation import Activation  # noqa: F401
from .dropout import Dropout  # noqa: F401
from .lambda_layer import Lambda  # noqa: F401
from .reshape import Reshape  # noqa: F401
from .permute import Permute  # noqa: F401
from .repeat_vector import RepeatVector  # noqa: F401
# (end of engine and core layers)
# ---- conv, pooling, normalization, embedding, recurrent, merge layers ----
from .conv import Conv1D, Conv2D  # noqa: F401
from .pooling import (AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D,  # noqa: F401
                      GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D)
from .batch_normalization import BatchNormalization  # noqa: F401
from .layer_normalization import LayerNormalization  # noqa: F401
from .embedding import Embedding  # noqa: F401
from .simple_rnn import SimpleRNN  # noqa: F401
from .gru import GRU  # noqa: F401
from .lstm import LSTM  # noqa: F401
from .bidirectional import Bidirectional  # noqa: F401
from .merging import Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract  # noqa: F401
# Keras's aliases.
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
# (end of conv, pooling, normalization, embedding, recurrent, merge layers)


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
