"""``procgen train text``: the text model on any studio's own writing.

A corpus is a text file of documents separated by blank lines, or a JSON file holding a list of
strings. The documents carry no conditions; the trainer is the one every kind of procgen text
uses (:func:`procgen.writing.train_writer`), so the report is the same: held-out loss per
character against the best interpolated character n-gram and an add-one bigram on a split the
model never saw.

Long documents are what make a character model lose to an n-gram within minutes: every step
sees a few characters of context. So the model reads subword pieces (:data:`MERGES_PER_CHAR`
merges per character of corpus, up to :data:`MAX_MERGES`), which triples the text a position
can see, and documents longer than :data:`MAX_CHARACTERS` are refused with a clear error rather
than cut silently.
"""

from __future__ import annotations

import json
from pathlib import Path

from procgen.assets import read_text
from procgen.errors import AssetFormatError
from procgen.writing import Example, WriterReport, train_writer

MERGES_PER_CHAR = 1 / 500
MAX_MERGES = 1000
MAX_CHARACTERS = 2000  # per document: a quest, a codex entry, a bark; not a chapter


def read_documents(path: Path) -> list[str]:
    """The documents of ``path``: a JSON list of strings, or blank-line separated text."""
    text = read_text(path)
    if path.suffix.lower() == ".json":
        try:
            loaded = json.loads(text)
        except ValueError as error:
            raise AssetFormatError(f"{path}: not JSON ({error})") from None
        if not isinstance(loaded, list) or not all(isinstance(d, str) for d in loaded):
            raise AssetFormatError(f"{path}: expected a JSON list of strings")
        documents = [d.strip() for d in loaded]
    else:
        paragraphs = "\n".join(line.rstrip() for line in text.splitlines()).split("\n\n")
        documents = [p.strip() for p in paragraphs]
    documents = [d for d in documents if d]
    for number, document in enumerate(documents, start=1):
        if len(document) > MAX_CHARACTERS:
            raise AssetFormatError(
                f"{path}: document {number} has {len(document)} characters; the text model "
                f"reads documents of at most {MAX_CHARACTERS} (split it at blank lines)"
            )
    return documents


def train_documents(
    data: Path,
    out: Path,
    *,
    steps: int | None = None,
    minutes: float | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> WriterReport:
    """Train the text model on the documents of ``data``; report held-out loss vs n-grams."""
    documents = read_documents(data)
    characters = sum(len(d) for d in documents)
    return train_writer(
        [Example((), document) for document in documents],
        out,
        kind="text",
        steps=steps,
        minutes=minutes,
        seed=seed,
        progress=progress,
        merges=min(MAX_MERGES, int(characters * MERGES_PER_CHAR)),
    )
