"""The editor page in a real browser: Debian's headless Chromium driven by Playwright, against a
real server with the digest model and spaCy. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from tagger.api import ApiSettings, create_app
from tagger.pipeline import Tagger

from .conftest import ROOT, SAMPLE_DRAFT
from .serving import running_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
# Without the networking flags Chromium keeps trying to reach outside hosts (refused here).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at /usr/bin/chromium "
        "(apt-get install -y chromium; .ci/run does it)",
    ),
]


@pytest.fixture(scope="module")
def served(
    digest_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("browser") / "feedback.db"
    app = create_app(Tagger.load(digest_model), ApiSettings(feedback_db=db))
    with running_server(app) as url:
        yield url, db


def test_editor_tags_a_draft_and_saves_feedback(served: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    url, db = served
    title, _, text = SAMPLE_DRAFT.read_text().partition("\n\n")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            suggest_for_a_pasted_draft(page, title, text)
            accept_reject_add_and_save(page)
            page.screenshot(path=str(ARTIFACTS / "editor.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})  # a phone
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"page is {overflow}px wider than a phone screen"
            page.screenshot(path=str(ARTIFACTS / "editor-phone.png"), full_page=True)
        finally:
            browser.close()

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT title, accepted, rejected, added FROM feedback").fetchall()
    assert len(rows) == 1
    assert rows[0][0] == title
    assert [json.loads(x) for x in rows[0][1:]] == [
        ["manufacturing"],
        ["regions"],
        ["university-research"],
    ]


def suggest_for_a_pasted_draft(page: Page, title: str, text: str) -> None:
    """Tags appear as chips with evidence; entities are highlighted; reports listed."""
    expect(page.locator("#model-name")).to_contain_text("20 tags")
    page.fill("#title", title)
    page.fill("#text", text)
    page.click("#suggest")
    expect(page.locator("#tags .chip").first).to_be_visible()
    expect(page.locator('#tags .chip[data-tag="manufacturing"]')).to_contain_text("because:")
    expect(page.locator("#highlighted mark.ent-ORG").first).to_be_visible()
    expect(page.locator("#highlighted")).to_contain_text("Akron")
    assert "MIT" in page.locator("#highlighted mark.ent-ORG").all_inner_texts()
    expect(page.locator("#reports")).to_contain_text("Production in the Innovation Economy")


def accept_reject_add_and_save(page: Page) -> None:
    manufacturing = page.locator('#tags .chip[data-tag="manufacturing"]')
    manufacturing.locator(".chip-main").click()  # accept with the mouse
    expect(manufacturing).to_have_attribute("data-state", "accepted")
    regions = page.locator('#tags .chip[data-tag="regions"]')
    regions.locator(".chip-x").focus()
    page.keyboard.press("Enter")  # reject with the keyboard
    expect(regions).to_have_attribute("data-state", "rejected")
    page.fill("#add-tag", "university-research")
    page.keyboard.press("Enter")
    added = page.locator('#tags .chip[data-tag="university-research"]')
    expect(added).to_have_attribute("data-state", "added")
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Saved (feedback #1)")
    expect(page.locator("#token-row")).to_be_hidden()  # no token on this server


def test_the_page_asks_for_the_token_when_the_server_needs_one(
    digest_model: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    settings = ApiSettings(feedback_db=tmp_path / "feedback.db", token="desk-7")
    app = create_app(Tagger.load(digest_model, entities=False), settings)
    with running_server(app) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(url)
            page.fill("#text", "Venture capital firms led a seed round for two startups.")
            page.keyboard.press("Control+Enter")
            page.locator('#tags .chip[data-tag="venture-capital"] .chip-main').click()
            expect(page.locator("#entities-panel")).to_be_hidden()  # --no-entities server
            page.click("#save")
            expect(page.locator("#save-status")).to_contain_text("needs an editor token")
            expect(page.locator("#token")).to_be_focused()
            page.fill("#token", "desk-7")
            page.click("#save")
            expect(page.locator("#save-status")).to_contain_text("Saved (feedback #1)")
        finally:
            browser.close()


def test_api_docs_render_without_internet(served: tuple[str, Path]) -> None:
    """/docs (Swagger UI) and /redoc load their scripts and styles from the server itself."""
    from urllib.parse import urlsplit

    from playwright.sync_api import sync_playwright

    url, _ = served
    server = urlsplit(url).netloc
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            # What the pages need to work: documents, scripts, styles, the OpenAPI document,
            # over the network (data: and blob: URLs are local). ReDoc's footer logo is an
            # image on its CDN; a missing image breaks nothing.
            needed = {"document", "script", "stylesheet", "xhr", "fetch"}
            hosts: set[str] = set()

            def note(request: Request) -> None:
                where = urlsplit(request.url)
                if request.resource_type in needed and where.scheme in ("http", "https"):
                    hosts.add(where.netloc)

            page.on("request", note)
            page.goto(f"{url}/docs")
            expect(page.locator(".opblock-summary-path").first).to_be_visible()
            paths = page.locator(".opblock-summary-path").all_inner_texts()
            assert {"/v1/suggest", "/v1/suggest/batch", "/v1/feedback"} <= set(paths)
            page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
            page.goto(f"{url}/redoc")
            expect(page.get_by_text("Tags (with scores and evidence)").first).to_be_visible()
            assert hosts == {server}, f"the docs pages fetched from {hosts - {server}}"
        finally:
            browser.close()
