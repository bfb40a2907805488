"""The widget's trait types: each checks its own values and says what it holds.

A bad value raises ``traitlets.TraitError`` naming it, whether a cell sets it, a constructor
keyword gives it, or a saved view brings it back.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import Any

import traitlets

from .clusters import check_threshold
from .filters import check_type_names


class NodeIds(traitlets.List):  # type: ignore[type-arg]
    """Ids of nodes the widget knows (``widget.graph``), in order, repeats dropped.

    ``verb`` names what the ids are for in the error an unknown id raises ("select").
    """

    def __init__(self, verb: str, **kwargs: Any) -> None:
        super().__init__(traitlets.Unicode(), **kwargs)
        self.verb = verb

    def validate(self, obj: Any, value: Any) -> list[str]:
        ids = list(dict.fromkeys(super().validate(obj, value) or ()))
        unknown = [i for i in ids if i not in obj.graph]
        if unknown:
            raise traitlets.TraitError(f"cannot {self.verb} unknown node(s): {unknown!r}")
        return ids


class TypeNames(traitlets.List):  # type: ignore[type-arg]
    """A filter's type names: a list (tuple, set) of strings, or None (every type)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(traitlets.Unicode(), default_value=None, allow_none=True, **kwargs)

    def set(self, obj: Any, value: Any) -> None:
        # traitlets' List wraps a lone string in a list; "dataset,model" would become one type.
        traitlets.TraitType.set(self, obj, value)

    def validate(self, obj: Any, value: Any) -> list[str] | None:
        try:
            return check_type_names(self.name or "type names", value)
        except ValueError as exc:
            raise traitlets.TraitError(str(exc)) from None


class Viewport(traitlets.Dict):  # type: ignore[type-arg,unused-ignore]
    """Where the view is: ``{'cx', 'cy'}`` the graph point at its centre and ``'k'`` the scale
    (finite numbers, ``k`` positive); or empty (fit the graph)."""

    def validate(self, obj: Any, value: Any) -> dict[str, float]:
        value = super().validate(obj, value)
        if not value:
            return {}
        if set(value) != {"cx", "cy", "k"}:
            raise traitlets.TraitError(
                f"viewport must be empty or have the keys cx, cy and k, got {value!r}"
            )
        numbers = {}
        for key in ("cx", "cy", "k"):
            number = value[key]
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise traitlets.TraitError(f"viewport[{key!r}] must be a number, got {number!r}")
            if not math.isfinite(number) or (key == "k" and number <= 0):
                raise traitlets.TraitError(f"viewport[{key!r}] is out of range: {number!r}")
            numbers[key] = float(number)
        return numbers


class PositiveInt(traitlets.Int):  # type: ignore[type-arg]
    """An integer above zero."""

    def validate(self, obj: Any, value: Any) -> Any:
        value = super().validate(obj, value)
        return _positive(self, value)


class PositiveFloat(traitlets.Float):  # type: ignore[type-arg]
    """A number above zero (or None where allowed)."""

    def validate(self, obj: Any, value: Any) -> Any:
        value = super().validate(obj, value)
        return _positive(self, value)


def _positive(trait: traitlets.TraitType[Any, Any], value: Any) -> Any:
    if value is not None and value <= 0:
        raise traitlets.TraitError(f"{trait.name} must be positive, got {value!r}")
    return value


class ClusterThreshold(traitlets.Int):  # type: ignore[type-arg]
    """How many nodes of one kind and type in a column make a cluster: an integer of at least
    2, or None (never cluster)."""

    def validate(self, obj: Any, value: Any) -> int | None:
        try:
            return check_threshold(value)
        except ValueError as exc:
            raise traitlets.TraitError(str(exc)) from None


def check_keywords(owner: str, given: Iterable[str], valid: Iterable[str]) -> None:
    """A ``TypeError`` naming each keyword argument of ``given`` not in ``valid``, with the
    nearest valid name (a typo such as ``hide_run=True`` must not silently do nothing)."""
    names = sorted(set(valid))
    unknown = [name for name in given if name not in names]
    if not unknown:
        return
    problems = []
    for name in unknown:
        near = difflib.get_close_matches(name, names, n=1)
        problems.append(f"{name!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
    plural = "s" if len(unknown) > 1 else ""
    raise TypeError(
        f"{owner} got unexpected keyword argument{plural} {', '.join(problems)}; "
        f"it takes {', '.join(names)}"
    )


class ColorByKey(traitlets.TraitType):  # type: ignore[type-arg]
    """What nodes are coloured by: a key of their details (str), a function of the node, or
    None (the usual colours)."""

    info_text = "a details key (str), a function node -> number | str | None, or None"

    def validate(self, obj: Any, value: Any) -> Any:
        if value is None or callable(value):
            return value
        if isinstance(value, str) and value.strip():
            return value
        raise traitlets.TraitError(
            f"color_by must be a details key (a non-empty str), a function node -> number | "
            f"str | None, or None; got {type(value).__name__} {value!r:.200}"
        )


class Seconds(PositiveFloat):
    """A positive number of seconds, or None (off)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(None, allow_none=True, **kwargs)
