"""Where a graph shown whole is drawn: in longest-path columns, each node at a place in its column.

:func:`topological_generations` splits the graph into columns in bulk; :class:`ColumnLevels` and
:class:`ColumnOrders` hold each node's column and place. Both are dicts that work their entries out
only when they are needed: the first view of a big graph reads almost none of them (its crowded
columns are drawn as clusters), and at a million nodes working them all out takes seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from itertools import chain, compress, repeat
from operator import gt, itemgetter, not_
from typing import Any, TypeVar

_V = TypeVar("_V")

SMALL_COLUMN = 64
"""Columns of at most this many nodes have their nodes' levels entered at once (see
:class:`ColumnLevels`)."""


def topological_generations(
    pred: Mapping[str, Collection[str]], succ: Mapping[str, Iterable[str]]
) -> tuple[list[list[str]], list[list[str]]] | None:
    """networkx's topological_generations over the adjacency directly: the same layers in the
    same order, and each layer's outputs (its nodes' successors in order, one per edge; the next
    layer's own list when it is exactly those); None if a cycle leaves nodes unlayered.

    A layer at a time, the work per edge in C. A node of one input (most of a lineage: an
    artifact has one producer) is reached once, from the layer before its own, so it needs no
    count: the successors of a layer, in order, are the next layer. Only nodes of several inputs
    are counted down; networkx places one when its last input is seen, so a layer where one
    completes is ordered by where each node was reached last. At a million nodes: 2.0 -> 0.5 s.
    """
    sizes = list(map(len, pred.values()))
    left = {node: len(pred[node]) for node in compress(pred, map(gt, sizes, repeat(1)))}
    several = dict.fromkeys(left)  # (nodes of several inputs; left: those not layered yet)
    layer = list(compress(pred, map(not_, sizes)))
    layers, outputs = [], []
    placed = 0
    while layer:
        layers.append(layer)
        placed += len(layer)
        reached = list(chain.from_iterable(map(succ.__getitem__, layer)))
        outputs.append(reached)
        if not any(map(several.__contains__, reached)):
            layer = reached
            continue
        complete = set()
        for node, hits in Counter(filter(several.__contains__, reached)).items():
            left[node] -= hits
            if not left[node]:
                complete.add(node)
        last = dict(zip(reached, range(len(reached)), strict=True))  # (where reached last)
        layer = [n for n in last if n in complete or n not in several]
        layer.sort(key=last.__getitem__)
    return None if placed < len(sizes) else (layers, outputs)


class _WorkedOutWhenRead(dict[str, _V]):
    """A dict whose entries are worked out (:meth:`_work_out`, once) before it is read as a
    whole (iterated, sized, compared, copied) or changed other than by ``d[key] = value``
    (subclasses decide what that does and what a missing key does)."""

    def _work_out(self) -> None:
        raise NotImplementedError

    def __iter__(self) -> Iterator[str]:
        self._work_out()
        return super().__iter__()

    def __len__(self) -> int:
        self._work_out()
        return super().__len__()

    def __eq__(self, other: object) -> bool:
        self._work_out()
        if isinstance(other, _WorkedOutWhenRead):
            other._work_out()
        return super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None

    def keys(self) -> Any:
        self._work_out()
        return super().keys()

    def values(self) -> Any:
        self._work_out()
        return super().values()

    def items(self) -> Any:
        self._work_out()
        return super().items()

    def copy(self) -> dict[str, _V]:
        self._work_out()
        return dict(super().items())

    def __delitem__(self, key: str) -> None:
        self._work_out()
        super().__delitem__(key)

    def pop(self, key: str, *default: Any) -> Any:
        self._work_out()
        return super().pop(key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._work_out()
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._work_out()
        super().update(*args, **kwargs)

    def popitem(self) -> tuple[str, _V]:
        self._work_out()
        return super().popitem()

    def clear(self) -> None:
        self._work_out()  # (else what is worked out later would come back)
        super().clear()

    def __reversed__(self) -> Iterator[str]:
        self._work_out()
        return super().__reversed__()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (and copied) as a plain dict, worked out."""
        return (dict, (self.copy(),))


class ColumnLevels(_WorkedOutWhenRead[int]):
    """Each node's column: the index of its layer. The nodes of small columns (at most
    ``SMALL_COLUMN``) are entered at once, those of the crowded ones the first time one of them
    is looked up, or the levels are read as a whole or changed. The first view of a big graph
    looks up only the nodes it draws as themselves, which mostly sit in small columns (its
    crowded ones are clusters): at a million nodes that leaves 0.4 s out of the first drawing.
    """

    def __init__(self, layers: list[list[str]]) -> None:
        super().__init__()
        self._layers: list[list[str]] | None = None
        for level, layer in enumerate(layers):
            if len(layer) <= SMALL_COLUMN:
                dict.update(self, dict.fromkeys(layer, level))
            else:
                self._layers = layers

    def _work_out(self) -> None:
        """Every node's level, in the order of the layers (as building it eagerly would)."""
        layers, self._layers = self._layers, None
        if layers is None:
            return
        levels: dict[str, int] = {}
        for level, layer in enumerate(layers):
            levels.update(dict.fromkeys(layer, level))
        dict.clear(self)
        dict.update(self, levels)

    def __missing__(self, node_id: str) -> int:
        if self._layers is None:
            raise KeyError(node_id)
        self._work_out()
        return self[node_id]

    def __contains__(self, node_id: object) -> bool:
        if not super().__contains__(node_id) and self._layers is not None:
            self._work_out()
        return super().__contains__(node_id)

    def get(self, node_id: str, default: Any = None) -> Any:
        return super().get(node_id, default) if node_id in self else default

    def __setitem__(self, node_id: str, level: int) -> None:
        self._work_out()
        super().__setitem__(node_id, level)


class ColumnOrders(_WorkedOutWhenRead[float]):
    """Each node's place in its column: the columns sorted, left to right, by the mean place of
    their nodes' inputs in the columns before (one barycentre sweep, which keeps edges from
    crossing); a node without inputs keeps its place; ties go by id.

    Lazy: worked out for every node the first time one is read, since the first view of a big
    graph shown whole needs none (its columns are clusters, whose place in a column that holds
    nothing else is 0: :meth:`whole_column`; a node alone in its column is at 0 too). At a
    million nodes that saves ~2 s before the first drawing; opening a cluster's members pays it.
    Reading it as a whole (iterating, ``dict()``, ``==``) works it out first; a node placed by a
    walk (``orders[id] = place``) keeps its place.
    """

    def __init__(
        self,
        pred: Mapping[str, Collection[str]],
        layers: list[list[str]],
        levels: Mapping[str, int],
        outputs: list[list[str]] | None = None,
    ) -> None:
        super().__init__()
        self._pending: tuple[Mapping[str, Collection[str]], list[list[str]]] | None = (pred, layers)
        self._levels = levels
        self._columns = layers
        self._outputs = outputs
        self._sizes = list(map(len, layers))

    @property
    def columns(self) -> list[list[str]] | None:
        """The node ids of each column, in layering order, while they hold (None once a node
        was placed by a walk)."""
        return self._columns if self._sizes else None

    def outputs(self, level: int) -> list[str] | None:
        """The direct outputs of column ``level``'s nodes, one per edge, while the columns hold
        (None after a change, or when a cycle was left out of the layering). When every node of
        the next column has one input, in this column, they are that column: the same list
        object (so a caller counting edges column to column can tell without looking at them)."""
        return self._outputs[level] if self._sizes and self._outputs is not None else None

    def whole_column(self, level: int, count: int) -> bool:
        """Whether ``count`` nodes of column ``level`` are all of it (as laid out here)."""
        return level < len(self._sizes) and self._sizes[level] == count

    def __missing__(self, node_id: str) -> float:
        if self._pending is None:
            raise KeyError(node_id)
        level = self._levels.get(node_id)
        if level is not None and self.whole_column(level, 1):
            dict.__setitem__(self, node_id, 0.0)
            return 0.0
        self._work_out()
        return self[node_id]

    def _work_out(self) -> None:
        if self._pending is None:
            return
        pred, layers = self._pending
        self._pending = None
        place: dict[str, float] = {}
        for layer in layers:
            # Positions sorted by a list's __getitem__, the means read with map(): the work
            # per node stays in C (no (mean, id) tuple, no bytecode) for layers of one input
            # each, the usual case.
            inputs = list(map(pred.__getitem__, layer))
            keys: list[float | None] = []
            if list(map(len, inputs)).count(1) == len(inputs):
                keys = list(map(place.get, map(itemgetter(0), inputs)))  # type: ignore[arg-type]
            if not keys or None in keys:  # (None: an edge that closes a cycle)
                keys = [_mean_place(place, sources, index) for index, sources in enumerate(inputs)]
            if len(set(keys)) == len(keys):  # no ties: the means alone order the layer
                ranked = sorted(range(len(layer)), key=keys.__getitem__)  # type: ignore[arg-type]
            else:  # ties go by id: ids first, then a stable sort by the mean
                by_id = sorted(range(len(layer)), key=layer.__getitem__)
                ranked = sorted(by_id, key=keys.__getitem__)  # type: ignore[arg-type]
            place.update(
                zip([layer[i] for i in ranked], map(float, range(len(layer))), strict=True)
            )
        place.update(super().items())  # (places set meanwhile stay)
        dict.update(self, place)

    def columns_changed(self) -> None:
        """An edge or a level changed: the columns (and what each one outputs) no longer are
        as laid out here; the places stay."""
        self._sizes, self._outputs = [], None

    def __setitem__(self, node_id: str, order: float) -> None:
        """A node placed by a walk: the columns are no longer as laid out here."""
        self.columns_changed()
        super().__setitem__(node_id, order)

    def get(self, node_id: str, default: Any = None) -> Any:
        return self[node_id] if node_id in self._levels else default

    def __contains__(self, node_id: object) -> bool:
        """Every node laid out has a place, worked out or not."""
        return super().__contains__(node_id) or node_id in self._levels


def _mean_place(place: Mapping[str, float], sources: Iterable[str], index: int) -> float:
    """The mean place of ``sources`` (those placed: an edge that closes a cycle has its source
    unplaced); ``index`` (the node's place in its layer) when none is."""
    total, count = 0.0, 0
    for source in sources:
        at = place.get(source)
        if at is not None:
            total += at
            count += 1
    return total / count if count else float(index)
