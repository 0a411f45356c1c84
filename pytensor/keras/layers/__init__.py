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
from .merging import add, average, concatenate, maximum, minimum, multiply, subtract  # noqa: F401
# Keras's aliases.
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
# (end of conv, pooling, normalization, embedding, recurrent, merge layers)
# ---- activation, masking, transposed-conv, reshaping, RNN-cell and dot layers ----
from .softmax import Softmax  # noqa: F401
from .relu import ReLU  # noqa: F401
from .leaky_relu import LeakyReLU  # noqa: F401
from .prelu import PReLU  # noqa: F401
from .elu import ELU  # noqa: F401
from .masking import Masking  # noqa: F401
from .conv1d_transpose import Conv1DTranspose  # noqa: F401
from .conv2d_transpose import Conv2DTranspose  # noqa: F401
from .up_sampling1d import UpSampling1D  # noqa: F401
from .up_sampling2d import UpSampling2D  # noqa: F401
from .zero_padding1d import ZeroPadding1D  # noqa: F401
from .zero_padding2d import ZeroPadding2D  # noqa: F401
from .cropping1d import Cropping1D  # noqa: F401
from .cropping2d import Cropping2D  # noqa: F401
from .simple_rnn_cell import SimpleRNNCell  # noqa: F401
from .lstm_cell import LSTMCell  # noqa: F401
from .gru_cell import GRUCell  # noqa: F401
from .stacked_rnn_cells import StackedRNNCells  # noqa: F401
from .rnn import RNN  # noqa: F401
from .dot import Dot, dot  # noqa: F401
Convolution1DTranspose, Convolution2DTranspose = Conv1DTranspose, Conv2DTranspose
# (end of activation, masking, transposed-conv, reshaping, RNN-cell and dot layers)
# ---- attention, normalization, regularization and wrapper layers ----
from .multi_head_attention import MultiHeadAttention  # noqa: F401
from .group_query_attention import GroupQueryAttention, GroupedQueryAttention  # noqa: F401
from .attention import Attention  # noqa: F401
from .additive_attention import AdditiveAttention  # noqa: F401
from .group_normalization import GroupNormalization  # noqa: F401
from .unit_normalization import UnitNormalization  # noqa: F401
from .spatial_dropout1d import SpatialDropout1D  # noqa: F401
from .spatial_dropout2d import SpatialDropout2D  # noqa: F401
from .spatial_dropout3d import SpatialDropout3D  # noqa: F401
from .gaussian_noise import GaussianNoise  # noqa: F401
from .gaussian_dropout import GaussianDropout  # noqa: F401
from .alpha_dropout import AlphaDropout  # noqa: F401
from .activity_regularization import ActivityRegularization  # noqa: F401
from .time_distributed import TimeDistributed  # noqa: F401
from .identity import Identity  # noqa: F401
# (end of attention, normalization, regularization and wrapper layers)


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
