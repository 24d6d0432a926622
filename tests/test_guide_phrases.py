"""The labelling guide's own examples (tests/data/real/GUIDE.md, "The topics") are found.

The guide is the specification the real corpus is labelled by; every example it gives of how a
text raises a watched topic is put here in a plain English sentence, and the analysis must find
that topic in it. Two kinds of example are left out on purpose, because the words alone cannot
tell them apart from what the guide excludes: bare "negotiations" (the leaders' own talks and
trade negotiations are not the topic) and "arms supplies" (military aid to a third country is
not military cooperation between the two sides).
"""

from __future__ import annotations

import pytest

from rashomon.analysis.topics import TopicIndex
from rashomon.settings import load_settings

EXAMPLES = {
    "ukraine": ["They discussed the special military operation.", "They discussed Donbas.",
                "They discussed the Minsk agreements.", "They discussed the Normandy format."],
    "taiwan": ["They discussed the Taiwan Strait.", "He reaffirmed the one-China policy.",
               "He supports the peaceful reunification of China."],
    "xinjiang": ["They discussed Xinjiang.", "They discussed the Uyghurs."],
    "hong_kong": ["They discussed Hong Kong."],
    "tibet": ["They discussed Tibet.", "They discussed the Dalai Lama."],
    "south_china_sea": ["They discussed the South China Sea."],
    "military": ["The two sides agreed to maintain mil-to-mil communication.",
                 "They agreed to hold defence policy talks.",
                 "They discussed contacts between the two countries' armed forces.",
                 "The defence ministries of the two countries will deepen coordination.",
                 "They welcomed the joint exercises.", "They noted the joint patrols.",
                 "They discussed military-technical cooperation."],
    "relations_level": ["Relations are at an all-time high.", "Relations are the best in history.",
                        "Relations are at an unprecedented level.",
                        "Relations have reached a historically high level."],
    "visit": ["The President invited him to visit Moscow.", "He accepted the invitation.",
              "The leaders agreed to meet soon.",
              "He looks forward to seeing the President in Beijing.",
              "He will attend the summit in Kazan.",
              "They discussed preparations for the upcoming meeting."],
    "united_states": ["They discussed the United States.", "They discussed America.",
                      "Washington imposed new duties.", "The American side disagreed.",
                      "The US administration disagreed."],
    "external_forces": ["They opposed external forces.", "They opposed outside interference.",
                        "No third countries should take part.", "Some countries stoke tension.",
                        "Certain forces seek confrontation.",
                        "Forces outside the region should stay away."],
    "nato": ["They discussed NATO.", "They discussed NATO enlargement.",
             "They discussed security guarantees in Europe.", "Military blocs should not expand."],
    "sanctions": ["They discussed sanctions.", "They opposed unilateral restrictive measures.",
                  "They discussed export controls.", "They discussed the entity list.",
                  "They discussed investment restrictions."],
    "sovereignty": ["They respect each other's sovereignty.",
                    "They support each other's territorial integrity.",
                    "They support each other's core interests.",
                    "They support national unity and territorial integrity."],
    "peace_talks": ["They called for a political settlement.", "They sought a diplomatic solution.",
                    "They supported peace talks.", "They called for a ceasefire.",
                    "They welcomed the truce.", "They discussed the peace plan.",
                    "They discussed the peace formula.", "He supports promoting peace talks.",
                    "Dialogue and diplomacy are the only way to end the conflict."],
    "legitimacy": ["He noted the legitimacy of Russia's actions.",
                   "He expressed understanding of Russia's actions.",
                   "He expressed respect for the measures taken.",
                   "He supports the measures the Chinese side takes to safeguard its security."],
    "global_initiatives": ["They discussed the Belt and Road.",
                           "They discussed One Belt, One Road.",
                           "They discussed the Silk Road Economic Belt.",
                           "They discussed the Global Development Initiative.",
                           "They discussed the Global Security Initiative.",
                           "They discussed the Global Civilization Initiative."],
    "middle_east": ["They discussed Gaza.", "They discussed Syria.", "They discussed the JCPOA.",
                    "They discussed the Houthis.", "They discussed the Red Sea.",
                    "They discussed the Gulf states."],
    "korea": ["They discussed the Korean Peninsula.", "They discussed the DPRK.",
              "They discussed North Korea.",
              "They called for denuclearization of the Korean Peninsula."],
    "elections": ["He congratulated him on his re-election.", "They discussed the referendum.",
                  "They discussed election interference."],
    "interference": ["They opposed interference in internal affairs.",
                     "They upheld the principle of non-interference.",
                     "They opposed colour revolutions.",
                     "They oppose using human rights as a pretext to interfere."],
}
CASES = [(topic, sentence) for topic, sentences in EXAMPLES.items() for sentence in sentences]


@pytest.fixture(scope="module")
def index() -> TopicIndex:
    return TopicIndex.build(load_settings(env={}).topics)


@pytest.mark.parametrize(("topic", "sentence"), CASES, ids=[f"{t}: {s}" for t, s in CASES])
def test_the_guides_example_is_found(index: TopicIndex, topic: str, sentence: str) -> None:
    assert topic in index.sentence_topics(sentence, "en")


def test_america_names_the_country_but_latin_america_does_not(index: TopicIndex) -> None:
    assert "united_states" not in index.sentence_topics("They discussed Latin America.", "en")
    assert "relations_level" not in index.sentence_topics(
        "Trade is expected to hit a historic high again this year.", "en")
