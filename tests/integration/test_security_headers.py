"""Security headers on every response, errors included; CORS off unless configured (issue 3)."""
import subprocess

import pytest
import requests

from conftest import BIN
from helpers_core import (REQUEST_TIMEOUT, RawConnection, assert_security_headers, post_json,
                          raw_exchange, request_bytes)


@pytest.fixture(scope="module")
def token(service):
    return service.token("alice")


def plain(method, path, **kwargs):
    return lambda svc, token: requests.request(method, svc.url(path), timeout=REQUEST_TIMEOUT,
                                               **kwargs)


def authed(method, path, body=None, content_type="application/json"):
    def send(svc, token):
        headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
        return requests.request(method, svc.url(path), data=body, headers=headers,
                                timeout=REQUEST_TIMEOUT)
    return send


# (name, request, expected status); every one must carry the full header set.
CASES = [
    ("healthz 200", plain("GET", "/healthz"), 200),
    ("readyz 200", plain("GET", "/readyz"), 200),
    ("metrics 200", plain("GET", "/metrics"), 200),
    ("openapi 200", plain("GET", "/openapi.json"), 200),
    ("jwks 200", plain("GET", "/.well-known/jwks.json"), 200),
    ("docs 200", plain("GET", "/docs/"), 200),
    ("docs asset 200", plain("GET", "/docs/swagger-ui.css"), 200),
    ("oip server 200", plain("GET", "/v2"), 200),
    ("predict 200", authed("POST", "/predict", '{"text":"good"}'), 200),
    ("batch 200", authed("POST", "/predict/batch", '{"texts":["good"]}'), 200),
    ("infer 200", authed("POST", "/v2/models/vader/infer",
                         '{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES",'
                         '"data":["good"]}]}'), 200),
    ("token 400", plain("POST", "/token", data={"grant_type": "password", "username": "alice",
                                                "password": "wrong-password-1"}), 400),
    ("predict 401", plain("POST", "/predict", json={"text": "x"}), 401),
    ("not found 404", plain("GET", "/nope"), 404),
    ("method 405", plain("GET", "/predict"), 405),
    ("oip 404", authed("POST", "/v2/models/nope/infer", '{"inputs":[]}'), 404),
    ("oip 400", authed("POST", "/v2/models/vader/infer", '{"inputs":[]}'), 400),
    ("media type 415", authed("POST", "/predict", '{"text":"x"}', "text/plain"), 415),
    ("validation 422", authed("POST", "/predict", '{"text":5}'), 422),
    ("body 413", authed("POST", "/predict", '{"text":"' + "a" * 70_000 + '"}'), 413),
]


@pytest.mark.parametrize("name, send, status", CASES, ids=[c[0] for c in CASES])
def test_security_headers_on_every_response(service, token, name, send, status):
    r = send(service, token)
    assert r.status_code == status, (name, r.status_code, r.text[:300])
    assert_security_headers(r.headers, name)


# Only the Swagger UI's static files may be cached; every other answer (API results, errors,
# metrics, the docs page itself) carries Cache-Control: no-store.
CACHEABLE = {"docs asset 200": "public, max-age=3600"}


@pytest.mark.parametrize("name, send, status", CASES, ids=[c[0] for c in CASES])
def test_api_responses_are_not_cached(service, token, name, send, status):
    r = send(service, token)
    assert r.status_code == status, (name, r.status_code, r.text[:300])
    assert r.headers.get("Cache-Control") == CACHEABLE.get(name, "no-store"), (name, r.headers)


@pytest.mark.parametrize("name, raw, status", [
    ("malformed 400", b"NOT HTTP AT ALL\r\n\r\n", 400),
    ("header too large 431", request_bytes("GET", "/healthz", {"X-Big": "a" * 20_000}), 431),
    ("target too long 414", request_bytes("GET", "/" + "a" * 5000), 414),
    ("declared body too large 413",
     request_bytes("POST", "/predict", {"Content-Type": "application/json",
                                        "Content-Length": "100000"}), 413),
])
def test_security_headers_on_protocol_errors(service, name, raw, status):
    response, _ = raw_exchange(service.port, raw)
    assert response.status == status, response
    assert_security_headers(response.headers, name)
    assert response.headers.get("cache-control") == "no-store", (name, response.headers)


def test_security_headers_on_429_and_408(fresh_service):
    svc = fresh_service("--rate-limit-default", "1/60s", "--header-timeout", "1s")
    requests.get(svc.url("/v2"), timeout=REQUEST_TIMEOUT)
    limited = requests.get(svc.url("/v2"), timeout=REQUEST_TIMEOUT)
    assert limited.status_code == 429, limited.text
    assert limited.headers.get("Retry-After")
    assert_security_headers(limited.headers, "429")
    assert limited.headers.get("Cache-Control") == "no-store", limited.headers
    with RawConnection(svc.port) as conn:
        conn.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        response = conn.read_response()  # the header timeout answers 408 and closes
    assert response.status == 408, response
    assert_security_headers(response.headers, "408")
    assert response.headers.get("cache-control") == "no-store", response.headers


def test_docs_csp_is_strict(service):
    r = requests.get(service.url("/docs/"), timeout=REQUEST_TIMEOUT)
    csp = r.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("script-src") == ["'self'"], csp
    assert "default-src" in directives
    for sources in directives.values():
        for source in sources:
            assert source in ("'self'", "'none'", "data:"), csp


# ---- CORS -----------------------------------------------------------------------------------

def test_cors_is_off_by_default(service, token):
    origin = {"Origin": "https://app.example"}
    r = requests.get(service.url("/healthz"), headers=origin, timeout=REQUEST_TIMEOUT)
    assert "Access-Control-Allow-Origin" not in r.headers
    r = post_json(service, "/predict", {"text": "x"}, token, headers=origin)
    assert "Access-Control-Allow-Origin" not in r.headers
    preflight = requests.options(service.url("/predict"), headers={
        **origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"}, timeout=REQUEST_TIMEOUT)
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Methods" not in preflight.headers


CORS_EXPOSED = "X-Request-ID, Retry-After, RateLimit, RateLimit-Policy, WWW-Authenticate, traceresponse"


def test_cors_allow_list(fresh_service):
    svc = fresh_service("--cors-origins", "https://a.example,https://b.example")
    token = svc.token()
    for origin in ("https://a.example", "https://b.example"):
        allowed = post_json(svc, "/predict", {"text": "x"}, token, headers={"Origin": origin})
        assert allowed.status_code == 200, allowed.text
        # The one requesting origin is echoed: never "*", never the whole list, and no
        # credentials mode (bearer tokens travel in a header, not in cookies).
        assert allowed.headers.get("Access-Control-Allow-Origin") == origin, allowed.headers
        assert "Access-Control-Allow-Credentials" not in allowed.headers, allowed.headers
        assert allowed.headers.get("Access-Control-Expose-Headers") == CORS_EXPOSED
        assert allowed.headers.get("Vary") == "Origin", allowed.headers

    preflight = requests.options(svc.url("/predict"), headers={
        "Origin": "https://a.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"}, timeout=REQUEST_TIMEOUT)
    assert preflight.status_code == 204, preflight.text
    assert preflight.headers.get("Access-Control-Allow-Origin") == "https://a.example"
    assert "Access-Control-Allow-Credentials" not in preflight.headers, preflight.headers
    assert preflight.headers.get("Access-Control-Allow-Methods") == "GET, POST"
    allowed_headers = preflight.headers.get("Access-Control-Allow-Headers", "").lower()
    assert "authorization" in allowed_headers and "content-type" in allowed_headers
    assert preflight.headers.get("Access-Control-Max-Age") == "600"
    assert_security_headers(preflight.headers, "preflight")

    # Look-alikes of an allowed origin, another scheme or port, the opaque origin and a
    # wildcard are refused: no CORS grant at all, but caches are told the answer varies.
    for origin in ("https://evil.example", "https://a.example.evil.example", "null", "*",
                   "http://a.example", "https://a.example:8443",
                   "https://a.example/", "https://a.example,https://b.example"):
        refused = post_json(svc, "/predict", {"text": "x"}, token, headers={"Origin": origin})
        assert refused.status_code == 200, refused.text
        assert "Access-Control-Allow-Origin" not in refused.headers, (origin, refused.headers)
        assert "Access-Control-Expose-Headers" not in refused.headers, origin
        assert refused.headers.get("Vary") == "Origin", (origin, refused.headers)
        refused_preflight = requests.options(svc.url("/predict"), headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"}, timeout=REQUEST_TIMEOUT)
        assert refused_preflight.status_code == 204, refused_preflight.text
        for header in ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods",
                       "Access-Control-Allow-Headers"):
            assert header not in refused_preflight.headers, (origin, header)


def test_cors_wildcard_is_refused_at_start():
    result = subprocess.run([BIN, "serve", "--port", "0", "--cors-origins", "*"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, (result.returncode, result.stdout[-500:])
    assert "--cors-origins" in result.stderr
