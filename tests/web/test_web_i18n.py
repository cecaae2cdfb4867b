"""Every string the web templates pass through `_()` has a Ukrainian translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

import frontaid.web
from frontaid.i18n import catalog

TEMPLATES = Path(frontaid.web.__file__).parent / "templates"


def template_msgids() -> set[str]:
    found = extract_from_dir(str(TEMPLATES), method_map=[("**.html", "jinja2.ext:babel_extract")],
                             keywords={"_": None})
    out: set[str] = set()
    for _file, _line, message, _comments, _ctx in found:
        out.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    return out


def test_templates_are_translated() -> None:
    ids = template_msgids()
    assert "Hand out" in ids  # the extractor finds something
    uk = catalog("uk")
    missing = sorted(m for m in ids if not uk.get(m, "").strip())
    assert not missing, "untranslated template msgids:\n" + "\n".join(missing)


def test_roles_are_translated() -> None:
    from frontaid.web.users import ROLES
    assert all(catalog("uk").get(r) for r in ROLES)
