"""``@record`` (renderer/records.py) behaves as ``@dataclass(frozen=True)``, without ``dataclasses``."""

from __future__ import annotations

import pickle
import dataclasses
from dataclasses import dataclass, field

import pytest

from renderer.records import FrozenInstanceError, asdict, factory, fields, record, replace
from renderer.scene import Rect, Scene, Style


@record
class Point:
    """A record for these tests."""

    x: float
    y: float
    label: str = "p"
    tags: tuple[str, ...] = factory(tuple)


@dataclass(frozen=True)
class Twin:
    """The same fields as a frozen dataclass."""

    x: float
    y: float
    label: str = "p"
    tags: tuple[str, ...] = field(default_factory=tuple)


ARGS = [((1.0, 2.0), {}), ((1.0,), {"y": 2.5, "label": "q"}), ((), {"x": 0.0, "y": -0.0, "tags": ("a",)}),
        ((1, 2, "r", ("b", "c")), {})]


@pytest.mark.parametrize("args, kwargs", ARGS)
def test_same_repr_equality_hash_and_dict_as_a_frozen_dataclass(args: tuple, kwargs: dict) -> None:
    p, t = Point(*args, **kwargs), Twin(*args, **kwargs)
    assert repr(p) == repr(t).replace("Twin", "Point")
    assert hash(p) == hash(t)
    assert p == Point(*args, **kwargs) and p != t and p != Point(9.0, 9.0)
    assert asdict(p) == dataclasses.asdict(t) and vars(p) == vars(t)
    assert list(fields(p)) == [f.name for f in dataclasses.fields(t)] and not dataclasses.is_dataclass(p)
    assert replace(p, label="z") == Point(p.x, p.y, "z", p.tags)
    assert replace(p, label="z") == Point(*dataclasses.astuple(dataclasses.replace(t, label="z")))
    assert pickle.loads(pickle.dumps(p)) == p


def test_frozen_and_strict_arguments() -> None:
    p = Point(1.0, 2.0)
    with pytest.raises(FrozenInstanceError):
        p.x = 3.0  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del p.y
    for args, kwargs in [((1.0,), {}), ((1, 2, 3, 4, 5), {}), ((1, 2), {"z": 1}), ((1, 2), {"x": 1})]:
        with pytest.raises(TypeError):
            Point(*args, **kwargs)
        with pytest.raises(TypeError):
            Twin(*args, **kwargs)
    assert Point(1, 2).tags is Point(3, 4).tags == ()  # the factory's value (the empty tuple is shared)


def test_scene_types_are_records() -> None:
    style = Style(fill="#ffffff")
    assert Rect(1, 2, 3, 4, style) == Rect(x=1, y=2, w=3, h=4, style=style, rx=0.0)
    assert repr(style) == "Style(fill='#ffffff', stroke=None, stroke_width=0.0, dash=None, opacity=1.0)"
    assert Scene(10, 20, "t", "d", None).children == ()


def test_unsupported_dataclass_features_are_refused() -> None:
    with pytest.raises(TypeError):
        @record
        class Late:
            """Needs __post_init__."""

            x: int

            def __post_init__(self) -> None:
                pass

    with pytest.raises(TypeError):
        @record
        class Hidden:
            """A field left out of repr."""

            x: int = field(repr=False)
