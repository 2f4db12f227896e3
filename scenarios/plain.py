"""Plain data (JSON-able dicts and lists) to and from the frozen dataclasses of the package."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from scenarios.errors import InputError, Problem

__all__ = ["build_dataclass", "to_plain"]

T = TypeVar("T")


def to_plain(value: Any) -> Any:
    """Mappings -> dicts with str keys, tuples/lists -> lists, recursively."""
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value


def build_dataclass(cls: type[T], data: Any, field: str) -> T:
    """``cls(**data)``; a non-object, unknown keys or wrong arguments raise :class:`InputError`
    naming ``field``."""
    if not isinstance(data, Mapping):
        raise InputError([Problem(None, field, "not_an_object", f"{field} must be an object")])
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - names)
    if unknown:
        msg = f"unknown key(s) {', '.join(unknown)}"
        raise InputError([Problem(None, field, "unknown_key", msg)])
    try:
        return cls(**data)
    except TypeError as exc:
        raise InputError([Problem(None, field, "bad_value", str(exc))]) from exc
