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
    conv2d + bias + relu + max_pool), ``elementwise_fusion`` (False: element-wise chains stay separate ops instead
    of one fused_elementwise pass over the data; pytensor's name, TF fuses them under XLA),
    ``disable_model_pruning`` (True: no dead-code elimination),
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


# ---- devices: pytensor computes on one CPU device; these answer as TF does on a machine without GPUs ----
class LogicalDevice:
    """A device ops can be placed on (``tf.config.LogicalDevice``): ``name`` ("/device:CPU:0"), ``device_type``."""

    def __init__(self, name, device_type):
        self.name, self.device_type = name, device_type

    def __repr__(self):
        return f"LogicalDevice(name='{self.name}', device_type='{self.device_type}')"

    def __eq__(self, other):
        return isinstance(other, LogicalDevice) and (self.name, self.device_type) == (other.name, other.device_type)

    def __hash__(self):
        return hash((self.name, self.device_type))


class LogicalDeviceConfiguration:
    """How to split a physical device into logical ones (``tf.config.LogicalDeviceConfiguration``)."""

    def __init__(self, memory_limit=None, experimental_priority=None, experimental_device_ordinal=None):
        self.memory_limit = memory_limit
        self.experimental_priority = experimental_priority
        self.experimental_device_ordinal = experimental_device_ordinal


_placement = {"soft": True, "visible": None, "cpu_split": None}


def _cpu_only(what, devices, device_type):
    """Raises ValueError for a device that is not the CPU (pytensor has no other device)."""
    for device in devices:
        name = getattr(device, "name", device)
        if "CPU" not in str(name) or (device_type not in (None, "CPU")):
            raise ValueError(f"{what}: pytensor has only the CPU device ({list_physical_devices()}); received "
                             f"{device!r} (device_type={device_type!r}).")


def list_logical_devices(device_type=None):
    """The logical devices: the CPU, or the logical CPUs it was split into (none for "GPU" or other types)."""
    count = len(_placement["cpu_split"] or [None])
    return [LogicalDevice(f"/device:CPU:{i}", "CPU") for i in range(count)] if device_type in (None, "CPU") else []


def get_visible_devices(device_type=None):
    """The physical devices ops may use: the CPU."""
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None):
    """Restricts the visible devices: only the CPU exists, so only an empty list of another type (``[]`` for
    "GPU") or the CPU itself are accepted.

    Raises:
        ValueError: a device other than the CPU, or hiding the CPU.
    """
    devices = [devices] if isinstance(devices, str) or not isinstance(devices, (list, tuple)) else list(devices)
    if device_type in (None, "CPU") and not devices:
        raise ValueError("set_visible_devices: the CPU cannot be hidden (pytensor has no other device).")
    _cpu_only("set_visible_devices", devices, device_type if devices else None)
    _placement["visible"] = devices


def get_logical_device_configuration(device):
    """The logical devices the CPU was split into (LogicalDeviceConfiguration list), or None."""
    _cpu_only("get_logical_device_configuration", [device], None)
    split = _placement["cpu_split"]
    return None if split is None else list(split)


def set_logical_device_configuration(device, logical_devices):
    """Splits the CPU into logical devices "/device:CPU:0", "/device:CPU:1", ... (for ``tf.distribute``'s
    ``MirroredStrategy(devices=[...])``); None undoes the split. Every logical CPU computes with all cores.

    Raises:
        ValueError: for a device other than the CPU, or a memory limit (TF has none for CPUs).
        TypeError: for an entry that is not a LogicalDeviceConfiguration.
    """
    _cpu_only("set_logical_device_configuration", [device], None)
    if logical_devices is None:
        _placement["cpu_split"] = None
        return
    logical_devices = list(logical_devices)
    for config in logical_devices:
        if not isinstance(config, LogicalDeviceConfiguration):
            raise TypeError(f"set_logical_device_configuration: expected tf.config.LogicalDeviceConfiguration "
                            f"entries, got {config!r}")
        if config.memory_limit is not None:
            raise ValueError("set_logical_device_configuration: setting a memory limit on CPU logical devices is "
                             "not supported (as TF); leave memory_limit unset")
    if not logical_devices:
        raise ValueError("set_logical_device_configuration: give at least one LogicalDeviceConfiguration (None "
                         "undoes the split)")
    _placement["cpu_split"] = logical_devices


def set_soft_device_placement(enabled):
    """TF's switch placing an op on another device when its requested one lacks a kernel; pytensor places every
    op on the CPU, whatever ``tf.device`` asks."""
    _placement["soft"] = bool(enabled)


def get_soft_device_placement():
    return _placement["soft"]


class experimental:  # noqa: N801 - TF's namespace name
    """``tf.config.experimental``: device queries and GPU memory settings."""

    list_physical_devices = staticmethod(list_physical_devices)
    list_logical_devices = staticmethod(list_logical_devices)
    # TF's older names of the logical-device functions
    VirtualDeviceConfiguration = LogicalDeviceConfiguration
    set_virtual_device_configuration = staticmethod(set_logical_device_configuration)
    get_virtual_device_configuration = staticmethod(get_logical_device_configuration)
    get_visible_devices = staticmethod(get_visible_devices)
    set_visible_devices = staticmethod(set_visible_devices)

    @staticmethod
    def set_memory_growth(device, enable):
        """GPU memory growth. Raises ValueError, as TF does, for a device that is not a GPU (pytensor has none)."""
        raise ValueError(f"set_memory_growth: cannot set memory growth on non-GPU devices ({device!r}); pytensor "
                         f"has only the CPU.")

    @staticmethod
    def get_memory_growth(device):
        raise ValueError(f"get_memory_growth: cannot get memory growth on non-GPU devices ({device!r}).")
