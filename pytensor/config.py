"""``tf.config``: threading settings of the core."""

from . import _core


class threading:  # noqa: N801 - TF's namespace name
    """``tf.config.threading``: the core's intra-op thread count (OpenMP)."""

    @staticmethod
    def set_intra_op_parallelism_threads(num_threads):
        """Sets the threads one op may use (0 keeps the default)."""
        if num_threads:
            _core.set_num_threads(int(num_threads))

    @staticmethod
    def get_intra_op_parallelism_threads():
        return _core.get_num_threads()

    @staticmethod
    def set_inter_op_parallelism_threads(num_threads):
        """Accepted for compatibility: ops run one at a time on the calling thread."""

    @staticmethod
    def get_inter_op_parallelism_threads():
        return 1


def list_physical_devices(device_type=None):
    """The CPU (and, in CUDA builds, GPUs are not listed yet)."""
    return [] if device_type == "GPU" else ["/physical_device:CPU:0"]
