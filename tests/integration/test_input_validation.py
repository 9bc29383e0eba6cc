"""Strict input on /predict and /predict/batch: 415, 413 and 422 in the reference's shape
(issue 3: `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`)."""
import json

import pytest
import requests

from helpers_core import (REQUEST_TIMEOUT, assert_detail_error, assert_validation_error,
                          post_json)


@pytest.fixture(scope="module")
def token(service):
    return service.token("alice")


def post_raw(svc, path, body, token, content_type="application/json"):
    headers = {"Authorization": f"Bearer {token}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return requests.post(svc.url(path), data=body, headers=headers, timeout=REQUEST_TIMEOUT)


# ---- media type -----------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", [
    None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/jsonx", "text/json", "application/xml"])
@pytest.mark.parametrize("path", ["/predict", "/predict/batch"])
def test_non_json_media_type_is_415(service, token, path, content_type):
    body = b'{"text":"good"}' if path == "/predict" else b'{"texts":["good"]}'
    assert_detail_error(post_raw(service, path, body, token, content_type), 415)


@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
    "Application/JSON"])
def test_json_media_type_variants_are_accepted(service, token, content_type):
    r = post_raw(service, "/predict", b'{"text":"good"}', token, content_type)
    assert r.status_code == 200, (content_type, r.text)


# ---- 422: /predict --------------------------------------------------------------------------

DEEP_ARRAY = "[" * 20_000 + "]" * 20_000

PREDICT_422 = [
    ("empty body", b"", "missing", ["body"]),
    ("not json", b"{text", "json_invalid", ["body"]),
    ("trailing garbage", b'{"text":"a"} {}', "json_invalid", ["body"]),
    ("two documents", b'{"text":"a"}{"text":"b"}', "json_invalid", ["body"]),
    ("array body", b'["a"]', "model_attributes_type", ["body"]),
    ("string body", b'"a"', "model_attributes_type", ["body"]),
    ("null body", b"null", "model_attributes_type", ["body"]),
    ("missing field", b"{}", "missing", ["body", "text"]),
    ("integer text", b'{"text":5}', "string_type", ["body", "text"]),
    ("null text", b'{"text":null}', "string_type", ["body", "text"]),
    ("bool text", b'{"text":true}', "string_type", ["body", "text"]),
    ("list text", b'{"text":["a"]}', "string_type", ["body", "text"]),
    ("object text", b'{"text":{"a":"b"}}', "string_type", ["body", "text"]),
    ("empty text", b'{"text":""}', "string_too_short", ["body", "text"]),
    ("too long text", json.dumps({"text": "é" * 10_001}).encode(), "string_too_long",
     ["body", "text"]),
    ("unknown field", b'{"text":"a","extra":1}', "extra_forbidden", ["body", "extra"]),
    ("field name case", b'{"Text":"a"}', "extra_forbidden", ["body", "Text"]),
    ("duplicate key", b'{"text":"a","text":"b"}', "duplicate_key", ["body", "text"]),
    ("duplicate key other type", b'{"text":"a","text":1}', "duplicate_key", ["body", "text"]),
    ("NaN", b'{"text":NaN}', "json_invalid", ["body"]),
    ("Infinity", b'{"text":Infinity}', "json_invalid", ["body"]),
    ("-Infinity", b'{"text":-Infinity}', "json_invalid", ["body"]),
    ("invalid UTF-8", b'{"text":"\xff\xfe"}', "json_invalid", ["body"]),
    ("overlong UTF-8", b'{"text":"a\xc0\xafb"}', "json_invalid", ["body"]),
    ("UTF-8 surrogate", b'{"text":"a\xed\xa0\x80b"}', "json_invalid", ["body"]),
    ("lone surrogate escape", b'{"text":"\\ud800"}', "json_invalid", ["body"]),
    ("single quotes", b"{'text':'a'}", "json_invalid", ["body"]),
    ("comment", b'{"text":"a" /* c */}', "json_invalid", ["body"]),
    ("deep nesting", ('{"text":' + DEEP_ARRAY + "}").encode(), "json_too_deep", ["body"]),
    ("deep nesting at top", DEEP_ARRAY.encode(), "json_too_deep", ["body"]),
    # Malformed JSON is malformed wherever it sits: the whole body must be JSON.
    ("malformed inside the text value", b'{"text":[1,,]}', "json_invalid", ["body"]),
    ("malformed inside an unknown field", b'{"text":"a","x":[}}]}', "json_invalid", ["body"]),
]


@pytest.mark.parametrize("name, body, error_type, loc", PREDICT_422,
                         ids=[case[0] for case in PREDICT_422])
def test_predict_invalid_body_is_422(service, token, name, body, error_type, loc):
    r = post_raw(service, "/predict", body, token)
    assert_validation_error(r, error_type, loc)


def test_deep_nesting_does_not_hurt_the_server(service, token):
    # Each deep document is refused as too deep (not parsed recursively until the stack
    # runs out), and the same worker goes on answering correctly afterwards.
    session = requests.Session()
    for body in (('{"text":' + DEEP_ARRAY + "}").encode(), DEEP_ARRAY.encode(),
                 ('{"text":"a","x":' + '{"a":' * 10_000 + "1" + "}" * 10_000 + "}").encode()):
        r = session.post(service.url("/predict"), data=body, timeout=REQUEST_TIMEOUT,
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/json"})
        issues = assert_validation_error(r, "json_too_deep", ["body"])
        assert len(issues) == 1, issues
    assert service.alive()
    r = session.post(service.url("/predict"), json={"text": "good"}, timeout=REQUEST_TIMEOUT,
                     headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["label"] == "POSITIVE", r.text


def test_valid_surrogate_pair_escape_is_accepted(service, token):
    r = post_raw(service, "/predict", b'{"text":"smile \\ud83d\\ude00"}', token)
    assert r.status_code == 200, r.text


def test_whitespace_around_the_document_is_json(service, token):
    r = post_raw(service, "/predict", b' \r\n\t{ "text" : "good" }\n ', token)
    assert r.status_code == 200, r.text


# ---- 422: /predict/batch --------------------------------------------------------------------

BATCH_422 = [
    ("missing texts", b"{}", "missing", ["body", "texts"]),
    ("texts not a list", b'{"texts":"a"}', "list_type", ["body", "texts"]),
    ("texts null", b'{"texts":null}', "list_type", ["body", "texts"]),
    ("empty list", b'{"texts":[]}', "too_short", ["body", "texts"]),
    ("too many texts", json.dumps({"texts": ["a"] * 257}).encode(), "too_long", ["body", "texts"]),
    ("wrong item type", b'{"texts":["a",3]}', "string_type", ["body", "texts", 1]),
    ("empty item", b'{"texts":["a",""]}', "string_too_short", ["body", "texts", 1]),
    ("too long item", json.dumps({"texts": ["a", "b", "c" * 10_001]}).encode(), "string_too_long",
     ["body", "texts", 2]),
    ("unknown field", b'{"texts":["a"],"text":"b"}', "extra_forbidden", ["body", "text"]),
    ("duplicate key", b'{"texts":["a"],"texts":["b"]}', "duplicate_key", ["body", "texts"]),
    ("NaN item", b'{"texts":[NaN]}', "json_invalid", ["body"]),
    ("invalid UTF-8 item", b'{"texts":["\xc3\x28"]}', "json_invalid", ["body"]),
]


@pytest.mark.parametrize("name, body, error_type, loc", BATCH_422,
                         ids=[case[0] for case in BATCH_422])
def test_batch_invalid_body_is_422(service, token, name, body, error_type, loc):
    assert_validation_error(post_raw(service, "/predict/batch", body, token), error_type, loc)


# ---- 422 lists every issue ------------------------------------------------------------------

def issue_list(response):
    return [(i["type"], i["loc"]) for i in assert_validation_error(response)]


def test_every_issue_of_a_body_is_listed_in_order(service, token):
    """A client fixes its request once: each refused text, unknown, duplicate and missing field."""
    body = {"user": "root", "texts": ["fine", 3, "", "c" * 10_001, "fine", None]}
    assert issue_list(post_raw(service, "/predict/batch", json.dumps(body), token)) == [
        ("extra_forbidden", ["body", "user"]),
        ("string_type", ["body", "texts", 1]),
        ("string_too_short", ["body", "texts", 2]),
        ("string_too_long", ["body", "texts", 3]),
        ("string_type", ["body", "texts", 5]),
    ]
    body = b'{"txt":"hi","explain":"yes","model":""}'
    assert issue_list(post_raw(service, "/predict", body, token)) == [
        ("extra_forbidden", ["body", "txt"]),
        ("bool_type", ["body", "explain"]),
        ("string_pattern_mismatch", ["body", "model"]),
        ("missing", ["body", "text"]),
    ]


def test_issues_are_bounded_and_malformed_json_comes_alone(service, token):
    many = json.dumps({"texts": [1] * 200})
    issues = issue_list(post_raw(service, "/predict/batch", many, token))
    assert issues == [("string_type", ["body", "texts", i]) for i in range(32)]
    broken = b'{"texts":[1, 2],"x":1,"y":tru}'
    assert issue_list(post_raw(service, "/predict/batch", broken, token)) == [
        ("json_invalid", ["body"])]


# ---- body size ------------------------------------------------------------------------------

def padded(document, size):
    """The JSON document padded with trailing whitespace to exactly `size` bytes."""
    raw = json.dumps(document).encode()
    assert len(raw) <= size
    return raw + b" " * (size - len(raw))


def test_body_at_the_limit_is_accepted(service, token):
    r = post_raw(service, "/predict", padded({"text": "good"}, 65_536), token)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("path", ["/predict", "/predict/batch"])
def test_body_over_the_limit_is_413(service, token, path):
    document = {"text": "good"} if path == "/predict" else {"texts": ["good"]}
    assert_detail_error(post_raw(service, path, padded(document, 65_537), token), 413)


def test_batch_total_size_is_bounded(service, token):
    # 256 texts of 300 characters each are individually fine but exceed 64 KiB together.
    body = json.dumps({"texts": ["x" * 300] * 256}).encode()
    assert len(body) > 65_536  # so the body limit decides, before any validation
    assert_detail_error(post_raw(service, "/predict/batch", body, token), 413)


def test_configured_limits(fresh_service):
    svc = fresh_service("--max-body-bytes", "2048", "--max-text-chars", "20",
                        "--max-batch-texts", "3")
    token = svc.token()
    ok = post_json(svc, "/predict", {"text": "x" * 20}, token)
    assert ok.status_code == 200, ok.text
    issues = assert_validation_error(post_json(svc, "/predict", {"text": "x" * 21}, token),
                                     "string_too_long", ["body", "text"])
    assert "20" in issues[0]["msg"]
    assert post_json(svc, "/predict/batch", {"texts": ["a"] * 3}, token).status_code == 200
    assert_validation_error(post_json(svc, "/predict/batch", {"texts": ["a"] * 4}, token),
                            "too_long", ["body", "texts"])
    assert_detail_error(post_raw(svc, "/predict", padded({"text": "a"}, 2049), token), 413)
    assert post_raw(svc, "/predict", padded({"text": "a"}, 2048), token).status_code == 200
