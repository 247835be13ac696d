"""The one Jinja2 setup for every HTML page staff read (the web console, the digest): autoescape on, undefined
variables an error, and the filters both need.

    env = environment(Path("pipeline/serve/templates"))
    env.get_template("risk.html").render(...)          # every {{ value }} is escaped
    {% if p.url | http_url %}<a href="{{ p.url | http_url }}">…</a>{% endif %}   # javascript:, data: stay text
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import jinja2


def http_url(url) -> str:
    """The URL stripped when it is http(s), else "" (a post's `javascript:` or `data:` URL is never a link).

    >>> http_url(" https://vk.com/wall-1_2"), http_url("JavaScript:alert(1)"), http_url(None)
    ('https://vk.com/wall-1_2', '', '')
    """
    text = str(url or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:                  # an unparseable URL (a bad IPv6 literal) is no link either
        return ""
    return text if scheme in ("http", "https") else ""


def environment(*folders: Path) -> jinja2.Environment:
    """Templates from `folders` (searched in order), autoescaped whatever their file name."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(f) for f in folders]), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["http_url"] = http_url
    return env
