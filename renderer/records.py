"""Immutable records: ``@record`` makes a class behave as ``@dataclass(frozen=True)`` without
importing ``dataclasses`` (and the ``inspect`` module it loads: ~6 ms of every run) or compiling
methods at import.

Fields are the class's annotated names (base classes first), defaults its class attributes;
``factory(make)`` is a default made fresh for each record (``field(default_factory=make)``).
A record is built from positional or keyword arguments, has the same ``repr`` text as a frozen
dataclass, equality (same class only) and hash over the field values in order, and refuses
assignment and deletion with ``FrozenInstanceError``. ``replace``, ``fields`` and ``asdict`` here
work as their ``dataclasses`` namesakes. Not supported (refused when the class is made):
``__post_init__`` and ``dataclasses.field`` options.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, Callable, TypeVar

T = TypeVar("T")


class FrozenInstanceError(AttributeError):
    """A field of a record was assigned or deleted."""


class _Factory:
    """A default made by calling ``make`` for each new record."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def factory(make: Callable[[], Any]) -> Any:
    """A field default made fresh for each record, e.g. ``children: tuple = factory(tuple)``."""
    return _Factory(make)


_NONE = object()


def record(cls: type[T]) -> type[T]:
    """Make ``cls`` an immutable record (see the module docstring)."""
    if "__post_init__" in cls.__dict__:
        raise TypeError(f"{cls.__name__}: records have no __post_init__")
    order: list[str] = []
    for base in reversed(cls.__mro__):
        for name in base.__dict__.get("__annotations__", {}):
            if name not in order:
                order.append(name)
    defaults: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    for name in order:
        value = getattr(cls, name, _NONE)
        if type(value).__module__ == "dataclasses":
            raise TypeError(f"{cls.__name__}.{name}: dataclasses.field is not for records (factory(make) is)")
        if isinstance(value, _Factory):
            factories[name] = value.make
            if name in cls.__dict__:
                delattr(cls, name)
        elif value is not _NONE:
            defaults[name] = value
        elif defaults or factories:
            raise TypeError(f"non-default argument {name!r} follows default argument")
    cls.__record_fields__ = tuple(order)  # type: ignore[attr-defined]
    names = tuple(order)
    known = frozenset(names)
    values_of: Callable[[Any], tuple[Any, ...]] = attrgetter(*names) if len(names) > 1 else \
        (lambda obj: tuple(getattr(obj, name) for name in names))

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807 (dunder on purpose)
        given = self.__dict__  # filled directly: a frozen record has no usable __setattr__
        if args:
            if len(args) > len(names):
                raise TypeError(f"{cls.__name__}() takes {len(names)} positional arguments but {len(args)} were given")
            given.update(zip(names, args))
        if kwargs:
            if not known.issuperset(kwargs):
                raise TypeError(f"{cls.__name__}() got unexpected keyword arguments {sorted(set(kwargs) - known)}")
            given.update(kwargs)
            if len(given) != len(args) + len(kwargs):
                raise TypeError(f"{cls.__name__}() got multiple values for {sorted(set(names[:len(args)]) & set(kwargs))}")
        if len(given) < len(names):
            for key in names:
                if key not in given:
                    if key in defaults:
                        given[key] = defaults[key]
                    elif key in factories:
                        given[key] = factories[key]()
                    else:
                        raise TypeError(f"{cls.__name__}() missing required argument: {key!r}")

    def __repr__(self: Any) -> str:  # noqa: N807
        return f"{self.__class__.__qualname__}(" + ", ".join(
            f"{name}={value!r}" for name, value in zip(names, values_of(self))) + ")"

    def __eq__(self: Any, other: Any) -> Any:  # noqa: N807
        if other.__class__ is self.__class__:
            return values_of(self) == values_of(other)
        return NotImplemented

    def __hash__(self: Any) -> int:  # noqa: N807
        return hash(values_of(self))

    def __setattr__(self: Any, name: str, value: Any) -> None:  # noqa: N807
        if type(self) is cls or name in known:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)  # type: ignore[misc, arg-type]

    def __delattr__(self: Any, name: str) -> None:  # noqa: N807
        if type(self) is cls or name in known:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)  # type: ignore[misc, arg-type]

    for method in (__init__, __repr__, __eq__, __hash__, __setattr__, __delattr__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)
    return cls


def fields(obj: Any) -> tuple[str, ...]:
    """Field names of a record or record class, in order."""
    return obj.__record_fields__  # type: ignore[no-any-return]


def replace(obj: T, **changes: Any) -> T:
    """A copy of the record ``obj`` with some fields changed."""
    names = fields(obj)
    unknown = set(changes).difference(names)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field(s) {sorted(unknown)}")
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__.update(changes)
    return new


def asdict(obj: Any) -> Any:
    """Plain data of a record: records become dicts, recursively through lists, tuples and dicts."""
    if hasattr(type(obj), "__record_fields__"):
        return {name: asdict(getattr(obj, name)) for name in fields(obj)}
    if isinstance(obj, (list, tuple)):
        return type(obj)(asdict(v) for v in obj)
    if isinstance(obj, dict):
        return {asdict(k): asdict(v) for k, v in obj.items()}
    return obj
