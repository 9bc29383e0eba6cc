"""Splitting many texts into requests the server accepts: pure, no I/O.

The server bounds one /predict/batch or OIP infer request by a number of texts
(--max-batch-texts, default 256), the UTF-8 size of the texts together (65536 bytes) and the
body size (--max-body-bytes, default 65536). It does not publish its configured count (the
OpenAPI document states the default, 256), but its refusal says it: a 422 "List should have
at most N items" or an OIP 413 "too many texts: at most N per request". `limit_from_message`
reads N from those, so the client can adapt to a server configured lower than it was told.
"""
from __future__ import annotations

import json
import re
from typing import Iterator, List, Optional, Sequence

DEFAULT_MAX_BATCH_TEXTS = 256
DEFAULT_MAX_BATCH_TEXT_BYTES = 65536
DEFAULT_MAX_BODY_BYTES = 65536
# The JSON around the texts ({"texts":[...],"model":"...","explain":true} or the OIP
# envelope), with room to spare.
ENVELOPE_BYTES = 512

_COUNT_LIMIT = re.compile(r"at most (\d+) (?:items|per request)")


def limit_from_message(message: str) -> Optional[int]:
    """N from the server's too-many-texts refusal, None for any other message."""
    match = _COUNT_LIMIT.search(message)
    if match is None:
        return None
    value = int(match.group(1))
    return value if value >= 1 else None


def chunks(texts: Sequence[str], *, max_texts: int, max_text_bytes: int = DEFAULT_MAX_BATCH_TEXT_BYTES,
           max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> Iterator[range]:
    """Index ranges of consecutive texts, each within every bound. A single text that alone
    exceeds a byte bound gets a range of its own (the server then says what is wrong)."""
    if max_texts < 1:
        raise ValueError("max_texts must be at least 1")
    body_budget = max(max_body_bytes - ENVELOPE_BYTES, 1)
    start = 0
    count = 0
    text_bytes = 0
    body_bytes = 0
    for index, text in enumerate(texts):
        size = len(text.encode("utf-8"))
        encoded = len(json.dumps(text, ensure_ascii=False).encode("utf-8")) + 1  # and a comma
        if count and (count >= max_texts or text_bytes + size > max_text_bytes
                      or body_bytes + encoded > body_budget):
            yield range(start, index)
            start, count, text_bytes, body_bytes = index, 0, 0, 0
        count += 1
        text_bytes += size
        body_bytes += encoded
    if count:
        yield range(start, len(texts))


def as_list(texts: Sequence[str]) -> List[str]:
    """The texts as a list, refusing a lone string (a str is a Sequence[str] of characters,
    and scoring each character separately is never what the caller meant)."""
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of strings, not a string")
    out = list(texts)
    for text in out:
        if not isinstance(text, str):
            raise TypeError("every text must be a str")
    return out
