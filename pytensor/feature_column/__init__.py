"""``tf.feature_column``: descriptions of how raw features become model inputs (TF's feature_column_v2), and
``input_layer`` (``tf.compat.v1.feature_column.input_layer``, what turns them into one dense tensor in TF 2.21, whose
Keras 3 has no DenseFeatures layer).

Categorical columns map each example's values to ids: a vocabulary (list or file, out-of-vocabulary values to a
default id or to hashed buckets), the values as ids (identity), FarmHash buckets (``hash_bucket``, TF's
``string_to_hash_bucket_fast``) or crosses of several features (TF's ``sparse_cross_hashed``), so the ids equal TF's.
Dense columns turn features into float32 ``(batch, n)`` tensors: numeric values, bucket one-hots, id counts
(``indicator_column``) and trainable embeddings combined by ``mean`` / ``sum`` / ``sqrtn``. ``input_layer``
concatenates the dense columns in the order of their names, as TF.

Example:
    >>> price = tf.feature_column.numeric_column("price")
    >>> color = tf.feature_column.categorical_column_with_vocabulary_list("color", ["red", "blue"])
    >>> tf.compat.v1.feature_column.input_layer(
    ...     {"price": [[2.0]], "color": [["blue"]]}, [price, tf.feature_column.indicator_column(color)]).numpy()
    array([[0., 1., 2.]], dtype=float32)
"""

from ._columns import (bucketized_column, categorical_column_with_hash_bucket, categorical_column_with_identity,
                       categorical_column_with_vocabulary_file, categorical_column_with_vocabulary_list, crossed_column,
                       embedding_column, indicator_column, input_layer, make_parse_example_spec, numeric_column,
                       sequence_categorical_column_with_hash_bucket, sequence_categorical_column_with_identity,
                       sequence_categorical_column_with_vocabulary_file,
                       sequence_categorical_column_with_vocabulary_list, sequence_numeric_column, shared_embeddings,
                       weighted_categorical_column)

__all__ = ["bucketized_column", "categorical_column_with_hash_bucket", "categorical_column_with_identity",
           "categorical_column_with_vocabulary_file", "categorical_column_with_vocabulary_list", "crossed_column",
           "embedding_column", "indicator_column", "make_parse_example_spec", "numeric_column",
           "sequence_categorical_column_with_hash_bucket", "sequence_categorical_column_with_identity",
           "sequence_categorical_column_with_vocabulary_file", "sequence_categorical_column_with_vocabulary_list",
           "sequence_numeric_column", "shared_embeddings", "weighted_categorical_column", "input_layer"]
