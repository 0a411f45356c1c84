"""tf.data.experimental: CSV readers and the cardinality constants."""

from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from .readers import CsvDataset, make_csv_dataset
from .options import AutoShardPolicy, DistributeOptions


def cardinality(dataset):
    """``dataset.cardinality()``."""
    return dataset.cardinality()


__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "CsvDataset", "make_csv_dataset",
           "cardinality", "AutoShardPolicy", "DistributeOptions"]
