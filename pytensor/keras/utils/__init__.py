"""``keras.utils``: data and file helpers (``pad_sequences``, ``get_file``, ``to_categorical``, ``normalize``,
``set_random_seed``, ``unpack_x_y_sample_weight``, the custom-object registry)."""
from .data_utils import pack_x_y_sample_weight, unpack_x_y_sample_weight  # noqa: F401
from .dataset_utils import split_dataset  # noqa: F401
from .file_utils import get_file  # noqa: F401
from .image_dataset_utils import image_dataset_from_directory  # noqa: F401
from .image_utils import array_to_img, img_to_array, load_img, save_img  # noqa: F401
from .numerical_utils import normalize, to_categorical  # noqa: F401
from .py_dataset import PyDataset, Sequence  # noqa: F401
from .rng_utils import set_random_seed  # noqa: F401
from .sequence_utils import pad_sequences  # noqa: F401
from .._plot_model import model_to_dot, plot_model  # noqa: F401  (pydot + Graphviz, optional)
from .text_dataset_utils import text_dataset_from_directory  # noqa: F401
from .timeseries_dataset_utils import timeseries_dataset_from_array  # noqa: F401
from ..serialization import (CustomObjectScope, custom_object_scope, get_custom_objects,  # noqa: F401
                             get_registered_name, get_registered_object, register_keras_serializable)


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
