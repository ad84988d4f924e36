"""A cluster state as plain data and back, for records that outlive the code.

``pack_state`` turns a ``ClusterState`` into JSON-ready data (arrays as base64 of
their bytes, with dtype and shape); ``unpack_state`` rebuilds it so that
``state_hash`` is unchanged. The reader is driven by the dataclasses' own type
hints and forgives an older writer: a field the stored data lacks takes its
default (a new organization column takes ``COLUMN_DEFAULTS`` or zero), and a field
the code no longer has is ignored. So a state stored by one version of the engine
still loads in the next one, which is what lets a session continue after an upgrade.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import types
import typing
import zlib
from typing import Any

import numpy as np
from pydantic import BaseModel

from game import state as state_module
from game.state import ClusterState, Organizations, freeze_columns
from game.vocabulary import Stage

SNAPSHOT_FORMAT = 1


class SnapshotError(ValueError):
    """Stored state data that cannot be read back."""


def pack_state(state: ClusterState) -> dict[str, Any]:
    """Return the state as JSON-ready data."""
    return {"format": SNAPSHOT_FORMAT, "state": _pack(state)}


def unpack_state(data: dict[str, Any]) -> ClusterState:
    """Rebuild a state packed by ``pack_state`` (of this or an older engine)."""
    if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(f"not a packed cluster state (format {data.get('format')!r})")
    try:
        return _unpack(ClusterState, data["state"])
    except (KeyError, TypeError, ValueError) as error:
        raise SnapshotError(f"packed cluster state cannot be read ({error})") from None


# ---------------------------------------------------------------- writing


# id(read-only array) -> (the array, it packed): the fixed columns a session's states
# share (``game.state.FIXED_COLUMNS``) are packed once, not once per state
_PACKED: dict[int, tuple[np.ndarray, dict[str, Any]]] = {}
PACKED_KEPT = 64


def _pack_array(value: np.ndarray) -> dict[str, Any]:
    if value.flags.writeable or value.base is not None:
        return _pack_bytes(value)
    kept = _PACKED.get(id(value))
    if kept is None or kept[0] is not value:
        if len(_PACKED) >= PACKED_KEPT:
            _PACKED.clear()
        kept = _PACKED[id(value)] = (value, _pack_bytes(value))
    packed = kept[1]
    return {**packed, "shape": list(packed["shape"])}


def _pack_bytes(value: np.ndarray) -> dict[str, Any]:
    array = np.ascontiguousarray(value)
    raw = array.tobytes()
    packed = zlib.compress(raw, 1)
    zipped = len(packed) < 0.8 * len(raw)  # flags and counts shrink; prices hardly
    return {
        "dtype": str(array.dtype),
        "shape": list(array.shape),
        "zlib": zipped,
        "b64": base64.b64encode(packed if zipped else raw).decode("ascii"),
    }


_PLAIN = frozenset({int, float, str, bool, type(None)})  # exactly these types: as they are


def _pack(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, np.ndarray):
        return _pack_array(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _pack(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Stage):
        return value.label
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(_pack(k)): _pack(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_pack(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


# ---------------------------------------------------------------- reading


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(state_module))


def _unpack(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if kind is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _unpack(options[0], value)
    if kind is np.ndarray:
        return _array(value)
    if dataclasses.is_dataclass(kind):
        return _dataclass(kind, value)
    if origin is dict:
        key_kind, value_kind = typing.get_args(kind) or (Any, Any)
        return {_unpack(key_kind, k): _unpack(value_kind, v) for k, v in value.items()}
    if origin is tuple:
        item_kind = typing.get_args(kind)[0]
        return tuple(_unpack(item_kind, v) for v in value)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return kind.model_validate(value)
    if kind is Stage:
        return Stage.parse(value)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    if kind is float:
        return float(value)
    return value


def _array(value: dict[str, Any]) -> np.ndarray:
    raw = base64.b64decode(value["b64"])
    if value.get("zlib"):
        raw = zlib.decompress(raw)
    return np.frombuffer(raw, dtype=np.dtype(value["dtype"])).reshape(value["shape"]).copy()


def _dataclass(kind: type, value: dict[str, Any]) -> Any:
    hints = _hints(kind)
    if kind is Organizations:
        return _organizations(value, hints)
    arguments = {}
    for f in dataclasses.fields(kind):
        if f.name in value:
            arguments[f.name] = _unpack(hints[f.name], value[f.name])
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise KeyError(f"{kind.__name__}.{f.name}")
    return kind(**arguments)


def _organizations(value: dict[str, Any], hints: dict[str, Any]) -> Organizations:
    columns = {name: _array(data) for name, data in value.items() if name in hints}
    if "segment" not in columns:
        raise KeyError("Organizations.segment")
    size = columns["segment"].shape[0]
    defaults = getattr(state_module, "COLUMN_DEFAULTS", {})
    for f in dataclasses.fields(Organizations):
        if f.name not in columns:
            fill = defaults.get(f.name, 0)
            columns[f.name] = np.full(size, fill, dtype=np.asarray(fill).dtype)
    return Organizations(**freeze_columns(columns))
