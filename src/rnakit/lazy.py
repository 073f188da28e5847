"""Package faces whose names are imported on first use: ``import rnakit.hybrid`` (or ``rnakit``) must
not load numba, pandas or scikit-learn, so that the command line starts fast.

In a package's ``__init__``::

    __all__ = sorted(_HOMES)  # name -> module that defines it
    __getattr__, __dir__ = lazy_exports(__name__, _HOMES)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, homes: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` importing ``homes[name]`` when ``name`` is first asked for, and the
    ``__dir__`` listing those names."""
    def __getattr__(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(homes[name]), name)

    def __dir__() -> list[str]:
        return sorted(homes)

    return __getattr__, __dir__
