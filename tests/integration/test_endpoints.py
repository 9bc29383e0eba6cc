"""Every endpoint of the reference API answers in its documented shape (issue 3)."""
import math

import pytest
import requests

from helpers_core import (REQUEST_TIMEOUT, assert_detail_error, assert_json, expected_label, get,
                          post_json)

TEXTS = {
    "POSITIVE": "I love this, it is wonderful!",
    "NEGATIVE": "This is awful and I hate it.",
    "NEUTRAL": "The table is in the kitchen.",
}


@pytest.fixture(scope="module")
def token(service):
    return service.token("alice")


def assert_scores(scores):
    assert set(scores) == {"neg", "neu", "pos", "compound"}, scores
    for name in ("neg", "neu", "pos"):
        assert 0.0 <= scores[name] <= 1.0, scores
    assert -1.0 <= scores["compound"] <= 1.0, scores
    assert math.isclose(scores["neg"] + scores["neu"] + scores["pos"], 1.0, abs_tol=0.01) or \
        scores["neg"] + scores["neu"] + scores["pos"] == 0.0, scores


def assert_prediction(body, user="alice", warnings=None):
    expected_keys = {"user", "label", "score", "scores", "model", "model_version"}
    if warnings:  # the language check (docs/model.md): only present when it warns
        expected_keys |= {"coverage", "warnings"}
        assert body["warnings"] == warnings, body
    assert set(body) == expected_keys, body
    assert body["user"] == user
    assert body["model"] == "vader"
    assert isinstance(body["model_version"], str) and body["model_version"]
    assert_scores(body["scores"])
    assert body["score"] == body["scores"]["compound"]
    assert body["label"] == expected_label(body["score"]), body


def test_healthz_is_ok(service):
    r = get(service, "/healthz")
    assert r.status_code == 200
    assert assert_json(r) == {"status": "ok"}


def test_readyz_is_ready(service):
    r = get(service, "/readyz")
    assert r.status_code == 200
    assert assert_json(r)["status"] == "ready"


def test_head_healthz_has_no_body(service):
    r = requests.head(service.url("/healthz"), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200
    assert r.content == b""


@pytest.mark.parametrize("label", sorted(TEXTS))
def test_predict_labels_by_reference_thresholds(service, token, label):
    r = post_json(service, "/predict", {"text": TEXTS[label]}, token)
    assert r.status_code == 200, r.text
    body = assert_json(r)
    assert_prediction(body)
    assert body["label"] == label


def test_predict_known_vader_value(service, token):
    # "I love this" scores 0.6369 in the reference VADER implementation.
    body = post_json(service, "/predict", {"text": "I love this"}, token).json()
    assert body["score"] == pytest.approx(0.6369, abs=1e-4)
    assert body["label"] == "POSITIVE"


def test_predict_user_comes_from_the_token(service):
    client_token = service.client_token("batch-job")
    r = post_json(service, "/predict", {"text": "good"}, client_token)
    assert r.status_code == 200, r.text
    assert_prediction(r.json(), user="batch-job")


def test_predict_unicode_text(service, token):
    r = post_json(service, "/predict", {"text": "Très bien 😀 — ça marche 👍"}, token)
    assert r.status_code == 200, r.text
    # French: VADER knows 1 of its 9 tokens ("grinning" of the emoji's name), so it says so.
    assert_prediction(r.json(), warnings=["low_coverage"])


def test_predict_text_at_the_character_limit(service, token):
    # 10,000 characters (20,000 bytes): the limit counts characters, not bytes.
    r = post_json(service, "/predict", {"text": "é" * 10_000}, token)
    assert r.status_code == 200, r.text


def test_predict_without_token_is_401(service):
    r = post_json(service, "/predict", {"text": "good"})
    assert_detail_error(r, 401)
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_predict_without_scope_is_403(service):
    nobody = service.token("nobody")
    r = post_json(service, "/predict", {"text": "good"}, nobody)
    assert_detail_error(r, 403)


def test_batch_results_in_order(service, token):
    texts = [TEXTS["POSITIVE"], TEXTS["NEGATIVE"], TEXTS["NEUTRAL"], TEXTS["POSITIVE"]]
    r = post_json(service, "/predict/batch", {"texts": texts}, token)
    assert r.status_code == 200, r.text
    body = assert_json(r)
    assert body["user"] == "alice"
    assert body["model"] == "vader"
    assert body["model_version"]
    results = body["results"]
    assert [result["label"] for result in results] == ["POSITIVE", "NEGATIVE", "NEUTRAL",
                                                       "POSITIVE"]
    for result, text in zip(results, texts):
        assert_scores(result["scores"])
        assert result["score"] == result["scores"]["compound"]
        single = post_json(service, "/predict", {"text": text}, token).json()
        assert result["scores"] == single["scores"]


def test_batch_at_the_count_limit(service, token):
    r = post_json(service, "/predict/batch", {"texts": ["ok"] * 256}, token)
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]) == 256


def test_batch_without_token_is_401(service):
    assert_detail_error(post_json(service, "/predict/batch", {"texts": ["a"]}), 401)


def test_token_password_grant(service):
    r = requests.post(service.url("/token"), data={"grant_type": "password", "username": "alice",
                                                   "password": "alice-password-123"},
                      timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200, r.text
    body = assert_json(r)
    assert body["token_type"].lower() == "bearer"
    assert isinstance(body["access_token"], str) and body["access_token"].count(".") == 2
    assert body["expires_in"] > 0
    assert r.headers.get("Cache-Control") == "no-store"


def test_revoked_token_is_refused(service):
    victim = service.token("alice")
    assert post_json(service, "/predict", {"text": "a"}, victim).status_code == 200
    r = requests.post(service.url("/token/revoke"), data={"token": victim},
                      headers={"Authorization": f"Bearer {victim}"}, timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200, r.text
    assert post_json(service, "/predict", {"text": "a"}, victim).status_code == 401


def test_jwks_publishes_the_signing_key(service):
    r = get(service, "/.well-known/jwks.json")
    assert r.status_code == 200
    # RFC 7517 section 8.5: application/jwk-set+json (plain JSON also acceptable).
    assert r.headers["Content-Type"].split(";")[0] in ("application/jwk-set+json",
                                                      "application/json")
    keys = r.json()["keys"]
    assert "test-key" in [key.get("kid") for key in keys]
    for key in keys:
        assert "d" not in key, "a private key member is published"


def test_metrics_is_prometheus_text(service):
    r = get(service, "/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "smlapi_http_requests_total" in r.text


def test_unknown_path_is_404(service):
    assert_detail_error(get(service, "/does-not-exist"), 404)
    assert_detail_error(get(service, "/predict/extra"), 404)


@pytest.mark.parametrize("method, path, allowed", [
    ("GET", "/predict", "POST"),
    ("PUT", "/predict/batch", "POST"),
    ("POST", "/healthz", "GET"),
    ("DELETE", "/metrics", "GET"),
    ("GET", "/token", "POST"),
    ("POST", "/openapi.json", "GET"),
])
def test_wrong_method_is_405_with_allow(service, method, path, allowed):
    r = requests.request(method, service.url(path), timeout=REQUEST_TIMEOUT)
    assert_detail_error(r, 405)
    allow = [m.strip() for m in r.headers.get("Allow", "").split(",")]
    assert allowed in allow, r.headers.get("Allow")
    assert method not in allow
