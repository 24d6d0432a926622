"""Writing the static site: `DIR/index.html`, `DIR/calls/<id>.html` and `DIR/report.css`.

Pages are rendered by Jinja2 with autoescaping on, from the packaged templates; everything a
page needs is in the directory (one stylesheet, the index's filter script inline, the chart an
inline SVG), so the site opens from disk as well as from any static file server. Each file is
written to a temporary name and moved into place, so a reader (or a web server) never sees a
half-written page while a daemon rewrites the report. `publish` writes the site of every call
and removes the pages of calls that no longer exist (a call absorbed into another, when a late
account showed two to be one); a `ReportFolder` is that, for the folder the daemon keeps
(`[report] dir`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from rashomon.analysis.topics import TopicIndex
from rashomon.models import CallAnalysis
from rashomon.report.index import index_view
from rashomon.report.info import ReportInfo
from rashomon.report.marks import split_marked
from rashomon.report.viewmodel import call_view, page_path

Json = dict[str, Any]
STYLESHEET = "report.css"
UNSPACED = frozenset({"zh", "ja"})  # sentences follow each other without a space


@dataclass(frozen=True)
class Published:
    """What `Report.publish` did: the index it wrote, how many call pages, which it removed."""

    index: Path
    pages: int
    removed: tuple[Path, ...] = ()


class Report:
    """The report of analysed calls; build once with the display info and the analysis's
    compiled topics (`TopicIndex`), which mark the sentences of each account."""

    def __init__(self, info: ReportInfo, index: TopicIndex) -> None:
        self.info = info
        self.index = index
        self.templates = environment()

    def call_view(self, analysis: CallAnalysis) -> Json:
        """The view model of one call (`viewmodel`): what its page shows."""
        return call_view(analysis, self.info, self.index)

    def write(self, out: Path, analyses: Iterable[CallAnalysis]) -> list[Path]:
        """Write the site for these calls into `out`; the paths written, index first."""
        views = [self.call_view(analysis) for analysis in analyses]
        written = [self.render_index(out, views), write_stylesheet(out)]
        return written + [self.render_call(out, view) for view in views]

    def publish(self, out: Path, analyses: Iterable[CallAnalysis]) -> Published:
        """Write the site of all these calls and remove every other call page in `out`."""
        analyses = list(analyses)
        written = self.write(out, analyses)
        keep = {page_path(analysis.call.id) for analysis in analyses}
        stale = [page for page in sorted((out / "calls").glob("*.html"))
                 if page.relative_to(out).as_posix() not in keep]
        for page in stale:
            page.unlink(missing_ok=True)
        return Published(written[0], len(written) - 2, tuple(stale))

    def render_index(self, out: Path, views: list[Json]) -> Path:
        page = self.templates.get_template("index.html")
        return write_atomic(out / "index.html", page.render(root="", **index_view(views)))

    def render_call(self, out: Path, view: Json) -> Path:
        page = self.templates.get_template("call.html")
        labels = {topic["id"]: topic["label"] for topic in view["topics"]}
        return write_atomic(out / view["page"], page.render(root="../", call=view, labels=labels))


def environment() -> Environment:
    """Jinja2 with autoescaping everywhere and undefined names as errors."""
    env = Environment(loader=PackageLoader("rashomon.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["marked"] = marked
    env.filters["sentence_gap"] = sentence_gap
    return env


def marked(sentence: Json) -> Markup:
    """A sentence's text, escaped, with each matched word in `<mark>`."""
    spans = [(start, end) for start, end in sentence["marks"]]
    return Markup("").join(
        Markup("<mark>{}</mark>").format(piece) if is_mark else escape(piece)
        for piece, is_mark in split_marked(sentence["text"], spans))


def sentence_gap(language: str) -> str:
    """What stands between two sentences: nothing in Chinese and Japanese, else a space."""
    return "" if language.split("-")[0].lower() in UNSPACED else " "


def write_stylesheet(out: Path) -> Path:
    css = files("rashomon.report").joinpath("static", STYLESHEET).read_text(encoding="utf-8")
    return write_atomic(out / STYLESHEET, css)


def write_atomic(path: Path, text: str) -> Path:
    """Write `text` to `path` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


@dataclass(frozen=True)
class ReportFolder:
    """The report the daemon keeps current in one folder (`[report] dir`)."""

    report: Report
    out: Path

    @property
    def missing(self) -> bool:
        """True until the folder holds a report (a first run, or someone emptied it)."""
        return not (self.out / "index.html").is_file()

    def publish(self, analyses: Iterable[CallAnalysis]) -> Published:
        return self.report.publish(self.out, analyses)
