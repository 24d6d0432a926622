"""Print the corpus README's table of documents from the calls' `meta.toml` files.

`python tests/data/real/tools/provenance.py` writes the Markdown table between the README's
`<!-- documents -->` markers; tests/test_real_corpus.py checks that the README is current.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- documents -->", "<!-- /documents -->"


def rows() -> list[str]:
    lines = ["| call | file | publisher | official address | taken from | captured | licence |",
             "|---|---|---|---|---|---|---|"]
    for folder in sorted((ROOT / "calls").iterdir()):
        meta = tomllib.loads((folder / "meta.toml").read_text(encoding="utf-8"))
        for doc in meta["documents"]:
            reprint = " (reprint)" if doc.get("reprint") else ""
            cells = [folder.name, doc["file"], doc["publisher"] + reprint, doc["url"],
                     doc["source"], str(doc["captured"]), doc["licence"]]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return lines


def table() -> str:
    return "\n".join([START, *rows(), END])


def current(readme: str) -> str:
    """The README with its table replaced by the one the metadata gives."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return head + table() + tail


if __name__ == "__main__":
    path = ROOT / "README.md"
    path.write_text(current(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{path}: {len(rows()) - 2} documents", file=sys.stderr)
