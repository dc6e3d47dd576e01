"""The category confusion matrix as a PNG (``logsumd eval --plot FILE``).

matplotlib is an optional dependency (the ``test`` extra): it is imported only
here, when a plot is asked for, and its absence is a one-line error.
"""

from __future__ import annotations

import importlib.util

from logsumd.eval._metrics import Confusion

MISSING = "--plot needs matplotlib: pip install matplotlib (or the 'test' extra of logsumd)"


class PlotError(Exception):
    """The plot cannot be drawn (matplotlib missing); the message says why."""


def check_plotting() -> None:
    """Raise :class:`PlotError` when matplotlib cannot be imported."""
    if importlib.util.find_spec("matplotlib") is None:
        raise PlotError(MISSING)


def plot_confusion(confusion: Confusion, path: str, title: str) -> None:
    """Draw ``confusion`` (gold rows, predicted columns, counts in the cells) to ``path``."""
    check_plotting()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = list(confusion.labels)
    size = max(4.0, 0.55 * len(labels) + 2.5)
    fig, ax = plt.subplots(figsize=(size + 1.0, size))
    try:
        image = ax.imshow(confusion.counts, cmap="Blues")
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(title)
        peak = max((max(row) for row in confusion.counts), default=0)
        for i, row in enumerate(confusion.counts):
            for j, count in enumerate(row):
                if count:
                    color = "white" if count > peak / 2 else "black"
                    ax.text(j, i, str(count), ha="center", va="center", color=color, fontsize=8)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
    finally:
        plt.close(fig)
