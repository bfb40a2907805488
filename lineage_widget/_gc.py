"""Bulk passes with the cyclic garbage collector paused.

Building a big graph or its first view allocates millions of containers (records, neighbour
lists, dict entries), and every 700 of them CPython runs a collection that walks the young ones,
now and then all of them: half the time of ``LineageGraph.from_networkx`` at 100,000 nodes went
there. Those passes make no cycles worth collecting meanwhile, so the collector waits until the
pass ends (and runs as usual afterwards).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The block runs with the cyclic collector off (if it was on: nesting is fine)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
