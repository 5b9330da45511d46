"""Words of card text, as the index stores them and as a query is read."""

from __future__ import annotations

import re

# Letters and digits of any script; '_' and punctuation separate words.
WORD = re.compile(r"[^\W_]+")
STOP = frozenset(
    "a an and are as at be by do does for from how in is it of on or the to vs what when "
    "where which why with you your".split()
)


def words(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """The lowercase words of ``text``, without the little ones unless asked."""
    found = WORD.findall(text.lower())
    return found if keep_stopwords else [w for w in found if w not in STOP]


def phrase(text: str) -> str:
    """``text`` reduced to its words: how ids, aliases and tags are compared to a query."""
    return " ".join(WORD.findall(text.lower()))
