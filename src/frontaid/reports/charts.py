"""The sitrep's charts and its map, drawn with matplotlib (Agg) as SVG for the PDF.

Everything reads in black and white: bars are black or hatched, the map's zones are
shaded in greys with a hatch per level and labelled with their numbers, so a photocopy
of a photocopy still says which zone was hit hardest.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch, Polygon  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9, "svg.fonttype": "path",
                     "axes.spines.top": False, "axes.spines.right": False, "hatch.linewidth": 0.6,
                     "svg.hashsalt": "frontaid"})

# Levels of harm (killed + wounded in the period) and how each is drawn: fill grey, hatch.
LEVELS: tuple[tuple[int, str, str], ...] = ((0, "#ffffff", ""), (1, "#e6e6e6", ".."),
                                            (10, "#bdbdbd", "//"), (30, "#8c8c8c", "xx"))


def data_uri(fig: Figure) -> str:
    """The figure as an SVG data: URL (what the PDF's <img> loads without any network)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


def day_bars(days: list[str], values: list[int], ylabel: str) -> str:
    """Black bars per day (labels: the days' numbers), e.g. incidents over 14 days."""
    fig, ax = plt.subplots(figsize=(6.6, 1.9))
    xs = range(len(days))
    ax.bar(xs, values, color="#000000", width=0.7)
    ax.set_xticks(list(xs), [d[8:10] + "." + d[5:7] for d in days], fontsize=7.5)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    for x, v in zip(xs, values, strict=True):
        if v:
            ax.annotate(str(v), (x, v), ha="center", va="bottom", fontsize=7, xytext=(0, 1),
                        textcoords="offset points")
    return data_uri(fig)


def hbars(labels: list[str], values: list[float], xlabel: str) -> str:
    """Horizontal black bars, the largest on top, each with its value."""
    fig, ax = plt.subplots(figsize=(6.6, 0.32 * max(len(labels), 1) + 0.6))
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, values, color="#000000", height=0.6)
    ax.set_yticks(ys, labels)
    ax.set_xlabel(xlabel)
    top = max(values, default=0) or 1
    for y, v in zip(ys, values, strict=True):
        ax.annotate(f"{v:g}", (v, y), va="center", xytext=(3, 0), textcoords="offset points", fontsize=8)
    ax.set_xlim(0, top * 1.15)
    return data_uri(fig)


def level_of(value: int) -> tuple[str, str]:
    fill, hatch = LEVELS[0][1:]
    for floor, f, h in LEVELS:
        if value >= floor:
            fill, hatch = f, h
    return fill, hatch


def zone_map(zones: list[dict[str, Any]], labels: dict[str, str], values: dict[str, int],
             legend: list[str], title: str) -> str:
    """The town's zones, shaded by `values` (see LEVELS) and labelled with `labels`."""
    fig, ax = plt.subplots(figsize=(6.6, 3.9))
    for z in zones:
        fill, hatch = level_of(values.get(z["eid"], 0))
        for ring in z["rings"]:
            ax.add_patch(Polygon(ring, closed=True, facecolor=fill, edgecolor="#000000", hatch=hatch,
                                 linewidth=0.6))
    for z in zones:  # outlines over every fill, so two zones of one shade still read as two
        for ring in z["rings"]:
            ax.add_patch(Polygon(ring, closed=True, facecolor="none", edgecolor="#000000", linewidth=2.2))
        if z["rings"]:
            ring = max(z["rings"], key=len)
            cx, cy = _label_point(ring)
            ax.text(cx, cy, labels.get(z["eid"], z["eid"]), ha="center", va="center", fontsize=7.5,
                    linespacing=1.25,
                    bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "black",
                          "linewidth": 0.6})
    ax.set_aspect(1 / 0.66)  # a degree of longitude is about two thirds of a degree of latitude here
    ax.autoscale_view()
    ax.set_axis_off()
    ax.set_title(title, fontsize=10, loc="left")
    handles = [Patch(facecolor=f, edgecolor="black", hatch=h, label=text)
               for (_floor, f, h), text in zip(LEVELS, legend, strict=True)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=len(handles),
              fontsize=8, frameon=False, handleheight=1.6, handlelength=2.4)
    return data_uri(fig)


def _label_point(ring: list[list[float]]) -> tuple[float, float]:
    """A point well inside the ring to put its label on (shapely's pole of inaccessibility)."""
    from shapely.geometry import Polygon as ShapelyPolygon
    from shapely.ops import polylabel

    p = polylabel(ShapelyPolygon(ring), tolerance=1e-4)
    return float(p.x), float(p.y)
