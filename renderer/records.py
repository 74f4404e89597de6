"""Immutable records: ``@record`` is ``@dataclass(frozen=True)`` without compiling code at import.

``dataclasses`` writes every method it adds (``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__``, ``__delattr__``) as source text and compiles it: ~0.6 ms per
class, ~17 ms of each run for the records a render imports. A record is still a dataclass
(its fields are processed by ``dataclasses``, so ``fields``, ``replace`` and ``asdict``
work) and behaves as a frozen one: built from positional or keyword arguments with
defaults and default factories, the same ``repr`` text, equality (same class only) and
hash over the field values in order, assignment and deletion refused with
``FrozenInstanceError``. Not supported (refused when the class is made): ``__post_init__``
and fields excluded from ``__init__``, ``repr`` or comparison.
"""

from __future__ import annotations

from dataclasses import MISSING, FrozenInstanceError, dataclass, fields
from operator import attrgetter
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def record(cls: type[T]) -> type[T]:
    """Make ``cls`` an immutable dataclass (see the module docstring)."""
    if "__post_init__" in cls.__dict__:
        raise TypeError(f"{cls.__name__}: records have no __post_init__")
    cls = dataclass(init=False, repr=False, eq=False)(cls)
    found = fields(cls)  # type: ignore[arg-type]
    if not all(f.init and f.repr and f.compare and f.hash is None for f in found):
        raise TypeError(f"{cls.__name__}: record fields take part in __init__, repr and comparison")
    names = tuple(f.name for f in found)
    known = frozenset(names)
    defaults = {f.name: f.default for f in found if f.default is not MISSING}
    factories = {f.name: f.default_factory for f in found if f.default_factory is not MISSING}
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
