"""A self-contained HTML report of a retag run: counts before/after and the most changed tags."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from tagger.errors import InputError


def _bars(rows: list[tuple[str, int, int]], width: int = 560) -> str:
    """Horizontal paired bars (before, after) as inline SVG: no scripts, no network."""
    most = max([max(b, a) for _, b, a in rows] + [1])
    height = 26 * len(rows) + 30
    parts = [
        f'<svg role="img" aria-label="tag counts before and after" width="{width + 220}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (tag, before, after) in enumerate(rows):
        y = 10 + 26 * i
        wb, wa = width * before / most, width * after / most
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{html.escape(tag)}</text>')
        parts.append(
            f'<rect x="180" y="{y}" width="{wb:.1f}" height="10" fill="#9aa5b1">'
            f"<title>before: {before}</title></rect>"
        )
        parts.append(
            f'<rect x="180" y="{y + 11}" width="{wa:.1f}" height="10" fill="#2f6fdb">'
            f"<title>after: {after}</title></rect>"
        )
        parts.append(
            f'<text x="{186 + max(wb, wa):.1f}" y="{y + 15}" font-size="11">'
            f"{before} → {after}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def render_report(summary: dict[str, Any], top: int = 20) -> str:
    """HTML page for a retag summary (as `run_retag` returns it): bars for the `top` most
    changed tags, then every tag's counts; InputError if the summary has no per-tag counts."""
    tags: dict[str, dict[str, int]] = summary.get("tags") or {}
    if not isinstance(tags, dict):
        raise InputError("summary has no per-tag counts")
    changed = sorted(tags.items(), key=lambda kv: -(kv[1]["added"] + kv[1]["removed"]))[:top]
    rows = [(t, c["before"], c["suggested"]) for t, c in changed]
    table = "".join(
        f"<tr><td>{html.escape(t)}</td><td>{c['before']}</td><td>{c['suggested']}</td>"
        f"<td>+{c['added']}</td><td>−{c['removed']}</td></tr>"
        for t, c in sorted(tags.items())
    )
    facts = (
        f"{summary.get('records', 0)} records, {summary.get('written', 0)} retagged, "
        f"{summary.get('errors', 0)} errors; model {html.escape(str(summary.get('model')))}"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Retag report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}}
table{{border-collapse:collapse}}td,th{{padding:.2rem .6rem;border-bottom:1px solid #ddd;
text-align:right}}td:first-child,th:first-child{{text-align:left}}svg{{max-width:100%}}</style>
</head><body><h1>Retag report</h1><p>{facts}</p>
<h2>Most changed tags</h2><p>Grey: records tagged before; blue: suggested now.</p>
{_bars(rows)}
<h2>All tags</h2><table><tr><th>tag</th><th>before</th><th>after</th><th>added</th>
<th>removed</th></tr>{table}</table></body></html>
"""


def write_report(summary: dict[str, Any], path: Path) -> None:
    """Write `render_report(summary)` to `path` (UTF-8)."""
    path.write_text(render_report(summary), encoding="utf-8")
