"""The optional parts of rnakit (pip extras) and the one-line error when one is missing.

``pip install rnakit`` is the core: design, prediction with the LightGBM models, features, scoring,
hybridisation, coding potential and the lincRNA filter. Each extra below adds one area; its
packages are imported only inside the code that needs them, so the core runs without them.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from rnakit.errors import MissingExtraError

#: Extra name → the top-level modules it installs (as imported, not as distributed).
EXTRAS: dict[str, tuple[str, ...]] = {
    "nn": ("torch", "torch_geometric", "safetensors", "networkx"),
    "serve": ("fastapi", "starlette", "uvicorn", "multipart", "jinja2"),
    "workflow": ("snakemake",),
    "dask": ("distributed", "dask"),
}


def extra_providing(module: str | None) -> str | None:
    """The extra that installs ``module`` (any dotted name under it), or None for a core module."""
    top = (module or "").partition(".")[0]
    return next((extra for extra, modules in EXTRAS.items() if top in modules), None)


def require(extra: str, what: str) -> None:
    """Raise MissingExtraError naming ``what`` (e.g. "rnakit serve") unless every module of ``extra`` is
    installed. Checked before any work, without importing them (an import of torch takes seconds)."""
    if not all(_installed(module) for module in EXTRAS[extra]):
        raise MissingExtraError(what, extra)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken installation counts as missing
        return False


def import_for(module: str, what: str) -> ModuleType:
    """Import ``module``; when that fails for want of an extra's package, raise MissingExtraError naming
    ``what`` and that extra (e.g. a saved seqnet model loaded where torch is not installed)."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        extra = extra_providing(error.name)
        if extra is None:
            raise
        raise MissingExtraError(what, extra) from None
