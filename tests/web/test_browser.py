"""End to end: Debian's chromium, driven by playwright, against a real `frontaid serve` on loopback.

Never `playwright install`: the browser is /usr/bin/chromium (`make test` installs it).
If it is missing this test fails rather than skips: an untested desk is a broken desk.
Screenshots land in artifacts/ (not committed).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse 42"
FRONTAID = Path(sys.executable).parent / "frontaid"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _frontaid(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(FRONTAID), *args], input=stdin, text=True,
                          capture_output=True, check=True, timeout=60)


def test_desk_in_a_real_browser(town) -> None:
    assert os.access(CHROMIUM, os.X_OK), "chromium missing: run `make test` (installs Debian's chromium)"
    db = str(town.rep.path)
    _frontaid("--db", db, "user", "add", "olha", "--role", "desk", "--password-stdin", stdin=PASSWORD + "\n")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [str(FRONTAID), "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise AssertionError("frontaid serve did not start")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 360, "height": 740})
            page.set_default_timeout(10_000)
            page.goto(f"{base}/desk")
            page.fill("#name", "olha")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator("#q")).to_be_visible()
            page.screenshot(path=ARTIFACTS / "desk-login.png")

            page.locator("#q").press_sequentially("kovalen", delay=30)
            result = page.locator("#results a", has_text="Anna Kovalenko")
            expect(result).to_be_visible()
            result.click()
            food = page.locator("#household button[data-item=food-kit]")
            expect(food).to_be_visible()
            food.click()
            expect(page.locator("#household .notice.ok")).to_contain_text("Видано")
            page.screenshot(path=ARTIFACTS / "desk-handed-out.png", full_page=True)

            page.locator("#household button[data-item=food-kit]").click()
            warning = page.locator("#warning")
            expect(warning).to_contain_text(town.anna)
            expect(warning).to_contain_text("продуктовий набір")
            page.screenshot(path=ARTIFACTS / "desk-warning.png", full_page=True)
            page.fill("#override", "kit lost in shelling, agreed with coordinator")
            warning.locator("button").click()
            expect(page.locator("#household .notice.ok")).to_be_visible()
            expect(page.locator("#warning")).to_have_count(0)

            # Fits a 360-px screen: nothing scrolls sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= 360

            page.click("#lang-en")
            expect(page.locator("label[for=q]")).to_have_text("Card code or part of a name")
            page.screenshot(path=ARTIFACTS / "desk-english.png", full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    rows = town.rep.conn.execute(
        "SELECT override FROM handouts WHERE item = 'food-kit' ORDER BY \"on\"").fetchall()
    assert [r[0] for r in rows] == [None, "kit lost in shelling, agreed with coordinator"]
