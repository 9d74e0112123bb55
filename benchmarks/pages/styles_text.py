"""Browser-copied text styles: a newsletter digest site, a Medium-like blog platform, a local news
site (blind); and the clean drafts editors type. Each prints what select-all + copy gives."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from page import (
    CTA_PROMOS,
    FOOTER_LINKS,
    SECTIONS,
    Page,
    long_date,
    pick,
    short_date,
    teaser,
)


class Lines:
    """A page built line by line; `chrome` records a line (or lines) as chrome."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.strings: list[str] = []

    def chrome(self, *texts: str) -> None:
        for t in texts:
            self.lines.append(t)
            self.strings.append(t)

    def add(self, *texts: str) -> None:
        self.lines.extend(texts)

    def article(
        self, post: Any, sep: str, bullets: str = "", inserts: dict[int, list[str]] | None = None
    ) -> None:
        """The story's blocks; list items on single lines; chrome lines inserted before block i."""
        for i, block in enumerate(post.blocks):
            if inserts and i in inserts:
                for line in inserts[i]:
                    self.chrome(line)
                    if sep:
                        self.lines.append("")
            text = (bullets + block.text) if block.kind == "item" else block.text
            self.lines.append(text)
            nxt = post.blocks[i + 1] if i + 1 < len(post.blocks) else None
            if sep and not (block.kind == "item" and nxt is not None and nxt.kind == "item"):
                self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"


def middle(post: Any) -> int:
    n = len(post.blocks)
    for i in range(n // 2, n):
        if post.blocks[i].kind != "item" and post.blocks[i - 1].kind != "item":
            return i
    return max(1, n // 2)


def digest(post: Any, others: list[Any], rng: random.Random) -> Page:
    """A digest site copied whole: promo bullets with blurbs above the headline."""
    site = "The Innovation Ledger"
    p = Lines()
    p.chrome("Skip to content", site)
    p.chrome("  ".join(pick(rng, SECTIONS, 6)))
    p.add("")
    units = pick(rng, CTA_PROMOS, 2)
    if rng.random() < 0.5:
        promo = rng.choice(others)
        units[1] = ("Read: " + promo.title, teaser(promo.summary))
    for line, blurb in units:
        p.chrome("• " + line.format(site=site))
        p.chrome(blurb.format(site=site))
        p.add("")
    p.chrome("Subscribe to " + site + " | Sign in")
    p.add("")
    p.add(post.title)
    p.chrome(long_date(post.date) + (" | " + post.authors[0] if rng.random() < 0.6 else ""))
    p.add("")
    p.article(post, "\n")
    p.chrome("Share this story: Facebook Twitter LinkedIn Email")
    p.add("")
    p.chrome("Tags: " + ", ".join(post.topics))
    p.add("")
    p.chrome("Related stories")
    for o in pick(rng, others, 3):
        p.chrome(o.title, short_date(o.date))
    p.add("")
    p.chrome(" | ".join(pick(rng, FOOTER_LINKS, 5)))
    p.chrome(f"© 2019 {site}. All rights reserved.")
    return Page(p.text(), "txt", p.strings)


def medium(post: Any, others: list[Any], rng: random.Random) -> Page:
    pub = "Digital Government Notes"
    author = post.authors[0]
    p = Lines()
    p.chrome("Open in app", "Sign up", "Sign in", "Write")
    p.add("")
    p.add(post.title)
    p.add("")
    p.chrome(
        author,
        "·",
        "Follow",
        "",
        f"Published in {pub}",
        "",
        f"{rng.randint(3, 9)} min read",
        "·",
        short_date(post.date),
    )
    p.chrome(str(rng.randint(40, 900)), "", str(rng.randint(1, 12)), "", "Listen", "", "Share")
    p.add("")
    p.article(post, "\n", bullets="")
    p.chrome(*[t.replace("-", " ").title() for t in post.topics])
    p.add("")
    p.chrome(str(rng.randint(40, 900)), "", str(rng.randint(1, 12)), "")
    p.chrome(
        f"Written by {author}",
        f"{rng.randint(50, 900)} Followers",
        f"· Writer for {pub}",
        "",
        "Follow",
    )
    p.add("")
    p.chrome(f"More from {author} and {pub}")
    for o in pick(rng, others, 3):
        p.chrome(
            o.title,
            teaser(o.summary, 100),
            f"{rng.randint(3, 9)} min read · {short_date(o.date)}",
            "",
        )
    p.chrome("Recommended from Medium")
    for o in pick(rng, others, 2):
        p.chrome(o.title, f"{rng.randint(3, 9)} min read · {short_date(o.date)}", "")
    p.chrome(
        "Help",
        "Status",
        "About",
        "Careers",
        "Press",
        "Blog",
        "Privacy",
        "Terms",
        "Text to speech",
        "Teams",
    )
    return Page(p.text(), "txt", p.strings)


def localnews(post: Any, others: list[Any], rng: random.Random) -> Page:
    """A local news site copied in a browser that keeps single line breaks (blind style)."""
    site = "Tri-County Tribune"
    p = Lines()
    p.chrome(f"{rng.randint(28, 71)}°F", "Sections", "Search", "Log In", "Subscribe for $1")
    p.chrome(site)
    p.chrome("TRENDING:")
    for o in pick(rng, others, 3):
        p.chrome(o.title)
    p.chrome("ADVERTISEMENT")
    p.add(post.title)
    p.chrome(
        "By "
        + post.authors[0].upper()
        + " | "
        + post.authors[0].split()[0].lower()
        + "@tricountytribune.com"
    )
    p.chrome(
        f"PUBLISHED: {long_date(post.date)} at 6:00 a.m. | UPDATED: {long_date(post.date)} at 11:15 a.m."
    )
    related = rng.choice(others)
    promo_line, blurb = rng.choice(CTA_PROMOS[:4])
    inserts = {1: ["ADVERTISEMENT"], middle(post): ["RELATED: " + related.title]}
    if len(post.blocks) > 5:
        inserts[len(post.blocks) - 2] = [promo_line.format(site=site), blurb.format(site=site)]
    p.article(post, "", bullets="• ", inserts=inserts)
    p.chrome("Tags: " + ", ".join(t.replace("-", " ").title() for t in post.topics))
    p.chrome("Most Popular")
    for o in pick(rng, others, 4):
        p.chrome(o.title)
    p.chrome("Around the Web", "Sponsored Content")
    p.chrome(
        f"Copyright © 2019 {site}",
        "Terms of Use",
        "Privacy Policy",
        "Cookie Settings",
        "Do Not Sell My Personal Information",
    )
    return Page(p.text(), "txt", p.strings)


def clean_text_page(post: Any, rng: random.Random) -> Page:
    """What an editor types or pastes from a word processor: title, blank line, paragraphs.
    Some drafts have no title line, some separate paragraphs by single line breaks, lists use
    a bullet or not."""
    p = Lines()
    if rng.random() < 0.75:
        p.add(post.title, "")
    sep = "\n" if rng.random() < 0.8 else ""
    bullets = rng.choice(["", "- ", "* ", "• "])
    p.article(post, sep, bullets=bullets)
    return Page(p.text(), "txt", [])


TEXT_STYLES: dict[str, Callable[[Any, list[Any], random.Random], Page]] = {
    "digest": digest,
    "medium": medium,
    "localnews": localnews,
}
