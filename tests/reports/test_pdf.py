"""The PDF seam: nothing is fetched from the network or the disk outside our templates; the words
every printout shares (dates, Kyiv time, hidden small counts)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pdf_reading import pages, text

from frontaid.reports.pdf import (
    NotLocal,
    _local_fetcher,
    html_to_pdf,
    kyiv_moment,
    long_date,
    number,
    published,
)


def test_a_page_that_points_at_the_network_renders_without_reaching_it(tmp_path: Path) -> None:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = (f'<html><head><link rel="stylesheet" href="{url}/style.css">'
            f'<link rel="stylesheet" href="{secret.as_uri()}"></head>'
            f'<body><p>Привіт</p><img src="{url}/pixel.png"><img src="https://example.org/x.png"></body></html>')
    try:
        pdf = html_to_pdf(html)
    finally:
        server.shutdown()
    assert hits == []
    assert pages(pdf, tmp_path) == 1 and "Привіт" in text(pdf, tmp_path)
    fetch = _local_fetcher()
    for refused in (f"{url}/x", secret.as_uri(), "file:///etc/passwd", "ftp://example.org/x"):
        with pytest.raises((NotLocal, ValueError)):
            fetch.fetch(refused)
    assert fetch.fetch("data:text/plain;base64,aGk=") is not None


def test_dates_one_form_per_language_and_times_in_kyiv() -> None:
    assert long_date(date(2026, 12, 4), "uk") == "4 грудня 2026"
    assert long_date("2026-12-04T10:00", "en") == "4 December 2026"
    assert kyiv_moment(datetime(2026, 12, 4, 22, 30, tzinfo=UTC), "uk") == "5 грудня 2026, 00:30"
    assert kyiv_moment("2026-07-01T10:00:00+00:00", "en") == "1 July 2026, 13:00"  # summer time


def test_small_counts_are_hidden_and_numbers_grouped() -> None:
    assert [published(n) for n in (0, 1, 3, 4, 5, None)] == ["0", "<5", "<5", "<5", "5", "—"]
    assert published(12345) == "12\u202f345"
    assert number(2.5, "uk") == "2,5" and number(2.5, "en") == "2.5" and number(1000, "uk") == "1\u202f000"


def test_printout_templates_carry_no_script_and_no_outside_link() -> None:
    from frontaid.reports.pdf import TEMPLATES

    for page in TEMPLATES.glob("*.html"):
        html = page.read_text(encoding="utf-8").lower()
        assert "<script" not in html and "http://" not in html and "https://" not in html, page.name
        assert "<link" not in html, page.name  # the CSS is inlined: the sitrep's .html stands alone


@given(st.integers(min_value=0, max_value=10**7))
def test_a_published_count_never_shows_one_to_four(n: int) -> None:
    shown = published(n)
    assert (shown == "<5") == (1 <= n <= 4)
    if not 1 <= n <= 4:
        assert int(shown.replace("\u202f", "")) == n
