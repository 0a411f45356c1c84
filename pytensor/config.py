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


def run_functions_eagerly(run_eagerly):
    """Makes every ``tf.function`` run its Python function eagerly, for debugging (``tf.config`` of that name)."""
    from ._function import run_functions_eagerly as switch
    switch(run_eagerly)


def functions_run_eagerly():
    """True after ``run_functions_eagerly(True)``."""
    from ._function import functions_run_eagerly as query
    return query()


class optimizer:  # noqa: N801 - TF's namespace name
    """``tf.config.optimizer``: switches of the graph passes ``tf.function`` runs, by TF's option names.

    ``constant_folding`` (False: no constant folding), ``arithmetic_optimization`` (False: no common-subexpression
    elimination and no algebraic simplification), ``remapping`` (False: no pattern fusion of bias + relu and
    conv2d + bias + relu + max_pool), ``disable_model_pruning`` (True: no dead-code elimination),
    ``memory_optimization`` (False: no in-place optimizer updates or buffer reuse; TF's RewriterConfig name) and
    ``disable_meta_optimizer`` (True: no pass at all). TF's other option names are accepted and stored.

    Example:
        >>> tf.config.optimizer.set_experimental_options({"remapping": False})  # graphs traced from now on
    """

    _options = {}

    @staticmethod
    def set_experimental_options(options):
        """Sets pass switches (a dict, as TF's); they apply to graphs traced afterwards."""
        if not isinstance(options, dict):
            raise TypeError(f"set_experimental_options: expected a dict of option names to bools, got "
                            f"{type(options).__name__}")
        optimizer._options.update(options)

    @staticmethod
    def get_experimental_options():
        """The switches set so far."""
        return dict(optimizer._options)
