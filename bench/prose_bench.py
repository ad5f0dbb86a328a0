"""`make bench`: reading time and clicks per notebook, from the notebooks' files (no kernel, no browser).

Reading time is markdown words / 200 per minute (HTML tags, link targets and markdown symbols are not
words; code shown in markdown is). Clicks are what a learner following the prose does: one Shift+Enter per
code cell, plus one press for each button the prose names (a label of a button in helpers/ui, written
in bold or in quotes in the notebook's markdown, counted once per mention).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 200
_WORD = re.compile(r"[A-Za-z0-9]")


def markdown_words(text: str) -> int:
    """Words a learner reads in one markdown cell's source."""
    text = re.sub(r"<[^>]+>", " ", text)  # tags (the words inside <details> still count)
    text = re.sub(r"\]\([^)]*\)", "] ", text)  # a link's target is not read
    return sum(1 for token in text.split() if _WORD.search(token))


def button_labels(ui: Path = ROOT / "helpers" / "ui") -> set[str]:
    """Every constant label of a Button/ToggleButton in the forms, and the values of their *_LABELS dicts."""
    labels: set[str] = set()
    for path in sorted(ui.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name.endswith("Button"):
                    for kw in node.keywords:
                        if kw.arg == "description" and isinstance(kw.value, ast.Constant):
                            labels.add(str(kw.value.value))
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                if any(isinstance(t, ast.Name) and t.id.endswith("_LABELS") for t in node.targets):
                    labels.update(str(v.value) for v in node.value.values if isinstance(v, ast.Constant))
    return {label for label in labels if label.strip()}


def named_presses(text: str, labels: set[str]) -> int:
    """How many times the markdown tells the learner to press one of *labels* (bold or quoted)."""
    count = 0
    for label in labels:
        quoted = re.escape(label)
        count += len(re.findall(rf"\*\*{quoted}\*\*|\"{quoted}\"|“{quoted}”|'{quoted}'", text))
    return count


def measure(folder: Path = ROOT / "notebooks") -> dict[str, dict]:
    """Per notebook: markdown words, reading minutes, code cells, buttons named, clicks."""
    labels = button_labels()
    figures: dict[str, dict] = {}
    for path in sorted(folder.glob("[0-9][0-9]-*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        words = sum(markdown_words(text) for text in markdown)
        code = sum(1 for c in cells if c["cell_type"] == "code")
        presses = sum(named_presses(text, labels) for text in markdown)
        figures[path.stem] = {
            "words": words,
            "minutes": words / WORDS_PER_MINUTE,
            "code_cells": code,
            "buttons_named": presses,
            "clicks": code + presses,
        }
    return figures


def run() -> dict:
    figures = measure()
    print(f"  {'notebook':<28} {'words':>6} {'reading':>8} {'cells':>6} {'buttons':>8} {'clicks':>7}")
    for stem, f in figures.items():
        print(
            f"  {stem:<28} {f['words']:6d} {f['minutes']:6.1f} m {f['code_cells']:6d} "
            f"{f['buttons_named']:8d} {f['clicks']:7d}"
        )
    words = sum(f["words"] for f in figures.values())
    clicks = sum(f["clicks"] for f in figures.values())
    print(
        f"  all {len(figures)} notebooks: {words} words, {words / WORDS_PER_MINUTE:.1f} minutes of reading "
        f"at {WORDS_PER_MINUTE} words a minute; {clicks} clicks (a Shift+Enter per code cell, a press per button named)"
    )
    return {"per_notebook": figures, "words": words, "minutes": words / WORDS_PER_MINUTE, "clicks": clicks}


if __name__ == "__main__":
    run()
