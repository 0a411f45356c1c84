"""``tf.DeviceSpec``, TF's enums of variable aggregation / synchronization and gradient aggregation."""
import enum

__all__ = ["DeviceSpec", "VariableAggregation", "VariableSynchronization", "AggregationMethod"]


class VariableAggregation(enum.Enum):
    """How a distributed variable combines its replicas' updates (accepted by ``tf.Variable(aggregation=...)``)."""

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


class VariableSynchronization(enum.Enum):
    """When a distributed variable is synchronised (accepted by ``tf.Variable(synchronization=...)``)."""

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class AggregationMethod:
    """How gradients reaching one tensor from several paths are summed (TF's names; pytensor always adds them)."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


_FIELDS = ("job", "replica", "task", "device_type", "device_index")


class DeviceSpec:
    """A device name's parts: ``/job:<job>/replica:<n>/task:<n>/device:<TYPE>:<index>`` (any part may be absent).

    Example:
        >>> tf.DeviceSpec(job="ps", task=3, device_type="cpu", device_index=0).to_string()
        '/job:ps/task:3/device:CPU:0'
    """

    def __init__(self, job=None, replica=None, task=None, device_type=None, device_index=None):
        self._job = None if job is None else str(job)
        self._replica = None if replica is None else int(replica)
        self._task = None if task is None else int(task)
        self._device_type = None if device_type is None else (
            str(device_type).upper() if str(device_type).lower() in ("cpu", "gpu") else str(device_type))
        self._device_index = None if device_index is None else (device_index if device_index == "*"
                                                                else int(device_index))

    job = property(lambda self: self._job)
    replica = property(lambda self: self._replica)
    task = property(lambda self: self._task)
    device_type = property(lambda self: self._device_type)
    device_index = property(lambda self: self._device_index)

    @classmethod
    def from_string(cls, spec):
        """Parses ``"/job:ps/task:3/device:CPU:0"``, ``"/cpu:1"``, ``"GPU:0"`` ...

        Raises:
            ValueError: for a part TF does not know, naming it.
        """
        return cls(**cls._parse(spec))

    @staticmethod
    def _parse(spec):
        parts = {}
        for part in (spec or "").split("/"):
            if not part:
                continue
            fields = part.split(":")
            key = fields[0].lower()
            if key in ("job", "replica", "task") and len(fields) == 2:
                parts[key] = fields[1]
            elif key == "device" and len(fields) >= 2:
                parts["device_type"] = fields[1]
                if len(fields) == 3:
                    parts["device_index"] = fields[2]
            elif key in ("cpu", "gpu") and len(fields) == 2:
                parts["device_type"], parts["device_index"] = fields
            else:
                raise ValueError(f"Unknown attribute '{fields[0]}' is encountered while parsing the device spec: "
                                 f"'{spec}'.")
        return parts

    def parse_from_string(self, spec):
        """A new DeviceSpec: this one with the parts that `spec` names replaced."""
        return self.replace(**self._parse(spec))

    def replace(self, **kwargs):
        """A new DeviceSpec with the given parts replaced."""
        unknown = set(kwargs) - set(_FIELDS)
        if unknown:
            raise TypeError(f"DeviceSpec.replace: unknown parts {sorted(unknown)}; the parts are {list(_FIELDS)}")
        values = {name: getattr(self, name) for name in _FIELDS}
        values.update(kwargs)
        return DeviceSpec(**values)

    def make_merged_spec(self, dev):
        """A new DeviceSpec: this one, with the parts `dev` sets taking their values from `dev`."""
        return self.replace(**{name: getattr(dev, name) for name in _FIELDS if getattr(dev, name) is not None})

    def to_string(self):
        text = "".join(f"/{name}:{getattr(self, name)}" for name in ("job", "replica", "task")
                       if getattr(self, name) is not None)
        if self._device_type is not None:
            text += f"/device:{self._device_type}:{'*' if self._device_index is None else self._device_index}"
        return text

    def __eq__(self, other):
        return isinstance(other, DeviceSpec) and self.to_string() == other.to_string()

    def __hash__(self):
        return hash(self.to_string())

    def __repr__(self):
        return f"<DeviceSpec {self.to_string()!r}>"
