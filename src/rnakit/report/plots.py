"""Small matplotlib figures written straight to PNG (no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen on servers and CI
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def scatter(x: np.ndarray, y: np.ndarray, path: Path, *, title: str, xlabel: str, ylabel: str,
            diagonal: bool = False, hline: float | None = None) -> None:
    """A scatter plot of y against x, with an optional y = x diagonal or horizontal line."""
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


def bars(labels: list[str], values: list[float], path: Path, *, title: str, ylabel: str) -> None:
    """A bar chart, one bar per label."""
    figure, axes = plt.subplots(figsize=(max(5, 0.35 * len(labels)), 4), dpi=110)
    axes.bar(range(len(labels)), values)
    axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    axes.set(title=title, ylabel=ylabel)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
