"""Analysis throughput: call pairs compared per second on one core.

Each pair is a Kremlin and a Xinhua account (texts from tests/data/divergence_cases.toml, EN, RU
and ZH), analysed like a stored call: topics with evidence, framing, one-sided state.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from rashomon.analysis.evaluation import DivergenceCase, divergence_cases
from rashomon.analysis.pipeline import Analyser
from rashomon.models import Document
from rashomon.settings import load_settings
from rashomon.store.calls import CallRow

CASES = Path(__file__).parent.parent / "tests" / "data" / "divergence_cases.toml"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
SECONDS = 3.0


def account(case: DivergenceCase, which: str) -> Document:
    raw = case.a if which == "a" else case.b
    paragraphs = tuple(p for p in raw["text"].split("\n") if p.strip())
    return Document(f"bench_{which}", raw["side"], raw["language"], "readout",
                    f"https://example.org/{case.id}/{which}", "Telephone conversation",
                    NOW, paragraphs)


def pairs() -> list[tuple[CallRow, list[Document]]]:
    found = []
    for case in divergence_cases(CASES):
        row = CallRow(case.id, "phone", ("putin", "xi"), NOW, sides=("CN", "RU"))
        found.append((row, [account(case, "a"), account(case, "b")]))
    return found


def main() -> None:
    analyser = Analyser(load_settings(env={}))
    work = pairs()
    characters = sum(len(doc.text) for _, docs in work for doc in docs)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < SECONDS:
        for row, docs in work:
            analyser.analyse(row, docs, (), NOW)
        done += len(work)
    elapsed = time.perf_counter() - start
    print(f"analysis: {done / elapsed:,.0f} call pairs/s on one core "
          f"({done} pairs in {elapsed:.1f} s; {len(work)} distinct pairs, "
          f"~{characters // len(work)} characters each, {len(analyser.topics.topics)} topics)")


if __name__ == "__main__":
    main()
