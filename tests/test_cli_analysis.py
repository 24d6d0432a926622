"""`rashomon calls`, `show` and `diff`: thin commands over the analysis, run through the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashomon.cli import app
from rashomon.store import Store
from tests.conftest import make_document

RUNNER = CliRunner()
KREMLIN_RU = """Состоялся телефонный разговор Владимира Путина с Председателем КНР Си Цзиньпином.

Отмечено, что Соединённые Штаты проводят курс на «двойное сдерживание» России и Китая.
Условились о дальнейшем развитии военных и военно-технических связей.
"""
XINHUA_HTML = """<html><head><title>x</title><script>var taiwan = 1;</script></head><body>
<h1>习近平同俄罗斯总统普京通电话</h1>
<div id="detail"><p>国家主席习近平8日同俄罗斯总统普京通电话。</p>
<p>双方要坚决反对<b>外部势力</b>干涉两国内政。</p></div></body></html>"""


def invoke(*args: str, store_url: str | None = None) -> object:
    prefix = ["--store", store_url] if store_url else []
    return RUNNER.invoke(app, [*prefix, *args], env={"RASHOMON_CONFIG": ""})


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "kremlin.txt", tmp_path / "xinhua.html"
    a.write_text(KREMLIN_RU, encoding="utf-8")
    b.write_text(XINHUA_HTML, encoding="utf-8")
    return a, b


def test_diff_json_is_exactly_one_object(files: tuple[Path, Path]) -> None:
    result = invoke("diff", str(files[0]), str(files[1]), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"divergent", "only_in_a", "only_in_b", "shared", "topics", "framing"}
    assert data["divergent"] is True
    assert data["only_in_a"] == ["military", "united_states"]
    assert data["only_in_b"] == ["external_forces", "interference"]
    assert data["shared"] == []
    assert [t["id"] for t in data["topics"]] == sorted(t["id"] for t in data["topics"])
    assert data["framing"] == [{"a": "united_states", "b": "external_forces",
                                "label": "named vs unnamed"}]
    external = next(t for t in data["topics"] if t["id"] == "external_forces")
    assert external == {"id": "external_forces", "label": "Unnamed outside forces", "a": [],
                        "b": ["双方要坚决反对外部势力干涉两国内政。"]}


def test_diff_for_people_shows_both_sides(files: tuple[Path, Path]) -> None:
    result = invoke("diff", str(files[0]), str(files[1]))
    assert result.exit_code == 0
    assert "Divergent" in result.stdout and "✓" in result.stdout and "✗" in result.stdout


def test_diff_of_an_unreadable_file_is_one_error_line(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF")
    result = invoke("diff", str(pdf), str(pdf), "--json")
    assert result.exit_code == 1
    assert isinstance(result.exception, Exception) and "unsupported file type" in str(
        result.exception)


def seeded_store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = Store.open(url)
    now = datetime.now(UTC)
    store.documents.save(make_document(published_at=now - timedelta(hours=2), paragraphs=(
        "Vladimir Putin had a telephone conversation with President of China Xi Jinping.",
        "They agreed to develop military and military-technical ties.")))
    store.documents.save(make_document(
        source_id="press_bbc_world", side="press", kind="press", url="https://bbc.example/1",
        external_id=None, title="Putin and Xi speak", published_at=now - timedelta(hours=1),
        paragraphs=("The Chinese readout of the call between Putin and Xi Jinping did not "
                    "mention military ties.",)))
    store.close()
    return url


def test_calls_json_lists_the_recognised_call(tmp_path: Path) -> None:
    url = seeded_store(tmp_path)
    result = invoke("calls", "--json", store_url=url)
    assert result.exit_code == 0, result.output
    [call] = json.loads(result.stdout)
    assert call["participants"] == ["putin", "xi"] and call["type"] == "phone"
    assert call["sides"] == ["RU"] and call["one_sided"] is False and call["press"] == 1
    assert call["id"].endswith("-putin-xi-phone")


def test_calls_table_and_show(tmp_path: Path) -> None:
    url = seeded_store(tmp_path)
    table = invoke("calls", store_url=url)
    assert table.exit_code == 0 and "phone" in table.stdout
    call_id = json.loads(invoke("calls", "--json", store_url=url).stdout)[0]["id"]
    shown = invoke("show", call_id, store_url=url)
    assert shown.exit_code == 0, shown.output
    assert "Military cooperation" in shown.stdout and "bbc.example" in shown.stdout
    assert "⚑" in shown.stdout  # the press piece discusses the discrepancy


def test_show_unknown_call_fails(tmp_path: Path) -> None:
    result = invoke("show", "1999-01-01-nobody-phone", store_url=seeded_store(tmp_path))
    assert result.exit_code != 0
    assert "no call" in str(result.exception)
