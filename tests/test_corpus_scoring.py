"""How the real corpus is scored (rashomon.analysis.corpus), on a small corpus written here."""

from __future__ import annotations

from pathlib import Path

from rashomon.analysis.corpus import CorpusScorer, load_call, load_corpus
from rashomon.settings import load_settings

SETTINGS = load_settings(env={})
KREMLIN_PAGE = """<html><body><nav><a href="/">Ukraine</a> <a href="/x">Syria</a></nav>
<article class="read__in hentry h-entry"><h1 class="entry-title p-name">Telephone conversation</h1>
<div class="read__lead entry-summary p-summary">Vladimir Putin had a telephone conversation.</div>
<div class="entry-content e-content read__internal_content">
<p>The leaders discussed trade and sanctions.</p></div></article>
<div class="read__bottommeta">Taiwan</div></body></html>"""


def write_call(root: Path, name: str, files: dict[str, str], labels: str) -> None:
    folder = root / "calls" / name
    folder.mkdir(parents=True)
    docs = []
    for file, text in files.items():
        side, language = file.split(".")[:2]
        (folder / file).write_text(text, encoding="utf-8")
        docs.append(f'[[documents]]\nfile = "{file}"\nside = "{side}"\nlanguage = "{language}"\n')
    (folder / "meta.toml").write_text("\n".join(docs), encoding="utf-8")
    (folder / "labels.toml").write_text(labels, encoding="utf-8")


def test_scores_follow_the_labels_and_the_guide(tmp_path: Path) -> None:
    write_call(tmp_path, "c1", {"RU.en.html": KREMLIN_PAGE,
                                "CN.zh.txt": "双方讨论了经贸合作。习近平表示，欢迎普京总统访华。"},
               """[sides.RU]\ntopics = ["trade", "sanctions"]\nborderline = []
[sides.CN]\ntopics = ["trade", "visit"]\nborderline = []\n""")
    write_call(tmp_path, "c2", {"US.en.txt": "---\ntitle: x\n---\nThe United States and China "
                                             "discussed Iran.",
                                "CN.zh.txt": "双方讨论了伊朗核问题。"},
               """[sides.US]\ntopics = ["united_states", "middle_east"]\nborderline = []
[sides.CN]\ntopics = ["middle_east", "korea"]\nborderline = ["korea"]\n""")
    (tmp_path / "split.toml").write_text('dev = ["c1"]\nheldout = ["c2"]\n', encoding="utf-8")
    scorer = CorpusScorer(SETTINGS)
    scores = scorer.score(load_corpus(tmp_path))
    first, second = scores.results
    # The menu's "Ukraine" and the bottom meta's "Taiwan" are not the account.
    assert first.expected == {("c1", "RU", "sanctions"), ("c1", "CN", "visit")}
    assert first.reported == first.expected
    # united_states is not scored with the US as a side; a borderline topic is not scored.
    assert second.expected == set() and second.agreeing
    assert scores.precision == 1.0 and scores.recall == 1.0
    assert [r.call.id for r in scorer.score(load_corpus(tmp_path, "heldout")).results] == ["c2"]
    assert set(scores.by("pair")) == {"CN-RU", "CN-US"}
    assert set(scores.by("languages")) == {"en/zh"}


def test_a_false_report_and_a_miss_are_counted(tmp_path: Path) -> None:
    write_call(tmp_path, "c3", {"RU.en.txt": "They discussed Ukraine.",
                                "CN.zh.txt": "双方讨论了贸易。"},
               """[sides.RU]\ntopics = ["ukraine", "elections"]\nborderline = []
[sides.CN]\ntopics = ["trade"]\nborderline = []\n""")
    result = CorpusScorer(SETTINGS).result(load_call(tmp_path / "calls" / "c3"))
    assert result.misses == {("c3", "RU", "elections")}
    assert result.false == set()
    assert result.reported == {("c3", "RU", "ukraine")}
