"""Splitting texts into requests within the server's limits (pure functions)."""
import json

import pytest

from secure_ml_api_client.batching import (ENVELOPE_BYTES, as_list, chunks,
                                           limit_from_message)


def spans(texts, **limits):
    return [(r.start, r.stop) for r in chunks(texts, **limits)]


def test_split_by_count_keeps_order_and_covers_everything():
    texts = [f"t{i}" for i in range(11)]
    assert spans(texts, max_texts=4) == [(0, 4), (4, 8), (8, 11)]
    assert spans(texts, max_texts=11) == [(0, 11)]
    assert spans([], max_texts=4) == []


def test_split_by_utf8_bytes_not_characters():
    texts = ["é" * 10] * 4  # 20 bytes each, 10 characters
    assert spans(texts, max_texts=100, max_text_bytes=40) == [(0, 2), (2, 4)]


def test_split_by_encoded_body_size_counts_json_escapes():
    texts = ['"' * 100] * 10  # each encodes as 202 bytes + a comma
    budget = ENVELOPE_BYTES + 3 * 203
    result = spans(texts, max_texts=100, max_body_bytes=budget)
    assert result[0] == (0, 3)
    for start, stop in result:
        body = json.dumps({"texts": texts[start:stop]}, ensure_ascii=False).encode()
        assert len(body) <= budget


def test_a_text_too_large_alone_gets_its_own_request():
    texts = ["a", "x" * 100, "b"]
    assert spans(texts, max_texts=10, max_text_bytes=50) == [(0, 1), (1, 2), (2, 3)]


def test_limit_from_the_servers_refusals():
    assert limit_from_message("List should have at most 5 items") == 5
    assert limit_from_message("too many texts: at most 256 per request") == 256
    assert limit_from_message("Texts should total at most 65536 bytes") is None
    assert limit_from_message("List should have at most 0 items") is None
    assert limit_from_message("String should have at most 10000 characters") is None


def test_texts_must_be_a_list_of_strings():
    with pytest.raises(TypeError):
        as_list("one string")
    with pytest.raises(TypeError):
        as_list(["ok", 3])
    assert as_list(("a", "b")) == ["a", "b"]
    with pytest.raises(ValueError):
        list(chunks(["a"], max_texts=0))
