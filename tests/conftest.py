"""Shared fixtures: small lineages built with the public API (builders in support.py)."""

from __future__ import annotations

import pytest
from support import sweep, wide_sweep

from lineage_widget import LineageGraph

# `from conftest import wide_sweep` in branches still in flight: the builders live in support.py.
__all__ = ["pipeline", "sweep", "wide_sweep"]


@pytest.fixture
def pipeline() -> LineageGraph:
    return sweep(3)
