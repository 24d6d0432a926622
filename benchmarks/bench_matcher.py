"""Matcher time with 1k, 10k and 100k stored documents (synthetic but realistic).

The store gets a constant density of documents per day (so more documents = a longer period):
Kremlin EN+RU readouts of calls with a dozen counterparts, Ushakov commentaries, Xinhua EN/ZH
and MFA readouts of the same calls published hours later, plus non-call news and press.
`CallService.update` then matches them all from scratch. Candidates are blocked by leader pair and
time, so the time per document should stay flat: near-linear growth. While it runs, the size of
SQLite's write-ahead log is sampled (the load before it is checkpointed first): its peak is
compared with the database's size.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rashomon.app import Rashomon
from rashomon.models import Document
from rashomon.settings import load_settings
from rashomon.store import Store

SIZES = (1_000, 10_000, 100_000)
DOCS_PER_DAY = 40
START = datetime(2015, 1, 1, tzinfo=UTC)
# counterpart id: (English title, Russian title, Chinese name or None when China is not involved)
COUNTERPARTS = {
    "xi": ("President of China Xi Jinping", "Председателем КНР Си Цзиньпином", "习近平"),
    "macron": ("President of France Emmanuel Macron", "Президентом Франции Эмманюэлем Макроном",
               None),
    "erdogan": ("President of Türkiye Recep Tayyip Erdogan", "Президентом Турции Реджепом Тайипом "
                "Эрдоганом", None),
    "lukashenko": ("President of Belarus Alexander Lukashenko", "Президентом Белоруссии "
                   "Александром Лукашенко", None),
    "tokayev": ("President of Kazakhstan Kassym-Jomart Tokayev", "Президентом Казахстана "
                "Касым-Жомартом Токаевым", None),
    "modi": ("Prime Minister of India Narendra Modi", "Премьер-министром Индии Нарендрой Моди",
             None),
}
XI_CALLS = {"putin": "俄罗斯总统普京", "macron": "法国总统马克龙", "lula": "巴西总统卢拉",
            "modi": "印度总理莫迪"}
EN_BODY = ("The leaders discussed trade and energy cooperation, the situation around Ukraine and "
           "coordination within BRICS and the SCO. They agreed to maintain regular contacts.")
ZH_BODY = "双方就经贸、能源合作以及乌克兰危机交换了意见，同意在金砖国家和上合组织框架内加强协调。"


def kremlin(event: int, when: datetime, counterpart: str, kind: str = "readout") -> list[Document]:
    en, ru, _ = COUNTERPARTS[counterpart]
    title_en = (f"Telephone conversation with {en}" if kind == "readout" else
                f"Commentary by Presidential Aide Yury Ushakov on the conversation with {en}")
    title_ru = (f"Телефонный разговор с {ru}" if kind == "readout" else
                f"Комментарий помощника Президента Юрия Ушакова о разговоре с {ru}")
    return [
        Document("kremlin_en", "RU", "en", kind, f"http://en.kremlin.ru/events/{event}", title_en,
                 when, (f"Vladimir Putin had a telephone conversation with {en}.", EN_BODY),
                 external_id=str(event)),
        Document("kremlin_ru", "RU", "ru", kind, f"http://kremlin.ru/events/{event}", title_ru,
                 when, (f"Состоялся телефонный разговор Владимира Путина с {ru}.",),
                 external_id=str(event)),
    ]


def chinese(number: int, when: datetime, other: str) -> list[Document]:
    zh_other = XI_CALLS[other]
    later = when + timedelta(hours=5)
    return [
        Document("xinhua_zh", "CN", "zh", "readout", f"https://www.news.cn/{number}/c.html",
                 f"习近平同{zh_other}通电话", later,
                 (f"国家主席习近平同{zh_other}通电话。", ZH_BODY)),
        Document("mfa_en", "CN", "en", "readout", f"https://www.mfa.gov.cn/eng/{number}.html",
                 f"President Xi Jinping Speaks with {other.title()} on the Phone",
                 later + timedelta(hours=1),
                 (f"President Xi Jinping spoke with {other.title()} on the phone.", EN_BODY)),
    ]


def noise(number: int, when: datetime, rng: random.Random) -> Document:
    kinds = [
        ("kremlin_en", "RU", "en", "readout", "Meeting with Government members",
         "Vladimir Putin held a meeting with Government members on the economy."),
        ("xinhua_en", "CN", "en", "readout", "Xi inspects a province in the north",
         "Chinese President Xi Jinping inspected enterprises and villages."),
        ("press_bbc_world", "press", "en", "press", "Putin and Xi: what to expect",
         "Vladimir Putin and Xi Jinping are expected to meet later this year."),
    ]
    source, side, language, kind, title, text = rng.choice(kinds)
    return Document(source, side, language, kind, f"https://example.org/{source}/{number}",
                    title, when, (text,))


def synthetic(size: int, seed: int = 7) -> list[Document]:
    """`size` documents, about half of them accounts of calls, in a realistic mix."""
    rng, docs, event = random.Random(seed), [], 10_000
    while len(docs) < size:
        when = START + timedelta(minutes=rng.randrange(size * 24 * 60 // DOCS_PER_DAY))
        event += 1
        if rng.random() < 0.15:
            counterpart = rng.choice(list(COUNTERPARTS))
            docs += kremlin(event, when, counterpart)
            docs += chinese(event, when, "putin") if counterpart == "xi" else []
            if rng.random() < 0.3:
                docs += kremlin(event + 500_000, when + timedelta(hours=3), counterpart,
                                "commentary")
        elif rng.random() < 0.1:
            docs += chinese(event, when, rng.choice(["macron", "lula", "modi"]))
        else:
            docs.append(noise(event, when, rng))
    return docs[:size]


class WalPeak:
    """The largest size the write-ahead log file of `database` reached while sampled."""

    def __init__(self, database: Path) -> None:
        self.path, self.peak = Path(f"{database}-wal"), 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            with contextlib.suppress(FileNotFoundError):
                self.peak = max(self.peak, self.path.stat().st_size)

    def __enter__(self) -> WalPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def database_bytes(database: Path) -> int:
    """The database's own size (its pages), whatever the log still holds."""
    with contextlib.closing(sqlite3.connect(database)) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        return int(pages * connection.execute("PRAGMA page_size").fetchone()[0])


def checkpoint(database: Path) -> None:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def run(size: int, folder: Path) -> tuple[float, int, float]:
    """Seconds, calls found, and the log's peak as a multiple of the database's size."""
    database = folder / f"bench-{size}.db"
    store = Store.open(f"sqlite:///{database}")
    store.documents.save_all(replace(d, fetched_at=d.published_at) for d in synthetic(size))
    checkpoint(database)
    service = Rashomon(load_settings(env={}), store=store).calls
    now = START + timedelta(days=size // DOCS_PER_DAY + 30)
    with WalPeak(database) as wal:
        start = time.perf_counter()
        service.update(now)
        elapsed = time.perf_counter() - start
    with store.calls.begin() as calls:
        count = len(calls.all())
    store.close()
    return elapsed, count, wal.peak / database_bytes(database)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = None
        for size in SIZES:
            elapsed, calls, wal = run(size, Path(folder))
            per_doc = elapsed / size * 1e6
            base = base or per_doc
            print(f"matcher: {size:>7,} documents → {calls:>6,} calls in {elapsed:6.2f} s "
                  f"({per_doc:5.0f} µs/document, ×{per_doc / base:.2f} of the 1k rate); "
                  f"write-ahead log at most {wal:.2f}× the database", flush=True)


if __name__ == "__main__":
    main()
