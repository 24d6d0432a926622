"""Recognising call documents: type, participants (the implied host), initiator, companions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rashomon.analysis.recognise import Recogniser
from rashomon.models import Document
from rashomon.settings import load_settings

SETTINGS = load_settings(env={})
RECOGNISER = Recogniser.build(SETTINGS.leaders, SETTINGS.analysis)

# (side, language, kind, title, opening, date) → (type, participants, initiator) or None
CASES = [
    pytest.param("RU", "ru", "readout", "Телефонный разговор с Председателем КНР Си Цзиньпином",
                 "Состоялся телефонный разговор с Председателем Китайской Народной Республики.",
                 "2022-06-15", ("phone", ("putin", "xi"), None), id="kremlin-ru-host-implied"),
    pytest.param("RU", "en", "readout",
                 "Telephone conversation with President of People's Republic of China Xi Jinping",
                 "Vladimir Putin had a telephone conversation.", "2024-02-08",
                 ("phone", ("putin", "xi"), None), id="kremlin-en-title"),
    pytest.param("RU", "en", "readout", "Russian-Chinese talks",
                 "Vladimir Putin and President of China Xi Jinping held talks via videoconference.",
                 "2022-12-30", ("video", ("putin", "xi"), None),
                 id="kremlin-talks-title-video-opening"),
    pytest.param("CN", "zh", "readout", "习近平同俄罗斯总统普京举行视频会晤",
                 "国家主席习近平30日下午同俄罗斯总统普京举行视频会晤。", "2022-12-30",
                 ("video", ("putin", "xi"), None), id="xinhua-zh-video"),
    pytest.param("CN", "zh", "readout", "习近平同法国总统马克龙通电话",
                 "国家主席习近平应约同法国总统马克龙通电话。", "2023-04-01",
                 ("phone", ("macron", "xi"), "macron"), id="zh-yingyue-initiator"),
    pytest.param("CN", "en", "readout",
                 "President Xi Jinping Speaks with Russian President Vladimir Putin on the Phone",
                 "President Xi spoke with Putin on the phone at the request of the latter.",
                 "2022-05-03", ("phone", ("putin", "xi"), "putin"), id="mfa-en-latter"),
    pytest.param("US", "en", "readout",
                 "Readout of President Joseph R. Biden, Jr. Call with President Xi Jinping of "
                 "the People’s Republic of China",
                 "President Joseph R. Biden, Jr. spoke today with President Xi Jinping.",
                 "2021-09-09", ("phone", ("biden", "xi"), None), id="white-house-call-with"),
    pytest.param("US", "en", "readout",
                 "Readout of President Joe Biden’s Meeting with President Xi Jinping of the "
                 "People’s Republic of China",
                 "President Joseph R. Biden Jr. met with President Xi Jinping in Lima, Peru today. "
                 "This meeting follows their April 2, 2024, telephone call.", "2024-11-16",
                 ("talks", ("biden", "xi"), None), id="white-house-possessive-meeting-with"),
    pytest.param("RU", "ru", "readout", "Телефонный разговор с Президентом США Дональдом Трампом",
                 "По инициативе американской стороны состоялся телефонный разговор.",
                 "2025-03-18", ("phone", ("putin", "trump"), "trump"),
                 id="ru-initiative-side-resolved-by-date"),
    pytest.param("RU", "en", "readout", "Telephone conversation with US President",
                 "Vladimir Putin had a telephone conversation with the US President.",
                 "2022-03-01", ("phone", ("biden", "putin"), None), id="title-resolves-to-biden"),
    pytest.param("RU", "en", "readout", "Telephone conversation with President of China",
                 "Dmitry Medvedev had a telephone conversation.", "2010-05-08",
                 ("phone", ("hu_jintao", "medvedev"), None), id="terms-of-office-2010"),
    pytest.param("RU", "en", "commentary", "Commentary by Presidential Aide Yury Ushakov",
                 "Yury Ushakov commented on the telephone conversation between Vladimir Putin "
                 "and Xi Jinping.", "2022-06-15", ("phone", ("putin", "xi"), None),
                 id="commentary-names-in-opening"),
    pytest.param("RU", "en", "readout", "Meeting with Security Council members",
                 "Putin told them about his telephone conversation with Xi Jinping.",
                 "2022-06-15", None, id="meeting-mentioning-a-call-is-not-a-call"),
    pytest.param("CN", "en", "readout", "Xi sends congratulatory message to Putin",
                 "Xi congratulated Putin on Russia Day.", "2022-06-12", None,
                 id="message-is-not-a-call"),
    pytest.param("press", "en", "press", "Putin and Xi talk by phone",
                 "Vladimir Putin and Xi Jinping held a phone call.", "2022-06-15", None,
                 id="press-is-never-a-call-document"),
    pytest.param("RU", "en", "readout", "Telephone conversation with Governor of Tula Region",
                 "Vladimir Putin had a telephone conversation.", "2022-06-15", None,
                 id="unknown-counterpart"),
    # Issue 8.4: the host leader is not implied when the text names another official.
    pytest.param("CN", "zh", "readout", "王毅会见德国总理默克尔",
                 "中共中央政治局委员、中央外办主任王毅在柏林会见德国总理默克尔。", "2021-02-16",
                 None, id="zh-leader-meets-another-official"),
    pytest.param("CN", "en", "readout", "German Chancellor Merkel meets Chinese top diplomat",
                 "German Chancellor Angela Merkel met with Wang Yi, director of the Office of the "
                 "Central Foreign Affairs Commission.", "2021-02-16", None,
                 id="en-leader-meets-top-diplomat"),
    pytest.param("RU", "en", "readout", "Meeting with Minister of Foreign Affairs of China Wang Yi",
                 "Vladimir Putin met with Foreign Minister of China Wang Yi, who was in Moscow "
                 "for talks.", "2024-04-09", None, id="en-host-meets-foreign-minister"),
    pytest.param("RU", "ru", "readout", "Встреча с Министром иностранных дел КНР Ван И",
                 "Владимир Путин встретился с Министром иностранных дел Китая Ван И.",
                 "2024-04-09", None, id="ru-host-meets-foreign-minister"),
    # Issue 8.6: the possessive form of the initiator phrase, in every language.
    pytest.param("RU", "en", "readout", "Telephone conversation with President of China Xi Jinping",
                 "At the Chinese side's initiative, Vladimir Putin had a telephone conversation "
                 "with President of China Xi Jinping.", "2023-03-01",
                 ("phone", ("putin", "xi"), "xi"), id="en-possessive-initiative"),
    pytest.param("RU", "en", "readout", "Telephone conversation with US President Joseph Biden",
                 "Vladimir Putin had a telephone conversation with President of the United States "
                 "Joseph Biden at the American side’s request.", "2022-02-12",
                 ("phone", ("biden", "putin"), "biden"), id="en-possessive-request"),
    pytest.param("RU", "en", "readout", "Telephone conversation with US President Joseph Biden",
                 "The conversation was initiated by the American side.", "2022-02-12",
                 ("phone", ("biden", "putin"), "biden"), id="en-initiated-by-side"),
    pytest.param("CN", "zh", "readout", "习近平同美国总统拜登通电话",
                 "国家主席习近平应美方要求同美国总统拜登通电话。", "2022-07-28",
                 ("phone", ("biden", "xi"), "biden"), id="zh-at-the-us-sides-request"),
    # Issue 8.10: a joint event by video link, the title naming no one.
    pytest.param("RU", "en", "readout", "Launch of the Power of Siberia gas pipeline",
                 "Vladimir Putin and President of China Xi Jinping took part, via video link, in "
                 "the ceremony launching the Power of Siberia gas pipeline.", "2019-12-02",
                 ("video", ("putin", "xi"), None), id="joint-event-by-video-link"),
    pytest.param("RU", "en", "readout", "Meeting on economic issues",
                 "Vladimir Putin held a meeting via video link on economic issues. The President "
                 "mentioned his recent talks with Xi Jinping.", "2020-05-12", None,
                 id="a-video-meeting-mentioning-a-leader-is-not-a-call"),
]


def document(side: str, language: str, kind: str, title: str, opening: str, day: str) -> Document:
    published = datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)
    return Document("src", side, language, kind, "http://example.org/1", title, published,
                    (opening, "A second paragraph."))


@pytest.mark.parametrize(("side", "language", "kind", "title", "opening", "day", "expected"), CASES)
def test_recognise(side: str, language: str, kind: str, title: str, opening: str, day: str,
                   expected: tuple[str, tuple[str, ...], str | None] | None) -> None:
    recognition = RECOGNISER.recognise(document(side, language, kind, title, opening, day))
    if expected is None:
        assert recognition is None
    else:
        assert recognition is not None
        assert (recognition.type, recognition.participants, recognition.initiator) == expected


def test_an_interview_or_statement_is_not_an_account_of_a_call() -> None:
    for kind in ("interview", "statement", "press"):
        doc = document("RU", "en", kind, "Telephone conversation with President of China Xi "
                       "Jinping", "Vladimir Putin had a telephone conversation.", "2022-06-15")
        assert RECOGNISER.recognise(doc) is None, kind


def test_a_date_only_document_keeps_its_local_date() -> None:
    """Issue 8.5: Beijing midnight of 16 February is 15 February in UTC; the call is the 16th."""
    zones = {"xinhua_zh": "Asia/Shanghai"}
    recogniser = Recogniser.build(SETTINGS.leaders, SETTINGS.analysis, zones)
    midnight = datetime(2021, 2, 15, 16, 0, tzinfo=UTC)  # 2021-02-16 00:00 in Beijing
    opening = ("国家主席习近平同德国总理默克尔通电话。",)
    doc = Document("xinhua_zh", "CN", "zh", "readout", "http://example.org/2",
                   "习近平同德国总理默克尔通电话", midnight, opening)
    recognition = recogniser.recognise(doc)
    assert recognition is not None and recognition.date_only
    assert recognition.day.isoformat() == "2021-02-16"
    timed = Document("xinhua_zh", "CN", "zh", "readout", "http://example.org/3",
                     "习近平同德国总理默克尔通电话", midnight.replace(hour=9), opening)
    assert not recogniser.recognise(timed).date_only  # type: ignore[union-attr]


def test_occurrence_time_is_the_aware_utc_publication_time() -> None:
    doc = document("RU", "en", "readout", "Telephone conversation with President of China Xi "
                   "Jinping", "Vladimir Putin had a telephone conversation.", "2022-06-15")
    recognition = RECOGNISER.recognise(doc)
    assert recognition is not None and recognition.occurred_at == doc.published_at
    assert recognition.occurred_at.utcoffset() is not None and recognition.pair == "putin,xi"
