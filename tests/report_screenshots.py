"""Refresh the README's screenshots of the report (docs/report-call.png, docs/report-index.png).

    .venv/bin/python -m tests.report_screenshots

The site is built from the report tests' calls, served on 127.0.0.1 and photographed in the
same headless Chromium the tests use.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rashomon.demo.server import SampleSite
from rashomon.report import Report
from tests.browser import chromium, recorded_page
from tests.report_calls import fixture

DOCS = Path(__file__).resolve().parent.parent / "docs"
SHOTS = (("calls/2022-06-15-putin-xi-phone.html", "report-call.png", 1100),
         ("index.html", "report-index.png", 0))


def main() -> None:
    calls = fixture()
    with tempfile.TemporaryDirectory() as folder:
        Report(calls.info, calls.index).write(Path(folder), calls.analyses)
        with SampleSite([Path(folder)]).start() as site, chromium() as browser, \
                recorded_page(browser, width=1280, height=1100) as recorded:
            for path, name, height in SHOTS:
                recorded.page.goto(f"{site.origin}/{path}")
                recorded.page.screenshot(path=DOCS / name, full_page=not height)
                print(DOCS / name)


if __name__ == "__main__":
    main()
