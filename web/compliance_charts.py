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
    rotated = len(labels) > 6
    ax.set_xticks(range(len(labels)), labels, rotation=45 if rotated else 0, ha="right" if rotated else "center")
    _finish(fig, ax, title, max(values or [0]))
    _margins(fig, left_chars=len(str(max(values or [0]))) + 1,
             bottom_chars=max(map(len, labels), default=0) * (0.75 if rotated else 0) + 1.6)
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
    _margins(fig, left_chars=max(map(len, labels), default=0) + 1, bottom_chars=1.6)
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
    # The legend sits at the figure's foot, below the axis labels (room reserved by _margins).
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 0.01), ncol=min(len(series), 5), frameon=False,
               handleheight=1.4, handlelength=2.2)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    rows = -(-len(series) // min(len(series), 5))
    _margins(fig, left_chars=max(map(len, labels), default=0) + 1, bottom_chars=5 + 6 * rows)
    return _svg(fig)


def _finish(fig, ax, title: str, top: int) -> None:
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(0, max(top * 1.2, 1))
    ax.yaxis.get_major_locator().set_params(integer=True)


def _margins(fig, left_chars: float, bottom_chars: float) -> None:
    """Room for the axis labels, estimated from their length in characters (DejaVu Sans at 10 pt is about
    0.07 inch per character). matplotlib's tight_layout measures by drawing the whole figure once more, which
    took as long as the drawing itself; the charts are redrawn whenever the data changes."""
    width, height = fig.get_size_inches()
    char = 0.068
    fig.subplots_adjust(left=min(0.5, (left_chars * char + 0.25) / width), right=0.97,
                        bottom=min(0.6, (bottom_chars * char + 0.1) / height), top=1 - 0.45 / height)


def _svg(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
