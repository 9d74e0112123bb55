"""HTML site styles: WordPress blog, news site, US government site, CMS fragment, Substack-like
newsletter (blind). Each wraps a post's blocks in the chrome such sites print around and inside
the article; every chrome string it prints is recorded for the gold."""

from __future__ import annotations

import html
import random
from collections.abc import Callable
from typing import Any

from page import (
    COMMENTERS,
    COMMENTS,
    CTA_PROMOS,
    FOOTER_LINKS,
    SECTIONS,
    Page,
    long_date,
    pick,
    short_date,
    teaser,
)


class Chrome:
    """Collects the chrome strings a page prints; `__call__` records and HTML-escapes one."""

    def __init__(self) -> None:
        self.strings: list[str] = []

    def __call__(self, text: str) -> str:
        self.strings.append(text)
        return html.escape(text, quote=False)


def body_html(post: Any, inserts: dict[int, str] | None = None) -> str:
    """The article's blocks as HTML (lists grouped), with chrome inserted before block i."""
    out: list[str] = []
    in_list = False
    for i, block in enumerate(post.blocks):
        if inserts and i in inserts:
            if in_list:
                out.append("</ul>")
                in_list = False
            out.append(inserts[i])
        if block.kind == "item" and not in_list:
            out.append("<ul>")
            in_list = True
        elif block.kind != "item" and in_list:
            out.append("</ul>")
            in_list = False
        tag = {"heading": "h2", "para": "p", "item": "li"}[block.kind]
        out.append(f"<{tag}>{block.html}</{tag}>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def middle(post: Any) -> int:
    """A block index near the middle that is not inside a list."""
    n = len(post.blocks)
    for i in range(n // 2, n):
        if post.blocks[i].kind != "item" and post.blocks[i - 1].kind != "item":
            return i
    return max(1, n // 2)


def related_titles(others: list[Any], rng: random.Random, n: int) -> list[Any]:
    return pick(rng, others, n)


def in_topic(o: Any) -> str:
    return f'In "{o.topics[0]}"'


def figure(c: Chrome, rng: random.Random) -> str:
    credit = rng.choice(["Getty Images", "GSA", "Staff photo", "iStock"])
    caption = rng.choice(
        [
            "Photo: Attendees at a usability testing session in Washington, D.C.",
            "Staff members review survey results during a team meeting.",
            "A screenshot of the redesigned agency homepage on a mobile phone.",
        ]
    )
    return (
        f'<figure class="wp-block-image"><img src="/img/{rng.randint(100, 999)}.jpg" alt="">'
        f"<figcaption>{c(caption)} <span class='credit'>{c('(' + credit + ')')}</span>"
        "</figcaption></figure>"
    )


def wordpress(post: Any, others: list[Any], rng: random.Random) -> Page:
    c = Chrome()
    site = "Open Government Notes"
    nav = "".join(
        f'<li class="menu-item"><a href="#">{c(s)}</a></li>' for s in pick(rng, SECTIONS, 5)
    )
    recent = "".join(f'<li><a href="#">{c(o.title)}</a></li>' for o in pick(rng, others, 5))
    related = "".join(
        f'<div class="jp-relatedposts-post"><h4><a href="#">{c(o.title)}</a></h4>'
        f"<p>{c(short_date(o.date))}</p><p>{c(in_topic(o))}</p></div>"
        for o in related_titles(others, rng, 3)
    )
    comments = "".join(
        f'<li class="comment"><div class="comment-author">{c(who)} <span>{c("says:")}</span>'
        f'</div><div class="comment-content"><p>{c(what)}</p></div>'
        f'<a class="comment-reply-link">{c("Reply")}</a></li>'
        for who, what in zip(pick(rng, COMMENTERS, 2), pick(rng, COMMENTS, 2), strict=True)
    )
    inline_related = rng.choice(others)
    inserts = {
        1: figure(c, rng),
        middle(post): f'<p><strong>{c("Related:")}</strong> <a href="#">{c(inline_related.title)}'
        "</a></p>",
    }
    content = f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8">
<title>{html.escape(post.title)} – {c(site)}</title>
<link rel="stylesheet" href="/wp-content/themes/twentyseventeen/style.css">
<script>window._wpemojiSettings = {{"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/"}};</script>
</head>
<body class="post-template-default single single-post">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">{c("Skip to content")}</a>
<header id="masthead" class="site-header" role="banner">
<div class="site-branding"><p class="site-title"><a href="/">{c(site)}</a></p>
<p class="site-description">{c("Notes on building better public services")}</p></div>
<nav id="site-navigation" class="main-navigation"><button class="menu-toggle">{c("Menu")}</button>
<ul id="top-menu" class="menu">{nav}</ul></nav>
</header>
<div id="content" class="site-content"><div id="primary" class="content-area">
<main id="main" class="site-main">
<article id="post-{rng.randint(1000, 9999)}" class="post type-post status-publish format-standard">
<header class="entry-header">
<div class="entry-meta"><span class="posted-on">{c("Posted on")} <a href="#"><time class="entry-date published">{c(long_date(post.date))}</time></a></span>
<span class="byline"> {c("by")} <span class="author vcard"><a href="#">{c(post.authors[0])}</a></span></span></div>
<h1 class="entry-title">{html.escape(post.title)}</h1>
</header>
<div class="entry-content">
{body_html(post, inserts)}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">{c("Share this:")}</h3>
<ul><li><a class="share-twitter" href="#"><span>{c("Click to share on Twitter (Opens in new window)")}</span></a></li>
<li><a class="share-facebook" href="#"><span>{c("Click to share on Facebook (Opens in new window)")}</span></a></li></ul></div>
<div class="sharedaddy sd-like"><h3 class="sd-title">{c("Like this:")}</h3><span>{c("Like Loading...")}</span></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>{c("Related")}</em></h3>{related}</div>
</div>
<footer class="entry-footer"><span class="cat-links">{c("Posted in")} <a href="#">{c(post.topics[0])}</a></span></footer>
</article>
<nav class="navigation post-navigation"><h2 class="screen-reader-text">{c("Post navigation")}</h2>
<div class="nav-previous"><a href="#"><span class="meta-nav">{c("Previous Post")}</span> {c(others[0].title)}</a></div></nav>
<div id="comments" class="comments-area"><h2 class="comments-title">{c(f"2 thoughts on “{post.title}”")}</h2>
<ol class="comment-list">{comments}</ol>
<div id="respond" class="comment-respond"><h3 id="reply-title">{c("Leave a Reply")} <small><a href="#">{c("Cancel reply")}</a></small></h3>
<form class="comment-form"><p class="comment-notes">{c("Your email address will not be published. Required fields are marked *")}</p>
<p><label for="comment">{c("Comment")}</label><textarea id="comment"></textarea></p>
<p><label>{c("Name *")}</label><input type="text"></p>
<p class="comment-form-cookies-consent"><input type="checkbox"><label>{c("Save my name, email, and website in this browser for the next time I comment.")}</label></p>
<p class="form-submit"><input type="submit" value="Post Comment"></p></form></div></div>
</main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">{c("Recent Posts")}</h2><ul>{recent}</ul></section>
<section class="widget widget_meta"><h2 class="widget-title">{c("Meta")}</h2><ul><li><a href="#">{c("Log in")}</a></li><li><a href="#">{c("Entries feed")}</a></li></ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info"><a href="https://wordpress.org/">{c("Proudly powered by WordPress")}</a></div></footer>
</div></body></html>
"""
    return Page(content, "html", c.strings)


def newsroom(post: Any, others: list[Any], rng: random.Random) -> Page:
    c = Chrome()
    site = "The Federal Dispatch"
    nav = "".join(f'<a href="#" class="nav-link">{c(s)}</a>' for s in pick(rng, SECTIONS, 7))
    most_read = "".join(
        f'<li><span class="rank">{i}</span><a href="#">{c(o.title)}</a></li>'
        for i, o in enumerate(pick(rng, others, 4), start=1)
    )
    promo_line, promo_blurb = rng.choice(CTA_PROMOS[:6])
    promo_line = promo_line.format(site=site)
    read_more = rng.choice(others)
    signup = (
        '<div class="newsletter-signup inline-promo">'
        f"<h3>{c(promo_line)}</h3><p>{c(promo_blurb.format(site=site))}</p>"
        f'<form><input type="email" placeholder="Your email"><button type="submit">{c("Sign up")}'
        "</button></form></div>"
    )
    ad = f'<div class="ad-slot" aria-hidden="true"><span class="ad-label">{c("Advertisement")}</span><div id="gpt-ad-1"></div></div>'
    inserts = {
        1: ad,
        middle(post): signup + f'\n<p class="read-more"><strong>{c("Read more:")}</strong> '
        f'<a href="#">{c(read_more.title)}</a></p>',
    }
    # The share bar's button is never closed: browsers put the article inside it.
    content = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape(post.title)} | {c(site)}</title>
<meta property="og:title" content="{html.escape(post.title)}">
<script async src="/js/analytics.js"></script><style>.ad-slot{{min-height:250px}}</style></head>
<body>
<div class="top-bar">{c("Today's paper")} · {c("Sign in")} · <a href="#" class="btn-subscribe">{c("Subscribe for $1")}</a></div>
<header class="masthead"><a class="logo" href="/">{c(site)}</a>
<nav class="sections">{nav}</nav></header>
<div class="breaking"><strong>{c("Breaking:")}</strong> <a href="#">{c(rng.choice(others).title)}</a></div>
<div class="page">
<div class="story-header"><a class="kicker" href="#">{c(post.topics[0].replace("-", " ").title())}</a>
<h1 class="headline">{html.escape(post.title)}</h1>
<div class="byline">{c("By " + ", ".join(post.authors))} <time>{c(long_date(post.date) + " at 10:00 a.m. ET")}</time></div>
<button class="share-toggle" aria-label="Share">{c("Share this article")}
</div>
<article class="story-body">
{body_html(post, inserts)}
</article>
<section class="most-read"><h2>{c("Most Read")}</h2><ol>{most_read}</ol></section>
<section class="comments"><h2>{c("Comments")}</h2><p>{c("Comments are closed for this story.")}</p></section>
</div>
<footer class="site-footer"><ul>{"".join(f"<li><a href='#'>{c(s)}</a></li>" for s in pick(rng, FOOTER_LINKS, 6))}</ul>
<p>{c("© 2019 The Federal Dispatch, LLC. All rights reserved.")}</p></footer>
</body></html>
"""
    return Page(content, "html", c.strings)


def govsite(post: Any, others: list[Any], rng: random.Random) -> Page:
    c = Chrome()
    agency = "Office of Digital Services"
    side = "".join(
        f'<li class="usa-sidenav__item"><a href="#">{c(o.title)}</a></li>'
        for o in pick(rng, others, 4)
    )
    content = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(post.title)} | {c(agency)}</title></head>
<body>
<a class="usa-skipnav" href="#main-content">{c("Skip to main content")}</a>
<section class="usa-banner" aria-label="Official website of the United States government">
<div class="usa-banner__header"><p class="usa-banner__header-text">{c("An official website of the United States government")}</p>
<button class="usa-accordion__button usa-banner__button" aria-expanded="false"><span class="usa-banner__button-text">{c("Here’s how you know")}</span></button></div>
<div class="usa-banner__content" hidden><p><strong>{c("Official websites use .gov")}</strong><br>{c("A .gov website belongs to an official government organization in the United States.")}</p>
<p><strong>{c("Secure .gov websites use HTTPS")}</strong></p></div></section>
<header class="usa-header usa-header--extended"><div class="usa-logo"><em class="usa-logo__text"><a href="/">{c(agency)}</a></em></div>
<nav class="usa-nav"><ul class="usa-nav__primary">{"".join(f'<li><a href="#">{c(s)}</a></li>' for s in ["Services", "Resources", "Guidance", "Community", "About"])}</ul>
<form class="usa-search" role="search"><label class="usa-sr-only">{c("Search")}</label><input type="search"><button type="submit">{c("Search")}</button></form></nav></header>
<div class="grid-container">
<nav class="usa-breadcrumb" aria-label="Breadcrumbs"><ol><li><a href="/">{c("Home")}</a></li><li><a href="/news/">{c("News and Events")}</a></li><li><span>{html.escape(post.title)}</span></li></ol></nav>
<div class="grid-row">
<div class="desktop:grid-col-3"><nav aria-label="Secondary navigation"><h2>{c("In this section")}</h2><ul class="usa-sidenav">{side}</ul></nav></div>
<main id="main-content" class="desktop:grid-col-9 usa-prose">
<h1>{html.escape(post.title)}</h1>
<p class="usa-intro-meta">{c(long_date(post.date))} · {c("Posted by " + " and ".join(post.authors))}</p>
{body_html(post)}
<div class="usa-alert usa-alert--info"><div class="usa-alert__body"><p class="usa-alert__text">{c("Note: Reference in this post to any product, service or enterprise does not constitute an endorsement.")}</p></div></div>
<p class="last-reviewed">{c("Last reviewed: " + short_date(post.date))}</p>
<section class="page-feedback"><h2>{c("Was this page helpful?")}</h2><button>{c("Yes")}</button><button>{c("No")}</button></section>
</main></div></div>
<footer class="usa-footer"><div class="usa-footer__return-to-top"><a href="#">{c("Return to top")}</a></div>
<div class="usa-footer__primary-section"><nav><ul>{"".join(f'<li><a href="#">{c(s)}</a></li>' for s in ["Accessibility support", "FOIA requests", "No FEAR Act data", "Office of the Inspector General", "Privacy policy"])}</ul></nav></div>
<div class="usa-identifier"><p>{c("Looking for U.S. government information and services?")} <a href="#">{c("Visit USA.gov")}</a></p></div></footer>
</body></html>
"""
    return Page(content, "html", c.strings)


def cms(post: Any, others: list[Any], rng: random.Random) -> Page:
    """A CMS body fragment: no page around it; the title comes as a separate field or an h2."""
    c = Chrome()
    n = rng.randint(0, 4)
    blocks = body_html(post, {1: figure(c, rng)} if n % 2 else None)
    given = None
    if n in (0, 2):
        given = post.title
        head = ""
    else:
        head = f"<h1>{html.escape(post.title)}</h1>\n"
    if n == 4:
        # An inline-only fragment: paragraphs separated by <br><br>, no block tags at all.
        blocks = "<br><br>\n".join(
            ("<strong>" + b.html + "</strong>") if b.kind == "heading" else b.html
            for b in post.blocks
        )
    other = rng.choice(others)
    promo = (
        f'\n<div class="related-links"><h3>{c("More on this topic")}</h3><ul>'
        f'<li><a href="#">{c(other.title)}</a></li></ul></div>'
        f'\n<p class="promo"><a href="#">{c("Subscribe to our weekly newsletter")}</a></p>'
    )
    return Page(head + blocks + promo, "html", c.strings, given)


def substack(post: Any, others: list[Any], rng: random.Random) -> Page:
    c = Chrome()
    pub = "Civic Tech Letters"
    more = "".join(
        f'<div class="post-preview"><a href="#" class="post-preview-title">{c(o.title)}</a>'
        f'<div class="post-preview-description">{c(teaser(o.summary))}</div>'
        f'<div class="post-preview-meta">{c(short_date(o.date).upper())}</div></div>'
        for o in pick(rng, others, 3)
    )
    subscribe = (
        f'<div class="subscription-widget-wrap"><p class="cta-caption">{c(f"Thanks for reading {pub}! Subscribe for free to receive new posts and support my work.")}</p>'
        f'<form><input type="email" placeholder="Type your email..."><button>{c("Subscribe")}</button></form></div>'
    )
    content = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{html.escape(post.title)} - by {c(post.authors[0])}</title>
<meta name="description" content="{html.escape(teaser(post.summary))}"></head>
<body><div id="entry"><div class="main-menu"><a href="/" class="navbar-title">{c(pub)}</a>
<button class="subscribe-btn">{c("Subscribe")}</button><button>{c("Sign in")}</button></div>
<div class="single-post"><div class="post-header"><h1 class="post-title">{html.escape(post.title)}</h1>
<div class="post-meta"><a href="#">{c(post.authors[0])}</a><div class="post-date">{c(short_date(post.date))}</div></div>
<div class="post-ufi"><a class="like-button">{c("Like")}</a><a class="comment-button">{c("Comment")}</a><a class="restack-button">{c("Restack")}</a><a>{c("Share")}</a></div></div>
<div class="available-content"><div class="body markup">
{body_html(post, {middle(post): subscribe})}
</div></div>
{subscribe}
<div class="post-footer"><a class="post-footer-button">{c("Share")}</a></div>
<div class="more-from"><h3>{c(f"Discover more from {pub}")}</h3><p>{c("Weekly notes on what works in public-sector technology.")}</p>{more}</div>
</div>
<div class="footer-wrap"><div class="footer"><div class="copyright">{c(f"© 2019 {post.authors[0]}")}</div>
<a href="#">{c("Privacy")}</a> ∙ <a href="#">{c("Terms")}</a> ∙ <a href="#">{c("Collection notice")}</a>
<a class="footer-substack-cta" href="#">{c("Start Writing")}</a><a href="#">{c("Get the app")}</a>
<p>{c("Substack is the home for great culture")}</p></div></div></div></body></html>
"""
    return Page(content, "html", c.strings)


HTML_STYLES: dict[str, Callable[[Any, list[Any], random.Random], Page]] = {
    "wordpress": wordpress,
    "newsroom": newsroom,
    "govsite": govsite,
    "cms": cms,
    "substack": substack,
}
