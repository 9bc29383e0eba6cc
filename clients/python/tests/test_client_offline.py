"""The client's retry loop, token cache and error mapping against a scripted local HTTP
server (answers the live service cannot be made to give on demand: 503 with an HTTP-date,
502, a connection dropped mid-request). Waits are recorded, never slept."""
import email.utils
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from secure_ml_api_client import (ApiError, AuthenticationError, Client, ClientCredentials,
                                  PasswordCredentials, RateLimited, RetryPolicy,
                                  ServerUnavailable, StaticToken, TransportError)

SECRET = "s3cr3t-never-printed"
TOKEN = "tok-never-printed"


class Script:
    """Per path, a list of answers (status, headers, body) or "drop", consumed in order; the
    last one repeats. Records each request's method, path, headers and body."""

    def __init__(self, answers):
        self.answers = {path: list(items) for path, items in answers.items()}
        self.requests = []
        self.lock = threading.Lock()

    def next(self, path):
        with self.lock:
            items = self.answers[path]
            return items.pop(0) if len(items) > 1 else items[0]


def serve(script):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def handle_any(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length) if length else b""
            script.requests.append((self.command, self.path, dict(self.headers), body))
            answer = script.next(self.path)
            if answer == "drop":
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            status, headers, payload = answer
            data = json.dumps(payload).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Request-ID", self.headers.get("X-Request-ID", "none"))
            self.end_headers()
            self.wfile.write(data)

        do_GET = handle_any
        do_POST = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture
def fake():
    servers = []

    def start(answers):
        script = Script(answers)
        server = serve(script)
        servers.append(server)
        return script, f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


TOKEN_OK = (200, {}, {"access_token": TOKEN, "token_type": "bearer", "expires_in": 900})
PREDICT_OK = (200, {}, {"user": "c", "label": "POSITIVE", "score": 0.5,
                        "scores": {"compound": 0.5}, "model": "vader", "model_version": "v1"})


def client(base, waits, **kwargs):
    return Client(base, ClientCredentials("c", SECRET), sleep=waits.append, **kwargs)


def test_503_with_an_http_date_is_retried_after_that_date(fake):
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    script, base = fake({"/token": [TOKEN_OK],
                         "/predict": [(503, {"Retry-After": when}, {"detail": "draining"}),
                                      PREDICT_OK]})
    waits = []
    result = client(base, waits, rng=lambda: 0.0).predict("good")
    assert result.label == "POSITIVE"
    assert len(waits) == 1 and 3.0 <= waits[0] <= 5.0, waits
    ids = {headers["X-Request-ID"] for _, path, headers, _ in script.requests
           if path == "/predict"}
    assert len(ids) == 1  # one logical call, one request id on every attempt


def test_429_without_retry_after_waits_as_ratelimit_says(fake):
    limited = (429, {"RateLimit": '"predict";r=0;t=30', "RateLimit-Policy": '"predict";q=30;w=60'},
               {"detail": "Rate limit exceeded"})
    _, base = fake({"/token": [TOKEN_OK], "/predict": [limited, PREDICT_OK]})
    waits = []
    client(base, waits, rng=lambda: 0.0).predict("good")
    assert waits == [2.0]


def test_retries_stop_at_the_budget_with_the_servers_detail(fake):
    _, base = fake({"/token": [TOKEN_OK],
                    "/predict": [(503, {"Retry-After": "1"}, {"detail": "overloaded"})]})
    waits = []
    with pytest.raises(ServerUnavailable) as caught:
        client(base, waits, retry=RetryPolicy(max_attempts=3), rng=lambda: 0.0).predict("x")
    assert waits == [1.0, 1.0]
    assert caught.value.detail == "overloaded" and caught.value.retry_after == 1.0
    assert caught.value.request_id


def test_a_rate_limit_beyond_the_budget_is_raised_at_once(fake):
    _, base = fake({"/token": [TOKEN_OK],
                    "/predict": [(429, {"Retry-After": "120"}, {"detail": "Rate limit exceeded"})]})
    waits = []
    with pytest.raises(RateLimited) as caught:
        client(base, waits).predict("x")
    assert waits == [] and caught.value.retry_after == 120.0


def test_gateway_errors_are_retried_for_scoring_but_not_for_tokens(fake):
    script, base = fake({"/token": [(502, {}, {"detail": "bad gateway"}), TOKEN_OK],
                         "/predict": [(502, {}, {}), PREDICT_OK]})
    waits = []
    with pytest.raises(ServerUnavailable):
        client(base, waits).predict("x")  # the token request is not retried on 502
    assert [p for _, p, _, _ in script.requests] == ["/token"]
    client(base, waits).predict("x")  # now /token answers; /predict 502 then 200
    assert [p for _, p, _, _ in script.requests][-2:] == ["/predict", "/predict"]


def test_a_dropped_connection_is_retried_only_when_idempotent(fake):
    script, base = fake({"/token": ["drop", TOKEN_OK], "/predict": ["drop", PREDICT_OK]})
    waits = []
    with pytest.raises(TransportError) as caught:
        client(base, waits).predict("x")
    assert waits == [] and "/token" in str(caught.value)
    assert client(base, waits).predict("x").label == "POSITIVE"
    assert len(waits) == 1  # the /predict drop was retried after a backoff


def test_connection_refused_is_retried_with_jittered_backoff_then_raised():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    waits = []
    c = Client(f"http://127.0.0.1:{port}", ClientCredentials("c", SECRET), sleep=waits.append,
               rng=lambda: 1.0, retry=RetryPolicy(max_attempts=4, backoff_base=0.1))
    with pytest.raises(TransportError) as caught:
        c.predict("x")
    assert waits == [0.1, 0.2, 0.4]
    assert "could not connect" in str(caught.value)


def test_401_fetches_one_new_token_then_gives_up(fake):
    script, base = fake({"/token": [TOKEN_OK],
                         "/predict": [(401, {}, {"detail": "Token has been revoked"})]})
    c = client(base, [])
    with pytest.raises(AuthenticationError) as caught:
        c.predict("x")
    assert c.token_fetches == 2
    assert [p for _, p, _, _ in script.requests] == ["/token", "/predict", "/token", "/predict"]
    assert caught.value.detail == "Token has been revoked"


def test_a_static_token_is_not_renewed(fake):
    script, base = fake({"/predict": [(401, {}, {"detail": "Token has expired"})]})
    with pytest.raises(AuthenticationError):
        Client(base, StaticToken(TOKEN)).predict("x")
    assert len(script.requests) == 1


def test_tokens_are_cached_across_threads_and_renewed_before_expiry(fake):
    short = (200, {}, {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 100})
    script, base = fake({"/token": [short], "/predict": [PREDICT_OK]})
    now = [1000.0]
    c = Client(base, PasswordCredentials("alice", SECRET), clock=lambda: now[0],
               token_refresh_margin=60)
    threads = [threading.Thread(target=c.predict, args=("x",)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert c.token_fetches == 1
    now[0] += 49  # margin is capped at half the lifetime: renew 50 s in
    c.predict("x")
    assert c.token_fetches == 1
    now[0] += 1
    c.predict("x")
    assert c.token_fetches == 2
    form = [body for _, path, _, body in script.requests if path == "/token"][0]
    assert b"grant_type=password" in form and b"username=alice" in form


def test_secrets_and_tokens_never_appear_in_reprs_or_messages(fake):
    _, base = fake({"/token": [(401, {}, {"error": "invalid_client",
                                          "error_description": "Client authentication failed"})],
                    "/predict": [PREDICT_OK]})
    c = client(base, [])
    with pytest.raises(AuthenticationError) as caught:
        c.predict("x")
    assert caught.value.error == "invalid_client"
    for text in (repr(c), str(caught.value), repr(caught.value),
                 repr(ClientCredentials("c", SECRET)), repr(PasswordCredentials("u", SECRET)),
                 repr(StaticToken(TOKEN))):
        assert SECRET not in text and TOKEN not in text, text


def test_an_answer_that_is_not_json_is_an_api_error(fake):
    _, base = fake({"/token": [TOKEN_OK], "/predict": [(200, {}, ["not", "an", "object"])]})
    with pytest.raises(ApiError):
        client(base, []).predict("x")


def test_an_exhausted_quota_paces_the_next_call_of_its_kind(fake):
    last = (200, {"RateLimit": '"predict";r=0;t=4', "RateLimit-Policy": '"predict";q=1;w=2'},
            PREDICT_OK[2])
    script, base = fake({"/token": [TOKEN_OK], "/predict": [last, PREDICT_OK],
                         "/v2": [(200, {}, {"name": "s"})]})
    now = [0.0]
    waits = []
    c = Client(base, ClientCredentials("c", SECRET), clock=lambda: now[0], sleep=waits.append)
    c.predict("x")
    c.server_metadata()  # another kind of route: not held back
    assert waits == []
    c.predict("x")  # one request comes back every w/q = 2 s
    assert waits == [2.0]
    c.predict("x")  # the last answer had quota left: no wait
    assert waits == [2.0]
    unpaced = Client(base, ClientCredentials("c", SECRET), sleep=waits.append, pace=False)
    script.answers["/predict"] = [last]
    unpaced.predict("x")
    unpaced.predict("x")
    assert waits == [2.0]
