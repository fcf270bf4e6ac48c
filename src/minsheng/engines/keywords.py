"""Keywords typed as one line of text, split the same way everywhere: applications, expert profiles, people.

People separate keywords with whatever their keyboard gives them: a comma or semicolon, half- or full-width (, ，
; ；), the enumeration comma 、, or a new line. Spaces are not separators: “machine learning” is one keyword.
"""

import re

SEPARATORS = re.compile(r"[,，;；、\r\n]+")
CANONICAL_SEPARATOR = "、"


def split_keywords(text: str | None) -> list[str]:
    """The keywords of `text`, in order, trimmed, each once (ignoring case)."""
    seen: dict[str, str] = {}
    for word in SEPARATORS.split(text or ""):
        word = word.strip()
        if word and word.casefold() not in seen:
            seen[word.casefold()] = word
    return list(seen.values())


def join_keywords(text: str | None) -> str:
    """`text` with its keywords separated the one way the platform stores them (、), so what is saved reads as the
    keywords it was counted as."""
    return CANONICAL_SEPARATOR.join(split_keywords(text))
