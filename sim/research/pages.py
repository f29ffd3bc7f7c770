"""What the research reports share: matplotlib figures (PNG and SVG) and Jinja2 pages.

Charts are drawn with matplotlib on Figures of their own (sim/research/display.py: no pyplot,
no change of backend, no display needed); pages are the
Jinja2 templates in sim/research/templates/, autoescaped, with charts embedded as base64 PNG so one
HTML file is self-contained.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any


def figure_bytes(fig, fmt: str = "png", dpi: int = 100) -> bytes:
    """The figure encoded by matplotlib as PNG or SVG."""
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def save_figure(fig, stem: Path, dpi: int = 100) -> tuple[Path, Path]:
    """Write `stem`.png and `stem`.svg atomically."""
    from sim.files import atomic_write

    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    atomic_write(svg, buf.getvalue())
    atomic_write(png, figure_bytes(fig, "png", dpi))
    return png, svg


def image(fig, alt: str, dpi: int = 90) -> dict[str, str]:
    """An image for a template: the figure as base64 PNG."""
    return {"alt": alt, "data": base64.b64encode(figure_bytes(fig, "png", dpi)).decode()}


def level_axis(ax, label: str | None = None) -> None:
    """The report's 0–5 scale with whole-number ticks (Ch1 › Methodology)."""
    ax.set_ylim(0, 5)
    ax.set_yticks(range(6))
    if label:
        ax.set_ylabel(label)


def table(
    rows: list[dict[str, Any]], columns: list[str], fmt: dict[str, str] | None = None
) -> dict[str, Any]:
    """A table for a template: cells as text, numbers formatted and right-aligned."""
    fmt = fmt or {}
    out = []
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c)
            num = isinstance(v, int | float) and not isinstance(v, bool)
            text = "" if v is None else (format(v, fmt[c]) if c in fmt and num else str(v))
            cells.append({"text": text, "num": num})
        out.append(cells)
    return {"columns": columns, "rows": out}


def render(template: str, **context: Any) -> str:
    """Render one of sim/research/templates/ with autoescaping."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("sim.research", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(template).render(**context)
