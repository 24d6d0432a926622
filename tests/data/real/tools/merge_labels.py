"""Build each call's `labels.toml` from the two blind labellings and the adjudication.

Where labellers A and B agree on a (side, topic) — topic, borderline or neither — that is the
label; where they disagree, the adjudicator's decision in `adjudication*.toml` (one file per
labelling round) is. Run from the repository root:
`python tests/data/real/tools/merge_labels.py`; it prints how many disagreements were decided.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATUSES = ("yes", "border", "no")


def status(labels: dict, side: str, topic: str) -> str:
    body = labels["sides"].get(side, {})
    if topic in body.get("topics", []):
        return "yes"
    return "border" if topic in body.get("borderline", []) else "no"


def topics_of(labels: dict) -> set[str]:
    return {t for body in labels["sides"].values()
            for t in (*body.get("topics", []), *body.get("borderline", []))}


def merge(folder: Path, decisions: dict) -> tuple[str, int, int]:
    a = tomllib.loads((folder / "labels.A.toml").read_text(encoding="utf-8"))
    b = tomllib.loads((folder / "labels.B.toml").read_text(encoding="utf-8"))
    sides = sorted(set(a["sides"]) | set(b["sides"]))
    merged = {side: {"topics": [], "borderline": []} for side in sides}
    adjudicated, cells = [], 0
    for side in sides:
        for topic in sorted(topics_of(a) | topics_of(b)):
            sa, sb = status(a, side, topic), status(b, side, topic)
            final = sa
            if sa != sb:
                decision = decisions[(folder.name, side, topic)]
                final = decision["status"]
                adjudicated.append({"side": side, "topic": topic, "a": sa, "b": sb,
                                    "decision": final, "reason": decision["reason"]})
            if final == "yes":
                merged[side]["topics"].append(topic)
            elif final == "border":
                merged[side]["borderline"].append(topic)
            cells += 1
    return render(merged, adjudicated, a["guide"]), len(adjudicated), cells


def render(merged: dict, adjudicated: list[dict], guide: str) -> str:
    lines = ["# Adjudicated labels (see ../../GUIDE.md): labellers A and B labelled this call",
             "# independently and blind; where they disagreed, adjudicator C decided (listed",
             "# below). Written by tools/merge_labels.py; do not edit by hand.",
             'labellers = ["A", "B"]', 'adjudicator = "C"', f'guide = "{guide}"', "blind = true",
             ""]
    for side, body in merged.items():
        lines += [f"[sides.{side}]", f"topics = {json.dumps(body['topics'])}",
                  f"borderline = {json.dumps(body['borderline'])}", ""]
    for item in adjudicated:
        lines += ["[[adjudicated]]"] + [
            f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in item.items()
        ] + [""]
    return "\n".join(lines)


def main() -> None:
    decisions = {}
    for path in sorted(ROOT.glob("adjudication*.toml")):  # one file per labelling round
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        decisions.update({(d["call"], d["side"], d["topic"]): d for d in raw["decision"]})
    total_disagreements = total_cells = 0
    for folder in sorted((ROOT / "calls").iterdir()):
        text, disagreements, cells = merge(folder, decisions)
        (folder / "labels.toml").write_text(text, encoding="utf-8")
        total_disagreements += disagreements
        total_cells += cells
    print(f"{total_disagreements} disagreements decided by the adjudicator "
          f"({total_cells} side-topic cells with a label from either labeller)")


if __name__ == "__main__":
    main()
