"""The score-distribution chart as a PNG picture: the five bands above, the 0–10 histogram below.

Drawn with matplotlib's object-oriented API on the Agg canvas (no display, no pyplot state shared
between threads), in DejaVu Sans, which has every Vietnamese letter. Texts come in already translated."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

from domain.distribution import Distribution

WIDTH, HEIGHT, DPI = 1000, 800, 100  # pixels: readable on a phone, small enough to send quickly
FONT = "DejaVu Sans"
# from red (weak) to green (very good); the histogram in one neutral blue
BAND_COLOURS = ("#d62728", "#ff7f0e", "#f2c12e", "#8fd16a", "#2ca02c")
HISTOGRAM_COLOUR = "#4c72b0"


@dataclass(frozen=True)
class ChartTexts:
    title: str
    band_labels: tuple[str, ...]  # five
    bands_title: str
    histogram_title: str
    count_axis: str
    score_axis: str
    tick_labels: tuple[str, ...]  # 0, 1, …, 10 as the language writes them


def render(distribution: Distribution, texts: ChartTexts) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    nfc = lambda text: unicodedata.normalize("NFC", text)  # noqa: E731 — decomposed accents misplace
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(nfc(texts.title), fontsize=15, fontfamily=FONT)
    bands_axes, histogram_axes = figure.subplots(2, 1, gridspec_kw={"height_ratios": (3, 2), "hspace": 0.45})

    bands = distribution.bands()
    counts = [band.count for band in bands]
    bars = bands_axes.bar(
        [nfc(label) for label in texts.band_labels], counts, color=BAND_COLOURS, width=0.7, linewidth=0
    )
    bands_axes.bar_label(bars, labels=[str(count) for count in counts], padding=3, fontfamily=FONT)
    bands_axes.set_title(nfc(texts.bands_title), fontfamily=FONT)
    bands_axes.set_ylabel(nfc(texts.count_axis), fontfamily=FONT)
    bands_axes.set_ylim(0, max(counts + [1]) * 1.15)

    histogram = distribution.histogram()
    histogram_axes.bar(
        [float(b.low) for b in histogram],
        [b.count for b in histogram],
        width=0.5,
        align="edge",
        color=HISTOGRAM_COLOUR,
        edgecolor="white",
        linewidth=0.5,
    )
    histogram_axes.set_xlim(0, 10)
    histogram_axes.set_xticks(range(11), [nfc(label) for label in texts.tick_labels])
    histogram_axes.set_title(nfc(texts.histogram_title), fontfamily=FONT)
    histogram_axes.set_xlabel(nfc(texts.score_axis), fontfamily=FONT)
    histogram_axes.set_ylabel(nfc(texts.count_axis), fontfamily=FONT)
    for axes in (bands_axes, histogram_axes):
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.spines[["top", "right"]].set_visible(False)
        for label in axes.get_xticklabels() + axes.get_yticklabels():
            label.set_fontfamily(FONT)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
