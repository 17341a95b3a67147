"""Server-rendered SVG charts (matplotlib) that read without colour: hatch patterns and values written on bars."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display: render to files only
from matplotlib.figure import Figure  # noqa: E402

HATCHES = ("", "///", "...", "xx", "\\\\\\", "++", "oo", "--")
GREYS = ("#4a5a6a", "#8d9aa7", "#c8d0d8", "#e6eaee", "#6f7f8f", "#aab5bf", "#dde2e7", "#ffffff")
matplotlib.rcParams.update({"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 10,
                            "hatch.linewidth": 0.8})


def bar_chart(title: str, labels: list[str], values: list[int]) -> bytes:
    """A vertical bar chart with each bar's value written above it."""
    fig = Figure(figsize=(7.5, 3.2))
    ax = fig.add_subplot()
    bars = ax.bar(range(len(values)), values, color=GREYS[0], edgecolor="black", linewidth=.6)
    ax.bar_label(bars, labels=[str(v) if v else "" for v in values], padding=2)
    ax.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 6 else 0, ha="right"
                  if len(labels) > 6 else "center")
    _finish(fig, ax, title, max(values or [0]))
    return _svg(fig)


def hbar_chart(title: str, labels: list[str], values: list[int]) -> bytes:
    """Horizontal bars for long category names, each bar's value written beside it."""
    fig = Figure(figsize=(7.5, 0.42 * max(len(labels), 3) + 1.0))
    ax = fig.add_subplot()
    bars = ax.barh(range(len(values)), values, color=GREYS[0], edgecolor="black", linewidth=.6)
    ax.bar_label(bars, labels=[str(v) for v in values], padding=3)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, max(max(values or [0]) * 1.15, 1))
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return _svg(fig)


def stacked_bars(title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> bytes:
    """Horizontal stacked bars, one hatch per series, with a legend and the segment counts written inside."""
    fig = Figure(figsize=(7.5, 0.45 * max(len(labels), 3) + 1.6))
    ax = fig.add_subplot()
    left = [0] * len(labels)
    for i, (name, values) in enumerate(series):
        bars = ax.barh(range(len(labels)), values, left=left, label=name, color=GREYS[i % len(GREYS)],
                       hatch=HATCHES[i % len(HATCHES)], edgecolor="black", linewidth=.6)
        ax.bar_label(bars, labels=[str(v) if v else "" for v in values], label_type="center",
                     bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": .85})
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(len(series), 5), frameon=False,
              handleheight=1.4, handlelength=2.2)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return _svg(fig)


def _finish(fig, ax, title: str, top: int) -> None:
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(0, max(top * 1.2, 1))
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()


def _svg(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
