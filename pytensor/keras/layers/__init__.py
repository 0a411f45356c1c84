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
# ---- depthwise, separable and 3-D convolution, pooling and reshaping layers, ConvLSTM ----
from .depthwise_conv1d import DepthwiseConv1D  # noqa: F401
from .depthwise_conv2d import DepthwiseConv2D  # noqa: F401
from .separable_conv1d import SeparableConv1D  # noqa: F401
from .separable_conv2d import SeparableConv2D  # noqa: F401
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
from .conv3d import Conv3D  # noqa: F401
from .conv3d_transpose import Conv3DTranspose  # noqa: F401
from .max_pooling3d import MaxPooling3D  # noqa: F401
from .average_pooling3d import AveragePooling3D  # noqa: F401
from .global_max_pooling3d import GlobalMaxPooling3D  # noqa: F401
from .global_average_pooling3d import GlobalAveragePooling3D  # noqa: F401
from .up_sampling3d import UpSampling3D  # noqa: F401
from .zero_padding3d import ZeroPadding3D  # noqa: F401
from .cropping3d import Cropping3D  # noqa: F401
Convolution3D, Convolution3DTranspose, MaxPool3D, AvgPool3D = Conv3D, Conv3DTranspose, MaxPooling3D, AveragePooling3D
GlobalMaxPool3D, GlobalAvgPool3D = GlobalMaxPooling3D, GlobalAveragePooling3D
from .conv_lstm1d import ConvLSTM1D  # noqa: F401
from .conv_lstm2d import ConvLSTM2D  # noqa: F401
# (end of depthwise, separable and 3-D convolution, pooling and reshaping layers, ConvLSTM)

# ---- preprocessing layers ----
from .rescaling import Rescaling  # noqa: F401
from .normalization import Normalization  # noqa: F401
from .resizing import Resizing  # noqa: F401
from .center_crop import CenterCrop  # noqa: F401
from .random_flip import RandomFlip  # noqa: F401
from .random_contrast import RandomContrast  # noqa: F401
from .random_brightness import RandomBrightness  # noqa: F401
from .random_rotation import RandomRotation  # noqa: F401
from .random_translation import RandomTranslation  # noqa: F401
from .random_zoom import RandomZoom  # noqa: F401
from .random_crop import RandomCrop  # noqa: F401
from .random_grayscale import RandomGrayscale  # noqa: F401
from .random_invert import RandomInvert  # noqa: F401
from .category_encoding import CategoryEncoding  # noqa: F401
from .discretization import Discretization  # noqa: F401
from .integer_lookup import IntegerLookup  # noqa: F401
from .string_lookup import StringLookup  # noqa: F401
from .text_vectorization import TextVectorization  # noqa: F401
from .hashing import Hashing  # noqa: F401
from . import experimental  # noqa: F401  tf.keras 2.x's layers.experimental.preprocessing
# (end of preprocessing layers)


# ---- core additions, adaptive pooling and ConvLSTM3D (issue 19) ----
from .input_spec import InputSpec  # noqa: F401
from .wrapper import Wrapper  # noqa: F401
from .serialization import deserialize, serialize  # noqa: F401
from .pipeline import Pipeline  # noqa: F401
from .einsum_dense import EinsumDense  # noqa: F401
from .rms_normalization import RMSNormalization  # noqa: F401
from .spectral_normalization import SpectralNormalization  # noqa: F401
from .reversible_embedding import ReversibleEmbedding  # noqa: F401
from .hashed_crossing import HashedCrossing  # noqa: F401
from .adaptive_average_pooling1d import AdaptiveAveragePooling1D  # noqa: F401
from .adaptive_average_pooling2d import AdaptiveAveragePooling2D  # noqa: F401
from .adaptive_average_pooling3d import AdaptiveAveragePooling3D  # noqa: F401
from .adaptive_max_pooling1d import AdaptiveMaxPooling1D  # noqa: F401
from .adaptive_max_pooling2d import AdaptiveMaxPooling2D  # noqa: F401
from .adaptive_max_pooling3d import AdaptiveMaxPooling3D  # noqa: F401
from .conv_lstm3d import ConvLSTM3D  # noqa: F401
from .tfsm_layer import TFSMLayer  # noqa: F401
from .flax_layer import FlaxLayer  # noqa: F401
from .jax_layer import JaxLayer  # noqa: F401
from .torch_module_wrapper import TorchModuleWrapper  # noqa: F401
Convolution1D, Convolution2D = Conv1D, Conv2D
# (end of core additions, adaptive pooling and ConvLSTM3D)
# ---- image augmentation layers (issue 19) ----
from .random_hue import RandomHue  # noqa: F401
from .random_saturation import RandomSaturation  # noqa: F401
from .random_color_degeneration import RandomColorDegeneration  # noqa: F401
from .random_color_jitter import RandomColorJitter  # noqa: F401
from .random_posterization import RandomPosterization  # noqa: F401
from .solarization import Solarization  # noqa: F401
from .auto_contrast import AutoContrast  # noqa: F401
from .equalization import Equalization  # noqa: F401
from .random_sharpness import RandomSharpness  # noqa: F401
from .random_gaussian_blur import RandomGaussianBlur  # noqa: F401
from .random_erasing import RandomErasing  # noqa: F401
from .random_shear import RandomShear  # noqa: F401
from .mix_up import MixUp  # noqa: F401
from .cut_mix import CutMix  # noqa: F401
from .random_perspective import RandomPerspective  # noqa: F401
from .random_elastic_transform import RandomElasticTransform  # noqa: F401
from .max_num_bounding_boxes import MaxNumBoundingBoxes  # noqa: F401
from .rand_augment import RandAugment  # noqa: F401
from .aug_mix import AugMix  # noqa: F401
from .contrast_limited_adaptive_histogram_equalization import ContrastLimitedAdaptiveHistogramEqualization  # noqa
# (end of image augmentation layers)
from .stft_spectrogram import STFTSpectrogram  # noqa: F401
from .mel_spectrogram import MelSpectrogram  # noqa: F401


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
