"""Jinja2 templates rendered in the request's language (`_` in a template is gettext)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from frontaid.domain import vocab
from frontaid.domain.localtime import shown
from frontaid.i18n import LANGUAGES, gettext, ngettext
from frontaid.web.audit import screen_page
from frontaid.web.auth import CSRF_FIELD, CSRF_HEADER, can, language
from frontaid.web.users import Session

HERE = Path(__file__).parent
env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)


def render(request: Request, template: str, sess: Session | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    lang = language(request)
    context = screen_page(request, sess, context)

    def _(msgid: str, **params: Any) -> str:
        text = gettext(msgid, lang)
        return text.format(**params) if params else text

    def n_(singular: str, plural: str, count: int, **params: Any) -> str:
        """The plural form for `count` (Ukrainian has three), formatted with `params` ({n} too)."""
        return ngettext(singular, plural, count, lang).format(**params)

    def _n(singular: str, plural: str, n: int, **params: Any) -> str:
        """`ngettext` with `{n}` filled by the count itself (1 загиблий, 3 загиблі, 5 загиблих)."""
        return ngettext(singular, plural, n, lang).format(n=n, **params)

    html = env.get_template(template).render(
        _=_, ngettext=n_, _n=_n, lang=lang, languages=LANGUAGES, user=sess, csrf_field=CSRF_FIELD,
        csrf_header=CSRF_HEADER,
        path=request.url.path, vocab=vocab,
        here=request.url.path + ("?" + request.url.query if request.url.query else ""),
        can=lambda permission: can(sess, permission),
        label=lambda slug: gettext(vocab.ITEM_NAMES.get(slug) or str(slug), lang),
        when=lambda value: shown(value, lang),
        **context)
    return HTMLResponse(html, status_code=status_code)
