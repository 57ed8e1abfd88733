"""Links inside the course: ``lesson:ID#section``, ``page:ID``, ``calc:ID?key=value``, ``glossary:term``, web links."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote

INTERNAL_SCHEMES = ("lesson", "page", "calc", "glossary", "check", "search")
WEB_SCHEMES = ("http", "https", "mailto")


@dataclass(frozen=True)
class Link:
    """A parsed link. ``kind`` is the scheme; ``target`` the lesson/page/calculator id or glossary term."""

    kind: str
    target: str
    anchor: str = ""
    params: dict[str, str] = field(default_factory=dict)
    url: str = ""

    @property
    def is_web(self) -> bool:
        return self.kind in WEB_SCHEMES


def parse_link(url: str) -> Link:
    """Parse a link from lesson text. Raises ``ValueError`` for a scheme the app does not know."""
    url = url.strip()
    scheme, sep, rest = url.partition(":")
    scheme = scheme.lower()
    if not sep or not scheme:
        raise ValueError(f"not a link the app understands: {url!r}")
    if scheme in WEB_SCHEMES:
        return Link(scheme, rest, url=url)
    if scheme not in INTERNAL_SCHEMES:
        raise ValueError(f"unknown link type {scheme!r} in {url!r}; expected one of {', '.join(INTERNAL_SCHEMES)}")
    rest, _, query = rest.partition("?")
    target, _, anchor = rest.partition("#")
    params = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
    return Link(scheme, unquote(target).strip(), unquote(anchor).strip(), params, url)


def page_and_params(spec: str) -> tuple[str, dict[str, str]]:
    """``"capitation?tab=panel"`` → ``("capitation", {"tab": "panel"})`` (the CLI's ``--page`` argument)."""
    page, _, query = spec.partition("?")
    page, _, anchor = page.partition("#")
    params = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
    if anchor:
        params.setdefault("section", anchor)
    return page.strip(), params
