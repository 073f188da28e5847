"""Small matplotlib figures written straight to PNG (no display needed).

The one place that chooses matplotlib's backend and turns PNGs into data URIs for self-contained HTML
reports: every other module draws with the ``plt`` imported from here.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _pyplot() -> ModuleType:
    """matplotlib's pyplot on the Agg backend, imported on first use: a caller that only encodes a PNG
    (png_data_uri) does not pay for matplotlib."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no screen on servers and CI
    import matplotlib.pyplot as plt

    return plt


def __getattr__(name: str) -> object:
    # ``from rnakit.report.plots import plt`` still gives pyplot (PEP 562), loaded then.
    if name == "plt":
        return _pyplot()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def png_bytes(figure: Figure) -> bytes:
    """The figure as PNG bytes; the figure is closed (pyplot keeps every open figure alive)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    _pyplot().close(figure)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    """A ``data:`` URI for an ``<img src>``, so an HTML report needs no files beside it."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


def scatter(x: np.ndarray, y: np.ndarray, path: Path | IO[bytes], *, title: str, xlabel: str, ylabel: str,
            diagonal: bool = False, hline: float | None = None) -> None:
    """A scatter plot of y against x, with an optional y = x diagonal or horizontal line."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(5, 5), dpi=110)
    axes.scatter(x, y, s=4, alpha=0.3, linewidths=0)
    if diagonal:
        low, high = float(np.nanmin([x.min(), y.min()])), float(np.nanmax([x.max(), y.max()]))
        axes.plot([low, high], [low, high], color="black", linewidth=0.8)
    if hline is not None:
        axes.axhline(hline, color="black", linewidth=0.8)
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def bars(labels: list[str], values: list[float], path: Path | IO[bytes], *, title: str, ylabel: str) -> None:
    """A bar chart, one bar per label."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(max(5, 0.35 * len(labels)), 4), dpi=110)
    axes.bar(range(len(labels)), values)
    axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    axes.set(title=title, ylabel=ylabel)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
