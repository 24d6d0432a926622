"""Analysis speed: call pairs compared per second on one core, and `rashomon diff` start-up.

Two workloads, each analysed like a stored call (topics with evidence, framing, one-sided
state) by the daemon's `Analyser`:
- **mixed ~2 KB pairs**: accounts of about 2,000 characters built from the labelled tables'
  texts (tests/data/divergence_cases.toml), English, Russian and Chinese, paired across
  languages as the Kremlin's and Xinhua's accounts are;
- **real pairs**: the development part of the real-readout corpus (tests/data/real/), each
  side's documents read as `rashomon diff` reads them (the page text is read once, outside
  the timing).
Each figure is the median of `REPEATS` runs of `SECONDS` seconds of this process's CPU time
(`time.process_time`: what one core does, whatever else the machine is doing).
The start-up figure is the median wall time of `STARTS` runs of `rashomon diff --json` on two
real accounts, as a user runs it.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from itertools import cycle
from pathlib import Path

from rashomon.analysis.analyser import Analyser
from rashomon.analysis.corpus import CorpusScorer, RealCall, load_corpus
from rashomon.analysis.diff import read_text
from rashomon.analysis.evaluation import divergence_cases
from rashomon.app import Rashomon
from rashomon.models import Document
from rashomon.settings import load_settings
from rashomon.store.calls import CallRow

ROOT = Path(__file__).parent.parent
CASES = ROOT / "tests" / "data" / "divergence_cases.toml"
CORPUS = ROOT / "tests" / "data" / "real"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
SECONDS = 2.0
REPEATS = 5
STARTS = 7
TARGET_CHARS = 2000
Pair = tuple[CallRow, list[Document]]


def account(side: str, language: str, text: str, number: int) -> Document:
    paragraphs = tuple(p for p in text.split("\n") if p.strip())
    return Document(f"bench_{side}", side, language, "readout",
                    f"https://example.org/{number}/{side}", "Telephone conversation", NOW,
                    paragraphs)


def texts_by_language() -> dict[str, list[str]]:
    """Every labelled account text, grouped by its language."""
    found: dict[str, list[str]] = {}
    for case in divergence_cases(CASES):
        for raw in (case.a, case.b):
            found.setdefault(raw["language"], []).append(raw["text"].strip())
    return found


def two_kilobytes(texts: list[str], start: int) -> str:
    """Texts of one language joined (from `start`, round the list) to ~`TARGET_CHARS`."""
    parts: list[str] = []
    for text in cycle(texts[start:] + texts[:start]):
        if sum(len(p) for p in parts) >= TARGET_CHARS:
            break
        parts.append(text)
    return "\n".join(parts)


def mixed_pairs() -> list[Pair]:
    """RU/CN pairs of ~2 KB accounts: ru–zh, en–zh, ru–en, en–en."""
    texts = texts_by_language()
    combos = [("ru", "zh"), ("en", "zh"), ("ru", "en"), ("en", "en")]
    found = []
    for number in range(24):
        ru_lang, cn_lang = combos[number % len(combos)]
        docs = [account("RU", ru_lang, two_kilobytes(texts[ru_lang], number), number),
                account("CN", cn_lang, two_kilobytes(texts[cn_lang], number + 1), number)]
        found.append((CallRow(f"mixed-{number}", "phone", ("putin", "xi"), NOW,
                              sides=("CN", "RU")), docs))
    return found


def real_pairs(scorer: CorpusScorer) -> list[Pair]:
    return [_real_pair(call, scorer, number)
            for number, call in enumerate(load_corpus(CORPUS, "dev"))]


def _real_pair(call: RealCall, scorer: CorpusScorer, number: int) -> Pair:
    docs = [account(side, language, read_text(call.folder / file, scorer.rules), number)
            for side, language, file in call.documents]
    row = CallRow(call.id, "phone", ("putin", "xi"), NOW, sides=call.sides)
    return row, docs


def throughput(analyser: Analyser, work: list[Pair]) -> float:
    """Median pairs per CPU second over `REPEATS` runs of `SECONDS` CPU seconds each."""
    rates = []
    for _ in range(REPEATS):
        done, start = 0, time.process_time()
        while time.process_time() - start < SECONDS:
            for row, docs in work:
                analyser.analyse(row, docs, (), NOW)
            done += len(work)
        rates.append(done / (time.process_time() - start))
    return statistics.median(rates)


def startup() -> float:
    """Median wall time of `rashomon diff --json A B` on a real pair, as a person runs it."""
    call = next(c for c in load_corpus(CORPUS, "dev") if c.id == "2022-07-28-biden-xi-phone")
    files = [str(call.folder / file) for _, _, file in call.documents]
    command = [str(Path(sys.executable).parent / "rashomon"), "diff", *files, "--json"]
    times = []
    for _ in range(STARTS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, analyser: Analyser, work: list[Pair]) -> None:
    size = sum(len(doc.text) for _, docs in work for doc in docs) // len(work) // 2
    rate = throughput(analyser, work)
    print(f"analysis, {name}: {rate:,.0f} call pairs/s on one core (median of {REPEATS} runs; "
          f"{len(work)} pairs, ~{size:,} characters per account, "
          f"{len(analyser.topics.topics)} topics)")


def main() -> None:
    settings = load_settings(env={})
    analyser = Rashomon(settings).analyser
    report("mixed EN/RU/ZH ~2 KB pairs", analyser, mixed_pairs())
    report("real readout pairs (corpus dev part)", analyser, real_pairs(CorpusScorer(settings)))
    print(f"rashomon diff start-up and answer: {startup():.2f} s (median of {STARTS} runs)")


if __name__ == "__main__":
    main()
