"""``tf.version``: the version strings TF programs print (pytensor's own; its graphs have no GraphDef format)."""

VERSION = "0.1.0"
GIT_VERSION = "v" + VERSION
COMPILER_VERSION = "C++17"
GRAPH_DEF_VERSION = 0
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0
