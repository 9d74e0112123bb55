"""What every site style shares: the page record with its gold, and pools of chrome."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

# Calls to action as sites print them: a short line and the blurb under it (one unit).
CTA_PROMOS = [
    (
        "Subscribe to {site}",
        "Every Friday morning: the week's most useful reporting on government technology, "
        "free in your inbox.",
    ),
    (
        "Become a member today",
        "Members keep our reporting free for everyone. Join for as little as $5 a month and "
        "get our quarterly print edition.",
    ),
    (
        "Join us in Washington, May 14-15",
        "Our annual Digital Services Summit brings together 800 public servants, designers and "
        "engineers. Early-bird registration ends Friday.",
    ),
    (
        "Get the Morning Brief",
        "Five stories you need to know, delivered before 7 a.m. on weekdays.",
    ),
    (
        "Listen to our new podcast",
        "Each week, two former agency CTOs talk through the decisions behind the headlines. New "
        "episodes every Tuesday.",
    ),
    (
        "Free webinar: Plain language for busy teams",
        "Learn how three agencies rewrote their most-visited pages and cut call-center volume. "
        "Thursday at 2 p.m. ET.",
    ),
    (
        "Support our newsroom",
        "We are a nonprofit. Your tax-deductible gift funds the reporting you just read.",
    ),
    (
        "Download the 2019 State of Digital Government report",
        "Sixty pages of survey data from 1,200 federal, state and local technology leaders. "
        "Free with registration.",
    ),
    (
        "We're hiring!",
        "{site} is looking for a data reporter and an audience editor. See open positions.",
    ),
]

FOOTER_LINKS = [
    "About Us",
    "Contact",
    "Advertise",
    "Privacy Policy",
    "Terms of Use",
    "Accessibility",
    "Careers",
    "Site Map",
    "Corrections",
    "RSS",
]

SECTIONS = [
    "News",
    "Policy",
    "Technology",
    "Data",
    "Workforce",
    "Cybersecurity",
    "Events",
    "Podcasts",
    "Opinion",
    "Jobs",
]

COMMENTERS = ["Pat Morgan", "d.reyes", "Chris W.", "Lee Anne Porter", "jt_analytics"]
COMMENTS = [
    "Great write-up, thanks for sharing. We are trying something similar at our county office.",
    "Does anyone know if the slides from this session were posted anywhere?",
    "This is exactly the kind of practical guidance more agencies need. Bookmarking it.",
    "I wish our procurement office read articles like this one.",
]


@dataclass
class Page:
    """A generated page: its content and file extension, and the chrome strings it holds."""

    content: str
    ext: str
    chrome: list[str] = field(default_factory=list)
    given_title: str | None = None

    def gold(self, name: str, style: str, post: Any, chrome: list[str]) -> dict[str, Any]:
        """The page's line in gold.jsonl."""
        row: dict[str, Any] = {
            "file": name,
            "style": style,
            "kind": "clean" if style == "clean" else "chrome",
            "blind": name.startswith("blind/"),
            "source": post.path,
            "title": post.title,
            "paragraphs": [b.text for b in post.blocks],
            "chrome": chrome,
        }
        if self.given_title is not None:
            row["given_title"] = self.given_title
        return row


def long_date(iso: str) -> str:
    """'2015-04-07' -> 'April 7, 2015'."""
    d = dt.date.fromisoformat(iso)
    return f"{d:%B} {d.day}, {d.year}"


def short_date(iso: str) -> str:
    """'2015-04-07' -> 'Apr 7, 2015'."""
    d = dt.date.fromisoformat(iso)
    return f"{d:%b} {d.day}, {d.year}"


def teaser(summary: str, limit: int = 140) -> str:
    """A promo blurb: the summary cut at a word, with an ellipsis when cut."""
    if len(summary) <= limit:
        return summary
    return summary[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def pick(rng: random.Random, items: list[Any], n: int) -> list[Any]:
    """n distinct items in random order."""
    return rng.sample(items, n)
