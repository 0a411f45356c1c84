"""``tf.config``: threading settings of the core, devices and GPU memory."""

import collections
import re

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


# TF's rule: ops go to the GPU by default where one is present (tf.device("/CPU:0") scopes choose the CPU).
if _core.gpu_count():
    _core.set_process_default_device("GPU")


class PhysicalDevice(collections.namedtuple("PhysicalDevice", ["name", "device_type"])):
    """A device of the machine (``tf.config.PhysicalDevice``): ``name`` ("/physical_device:GPU:0"), ``device_type``."""


def _device_kinds():
    """(device_type, count) of the devices present: the CPU, and the GPUs of a CUDA build on a machine with GPUs."""
    return [("CPU", 1), ("GPU", _core.gpu_count())]


def list_physical_devices(device_type=None):
    """The devices of the machine pytensor can use, as ``tf.config.list_physical_devices``: the CPU and, in a CUDA
    build (``-Ccmake.define.PYTENSOR_CUDA=ON``) on a machine with GPUs, each GPU. ``device_type`` ("CPU", "GPU")
    filters them; ``list_physical_devices("GPU")`` is empty without a GPU."""
    return [PhysicalDevice(f"/physical_device:{kind}:{i}", kind) for kind, count in _device_kinds()
            for i in range(count) if device_type in (None, kind)]


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


# ---- devices: the CPU, and GPU:0 of a CUDA build on a machine with a GPU; on a machine without GPUs these answer
# as TF does there ----
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
    """Raises ValueError for a device that is not one of the machine's (the CPU and its GPUs)."""
    present = list_physical_devices()
    for device in devices:
        name = str(getattr(device, "name", device))
        known = any(name == d.name for d in present) or ("CPU" in name and device_type in (None, "CPU"))
        if not known or (device_type is not None and device_type not in name):
            raise ValueError(f"{what}: pytensor has only the CPU device"
                             f"{' and its GPUs' if _core.gpu_count() else ''} ({present}); received "
                             f"{device!r} (device_type={device_type!r}).")


def list_logical_devices(device_type=None):
    """The logical devices: the CPU (or the logical CPUs it was split into) and each GPU."""
    counts = {"CPU": len(_placement["cpu_split"] or [None]), "GPU": _core.gpu_count()}
    return [LogicalDevice(f"/device:{kind}:{i}", kind) for kind, count in counts.items()
            for i in range(count) if device_type in (None, kind)]


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
        """Records GPU memory growth for a GPU of list_physical_devices("GPU"). pytensor's caching allocator always
        grows on demand (TF's growth on); it never reserves the GPU's memory up front.

        Raises:
            ValueError: for a device that is not a GPU (as TF: "Cannot set memory growth on non-GPU ... devices")
                or is not one of the machine's.
        """
        _memory_growth[_physical_gpu("set_memory_growth", device)] = bool(enable)

    @staticmethod
    def get_memory_growth(device):
        """The memory growth set for a GPU (False until set). KeyError for another device, as TF."""
        if isinstance(device, PhysicalDevice) and device.device_type != "GPU":
            raise KeyError(device)
        return _memory_growth.get(_physical_gpu("get_memory_growth", device), False)

    @staticmethod
    def get_memory_info(device):
        """``{'current': bytes, 'peak': bytes}`` of GPU memory held by tensors on `device` ("GPU:0",
        "/device:GPU:0"); zeros for the CPU, as TF. ValueError for a device that is not present, as TF."""
        kind, index = _parse_device_name(device)
        if kind == "CPU" and index == 0:
            return {"current": 0, "peak": 0}
        _require_present(device, kind, index)
        return _core.gpu_memory_info()

    @staticmethod
    def reset_memory_stats(device):
        """Restarts get_memory_info's peak from the current bytes (ValueError for a device not present)."""
        kind, index = _parse_device_name(device)
        if kind == "CPU" and index == 0:
            return
        _require_present(device, kind, index)
        _core.gpu_reset_memory_stats()


_memory_growth = {}


def _physical_gpu(what, device):
    """The PhysicalDevice of a GPU present given as a PhysicalDevice or its name; ValueError (TF's) otherwise."""
    if isinstance(device, PhysicalDevice) and device.device_type != "GPU":
        raise ValueError(f"{what}: Cannot set memory growth on non-GPU and non-Pluggable devices ({device!r})")
    name = device.name if isinstance(device, PhysicalDevice) else device
    for gpu in list_physical_devices("GPU"):
        if gpu.name == name:
            return gpu
    raise ValueError(f"{what}: Unrecognized device: {name!r} (the machine's GPUs: {list_physical_devices('GPU')})")


def _parse_device_name(device):
    """(device type, index) of "GPU:0", "/device:GPU:0", "/job:localhost/.../device:CPU:0"; ValueError as TF's."""
    match = re.fullmatch(r"(?:/job:\w+)?(?:/replica:\d+)?(?:/task:\d+)?/?(?:device:)?([A-Za-z]+):(\d+)", str(device))
    if not match:
        raise ValueError(f"Failed parsing device name: {device!r}. Note a valid device string should at least contain "
                         f"a device type and a device index, like \"GPU:0\".")
    return match.group(1).upper(), int(match.group(2))


def _require_present(device, kind, index):
    """ValueError, as TF's, unless device `kind`:`index` is present (the CPU's index 0 is handled by the caller)."""
    if not (kind == "GPU" and index < _core.gpu_count()):
        raise ValueError(f"No matching devices found for {device!r}")
