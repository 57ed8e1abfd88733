"""Colours: the Okabe–Ito colour-blind-safe palette and per-theme colours for widgets and charts.

Pure data (no Qt) so tests can check contrast and charts can be styled without a window.
"""

from __future__ import annotations

from dataclasses import dataclass

# Okabe & Ito (2008), "Color Universal Design": distinguishable under all common colour-vision deficiencies.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
HATCHES: tuple[str, ...] = ("", "//", "..", "xx", "\\\\", "--", "++", "oo")


@dataclass(frozen=True)
class ThemeColors:
    name: str
    window: str
    base: str
    text: str
    muted_text: str
    accent: str
    accent_text: str
    border: str
    highlight: str
    highlight_text: str
    link: str
    positive: str
    negative: str
    chart_series: tuple[str, ...]
    chart_line_width: float = 1.6
    chart_font_scale: float = 1.0
    dark: bool = False


LIGHT = ThemeColors(
    name="light",
    window="#F4F5F7",
    base="#FFFFFF",
    text="#1B1F24",
    muted_text="#4A5360",
    accent="#0B5CAD",
    accent_text="#FFFFFF",
    border="#C9CED6",
    highlight="#CFE3F7",
    highlight_text="#0E1A26",
    link="#0B5CAD",
    positive="#00704F",
    negative="#B3261E",
    chart_series=OKABE_ITO,
)

DARK = ThemeColors(
    name="dark",
    window="#1E2227",
    base="#262B31",
    text="#E8EAED",
    muted_text="#AEB6C0",
    accent="#6CB4F5",
    accent_text="#0B1620",
    border="#3E4650",
    highlight="#2F4A66",
    highlight_text="#F2F6FA",
    link="#8CC8FF",
    positive="#5FD3A8",
    negative="#FF8A80",
    # Okabe–Ito with black swapped for white so every series shows on a dark background.
    chart_series=(*OKABE_ITO[:7], "#FFFFFF"),
    dark=True,
)

PROJECTOR = ThemeColors(
    name="projector",
    window="#FFFFFF",
    base="#FFFFFF",
    text="#000000",
    muted_text="#222222",
    accent="#003F7F",
    accent_text="#FFFFFF",
    border="#000000",
    highlight="#FFE066",
    highlight_text="#000000",
    link="#003F7F",
    positive="#005A3C",
    negative="#8B0000",
    chart_series=OKABE_ITO,
    chart_line_width=3.0,
    chart_font_scale=1.5,
)

THEMES: dict[str, ThemeColors] = {t.name: t for t in (LIGHT, DARK, PROJECTOR)}


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of ``#RRGGBB``."""
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, from 1 (none) to 21 (black on white)."""
    high, low = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def chart_rc(theme: ThemeColors, *, zoom: float = 1.0) -> dict[str, object]:
    """Matplotlib rcParams for ``theme`` (used with ``matplotlib.rc_context`` or applied to a figure)."""
    from cycler import cycler  # ships with matplotlib; imported here so start-up never pays for it

    size = 10.0 * theme.chart_font_scale * zoom
    return {
        "figure.facecolor": theme.base,
        "axes.facecolor": theme.base,
        "savefig.facecolor": theme.base,
        "axes.edgecolor": theme.muted_text,
        "axes.labelcolor": theme.text,
        "axes.titlecolor": theme.text,
        "text.color": theme.text,
        "xtick.color": theme.text,
        "ytick.color": theme.text,
        "grid.color": theme.border,
        "legend.facecolor": theme.base,
        "legend.edgecolor": theme.border,
        "legend.labelcolor": theme.text,
        "axes.prop_cycle": cycler(color=list(theme.chart_series)),
        "lines.linewidth": theme.chart_line_width,
        "font.size": size,
        "axes.titlesize": size * 1.15,
        "axes.labelsize": size,
        "xtick.labelsize": size * 0.9,
        "ytick.labelsize": size * 0.9,
        "legend.fontsize": size * 0.9,
    }
