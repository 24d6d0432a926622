"""Every URL a spider requests is built from its source's `base_url`.

Real pages link to their real hosts (`http://en.kremlin.ru/...`, `https://english.news.cn/...`)
or root-relative paths. `rebase` moves every link on a known host of the source onto
`base_url`, so a user file can point a whole source elsewhere (a mirror, a local fixture
site) and the spiders follow it there; links to other hosts are off-site.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from rashomon.settings import Source


def rebase(source: Source, href: str, page_url: str) -> str | None:
    """The absolute URL to request for `href` found on `page_url`, or None when off-site."""
    href = href.strip()
    if not href or href.startswith(("javascript:", "mailto:", "#")):
        return None
    parts = urlsplit(href)
    if not parts.scheme and not parts.netloc:
        if href.startswith("/"):
            return _on_base(source, parts.path, parts.query)
        return _without_fragment(urljoin(page_url, href))
    if parts.netloc == source.host:
        return _without_fragment(href)
    if parts.netloc.lower() in source.aliases:
        return _on_base(source, parts.path, parts.query)
    return None


def _on_base(source: Source, path: str, query: str) -> str:
    url = source.base_url + "/" + path.lstrip("/")
    return f"{url}?{query}" if query else url


def _without_fragment(url: str) -> str:
    scheme, netloc, path, query, _ = urlsplit(url)
    return urlunsplit((scheme, netloc, path, query, ""))
