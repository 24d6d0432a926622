"""Configuration of the static report (`[report]`): where the daemon keeps it, and where it is
published, so that alerts can link to a call's page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import field_validator

from rashomon.settings.model import ConfigModel


class ReportConfig(ConfigModel):
    """`dir`: the folder the daemon rewrites after each analysis pass that changed a call
    (empty: none). `base_url`: where that folder is served; when set, every alert links to its
    call's page there (empty: alerts carry no link)."""

    dir: str = ""
    base_url: str = ""

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if value and not ((parts.scheme in ("http", "https") and parts.netloc)
                          or (parts.scheme == "file" and parts.path.startswith("/"))):
            raise ValueError("must be an http(s) URL such as https://example.org/rashomon/, "
                             "or a file:/// URL of a shared folder")
        return value if not value or value.endswith("/") else value + "/"

    @property
    def directory(self) -> Path | None:
        return Path(self.dir).expanduser() if self.dir else None

    def page_url(self, page: str) -> str | None:
        """The public address of a page given relative to the report's root, if published."""
        return self.base_url + page if self.base_url else None
