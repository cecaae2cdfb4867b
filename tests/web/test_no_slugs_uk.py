"""No English slug on a Ukrainian screen: the main pages' visible text, rendered for the small
town in Ukrainian, holds no zone slug, vocabulary slug, role name or English word from a list."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from frontaid.domain import vocab
from frontaid.web.roles import ROLES

PAGES = ["/desk", "/registry", "/board", "/dashboard", "/incidents", "/map", "/flags", "/dedup"]
ENGLISH = {"due", "household", "households", "request", "requests", "shelter", "score", "replica", "ops",
           "flag", "flags", "merge", "female", "male", "m/f", "zone", "none", "unknown", "open", "done"}


class _Visible(HTMLParser):
    """The text a person sees: no script, style, tag names or attribute values (titles too)."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code"):
            self.skip += 1
        self.parts.extend(v or "" for k, v in attrs if k in ("title", "placeholder", "aria-label"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_words(html: str) -> set[str]:
    p = _Visible()
    p.feed(html)
    return set(re.findall(r"[a-z][a-z/\-]*[a-z]", " ".join(p.parts).lower()))


def forbidden(zone_slugs: set[str]) -> set[str]:
    slugs = {s for table in vars(vocab).values() if isinstance(table, dict)
             for s in table if isinstance(s, str) and len(s) > 2 and s.isascii()}
    return slugs | zone_slugs | set(ROLES) | ENGLISH


def test_ukrainian_pages_show_no_slug(web: Any) -> None:
    c = web.page_login("coordinator")
    c.cookies.set("frontaid_lang", "uk")
    zones = {"east", "west"}
    # The fixture's users are named after their roles, and the page shows who is logged in.
    bad = forbidden(zones) - {"radio", "internet"} - set(ROLES)
    found = {}
    cards = [f"/desk/household/{web.town.anna}", f"/registry/household/{web.town.anna}"]
    for page in PAGES + cards:
        r = c.get(page)
        assert r.status_code == 200, page
        hits = visible_words(r.text) & bad
        if hits:
            found[page] = sorted(hits)
    assert not found, found


def test_the_check_sees_a_slug() -> None:
    assert "basement" in visible_words("<p>Укриття: basement</p>") & forbidden(set())
    assert not visible_words("<script>basement</script><p title='Підвал'>Підвал</p>")
