"""Structured JSON logs (issue 3): one access line per request with its request id (honoured or
generated, echoed in X-Request-ID), method, route template, status, duration, bytes, client and
user; lifecycle events; never a token, password, secret or request body."""
import base64
import json
import re
import signal
import uuid

import pytest
import requests

from conftest import CLIENTS, USERS, wait_until
from helpers_core import (REQUEST_TIMEOUT, access_lines, post_json, wait_for_access_line)

ACCESS_FIELDS = {"ts", "level", "event", "request_id", "method", "route", "status",
                 "duration_ms", "bytes_in", "bytes_out", "client"}


@pytest.fixture(scope="module")
def token(service):
    return service.token("alice")


def line_for(svc, request_id):
    return wait_for_access_line(svc, lambda line: line.get("request_id") == request_id)


def test_every_log_line_is_json(service):
    requests.get(service.url("/healthz"), timeout=REQUEST_TIMEOUT)
    wait_until(lambda: access_lines(service), timeout=15)
    lines = service.log_lines()
    assert lines
    unparsed = [line["unparsed"] for line in lines if "unparsed" in line]
    assert unparsed == []
    for line in lines:
        assert {"ts", "level", "event"} <= set(line), line


def test_access_line_fields(service, token):
    request_id = f"fields-{uuid.uuid4()}"
    r = post_json(service, "/predict", {"text": "I love it"}, token,
                  headers={"X-Request-ID": request_id})
    assert r.status_code == 200
    line = line_for(service, request_id)
    assert ACCESS_FIELDS <= set(line), line
    assert line["event"] == "access"
    assert line["method"] == "POST"
    assert line["route"] == "/predict"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], (int, float)) and line["duration_ms"] >= 0
    assert line["bytes_in"] == len(r.request.body)
    assert line["bytes_out"] == len(r.content)
    assert line["client"] == "127.0.0.1"
    assert line["user"] == "alice"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", line["ts"])


def test_one_access_line_per_request(service):
    request_id = f"count-{uuid.uuid4()}"
    session = requests.Session()
    for _ in range(5):
        session.get(service.url("/healthz"), headers={"X-Request-ID": request_id},
                    timeout=REQUEST_TIMEOUT)
    marker = f"marker-{uuid.uuid4()}"
    session.get(service.url("/healthz"), headers={"X-Request-ID": marker}, timeout=REQUEST_TIMEOUT)
    line_for(service, marker)  # lines are written in order: the earlier ones are there too
    assert len([line for line in access_lines(service)
                if line.get("request_id") == request_id]) == 5


def test_client_request_id_is_honoured_and_echoed(service):
    request_id = str(uuid.uuid4())
    r = requests.get(service.url("/healthz"), headers={"X-Request-ID": request_id},
                     timeout=REQUEST_TIMEOUT)
    assert r.headers["X-Request-ID"] == request_id
    assert line_for(service, request_id)["route"] == "/healthz"


def test_request_id_is_generated_when_absent(service):
    ids = set()
    for _ in range(5):
        r = requests.get(service.url("/healthz"), timeout=REQUEST_TIMEOUT)
        generated = r.headers.get("X-Request-ID")
        assert generated and re.fullmatch(r"[A-Za-z0-9._:-]{8,128}", generated), generated
        ids.add(generated)
    assert len(ids) == 5
    for generated in ids:
        line_for(service, generated)


@pytest.mark.parametrize("hostile", [
    "has spaces in it",
    "quote\"and\\backslash",
    "<script>alert(1)</script>",
    "a" * 300,
    "évil-unicode",
    '{"event":"access","status":200}',
])
def test_unsafe_request_id_is_replaced(service, hostile):
    r = requests.get(service.url("/healthz"), headers={"X-Request-ID": hostile.encode()},
                     timeout=REQUEST_TIMEOUT)
    echoed = r.headers["X-Request-ID"]
    assert echoed != hostile
    assert re.fullmatch(r"[A-Za-z0-9._:-]{1,128}", echoed), echoed
    line_for(service, echoed)
    assert hostile not in service.log_text()


def test_error_responses_are_logged_with_their_status(service, token):
    cases = [("GET", "/nope", None, 404, "unmatched"),
             ("GET", "/predict", None, 405, "/predict"),
             ("POST", "/predict", b'{"text":5}', 422, "/predict"),
             ("POST", "/predict", None, 401, "/predict")]
    for method, path, body, status, route in cases:
        request_id = f"err-{uuid.uuid4()}"
        headers = {"X-Request-ID": request_id, "Content-Type": "application/json"}
        if status == 422:
            headers["Authorization"] = f"Bearer {token}"
        r = requests.request(method, service.url(path), data=body, headers=headers,
                             timeout=REQUEST_TIMEOUT)
        assert r.status_code == status, (path, r.status_code, r.text)
        line = line_for(service, request_id)
        assert line["status"] == status
        # The route template, never the raw path (an unknown path is logged as "unmatched").
        assert line["route"] == route, line


def test_route_is_the_template_not_the_raw_path(service, token):
    request_id = f"tmpl-{uuid.uuid4()}"
    version = requests.get(service.url("/v2/models/vader"), headers={
        "Authorization": f"Bearer {token}"}, timeout=REQUEST_TIMEOUT).json()["versions"][0]
    r = requests.get(service.url(f"/v2/models/vader/versions/{version}/ready"),
                     headers={"Authorization": f"Bearer {token}", "X-Request-ID": request_id},
                     timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200
    assert line_for(service, request_id)["route"] == "/v2/models/{model}/versions/{version}/ready"


def test_user_is_logged_for_client_credentials(service):
    client_token = service.client_token("batch-job")
    request_id = f"client-{uuid.uuid4()}"
    post_json(service, "/predict", {"text": "ok"}, client_token,
              headers={"X-Request-ID": request_id})
    assert line_for(service, request_id)["user"] == "batch-job"


def test_anonymous_requests_have_no_user(service):
    request_id = f"anon-{uuid.uuid4()}"
    requests.get(service.url("/healthz"), headers={"X-Request-ID": request_id},
                 timeout=REQUEST_TIMEOUT)
    assert line_for(service, request_id).get("user") in (None, "")


def test_no_secret_or_body_is_ever_logged(service):
    secret_text = f"confidential-text-{uuid.uuid4()}"
    wrong_password = f"wrong-password-{uuid.uuid4()}"
    query_secret = f"query-secret-{uuid.uuid4()}"
    token = service.token("alice")
    client_token = service.client_token("batch-job")
    marker = f"secrets-{uuid.uuid4()}"

    post_json(service, "/predict", {"text": secret_text}, token)
    post_json(service, "/predict/batch", {"texts": [secret_text]}, client_token)
    post_json(service, "/v2/models/vader/infer", {"inputs": [{
        "name": "text", "shape": [1], "datatype": "BYTES", "data": [secret_text]}]}, token)
    post_json(service, "/predict", {"text": secret_text, "extra": secret_text}, token)  # 422
    requests.post(service.url("/token"), data={"grant_type": "password", "username": "alice",
                                               "password": wrong_password},
                  timeout=REQUEST_TIMEOUT)
    requests.post(service.url("/token"), data={"grant_type": "client_credentials"},
                  auth=("batch-job", wrong_password), timeout=REQUEST_TIMEOUT)
    post_json(service, "/predict", {"text": "x"}, token + "tampered")
    requests.get(service.url(f"/healthz?access_token={query_secret}"), timeout=REQUEST_TIMEOUT)
    revoked = requests.post(service.url("/token/revoke"), data={"token": client_token},
                            headers={"Authorization": f"Bearer {client_token}"},
                            timeout=REQUEST_TIMEOUT)
    assert revoked.status_code == 200, revoked.text
    requests.get(service.url("/healthz"), headers={"X-Request-ID": marker},
                 timeout=REQUEST_TIMEOUT)
    line_for(service, marker)

    text = service.log_text()
    forbidden = [secret_text, wrong_password, query_secret, USERS["alice"][0],
                 CLIENTS["batch-job"][0],
                 base64.b64encode(f"batch-job:{CLIENTS['batch-job'][0]}".encode()).decode()]
    for t in (token, client_token):
        forbidden += [t, t.split(".")[2]]  # the token and its signature
    for value in forbidden:
        assert value not in text, f"a secret or body appears in the logs: {value[:24]}..."


def test_lifecycle_events(fresh_service):
    svc = fresh_service()
    startup = [line for line in svc.log_lines() if line.get("event") == "startup"]
    assert startup and startup[0]["port"] == svc.port
    svc.proc.send_signal(signal.SIGTERM)
    assert svc.proc.wait(timeout=60) == 0
    assert any(line.get("event") == "shutdown" for line in svc.log_lines())


def test_access_log_can_be_turned_off(fresh_service):
    svc = fresh_service("--access-log", "off")
    requests.get(svc.url("/healthz"), headers={"X-Request-ID": "quiet-1"}, timeout=REQUEST_TIMEOUT)
    svc.proc.send_signal(signal.SIGTERM)  # flushes whatever was buffered
    assert svc.proc.wait(timeout=60) == 0
    assert not any(line.get("event") == "access" for line in svc.log_lines())
    assert any(line.get("event") == "startup" for line in svc.log_lines())


# Bound of one logged string value (kMaxLogValueBytes in src/api/log.h), before JSON escaping.
MAX_LOG_VALUE_BYTES = 512


@pytest.mark.parametrize("username", [b"mallory\xff\xfe\xc3(\xed\xa0\x80\x1b[31m\n",
                                      b"n" * (60 * 1024), b"\xff" * (20 * 1024)],
                         ids=["invalid-utf8", "60kb", "20kb-invalid-utf8"])
def test_attempted_user_names_are_logged_as_bounded_valid_utf8(fresh_service, username):
    """Issue 16: what a client sends as a user name reaches the audit line as valid UTF-8 JSON
    (U+FFFD for ill-formed bytes, control characters escaped), cut to a bounded length."""
    svc = fresh_service()
    request_id = f"hostile-name-{uuid.uuid4()}"
    # Percent-encoded (3 bytes each) except letters, so 60 KB of name fits the 64 KiB body limit.
    body = b"grant_type=password&password=wrong&username=" + b"".join(
        bytes([byte]) if chr(byte).isalpha() and byte < 0x80 else b"%%%02X" % byte
        for byte in username)
    r = requests.post(svc.url("/token"), data=body, timeout=REQUEST_TIMEOUT,
                      headers={"Content-Type": "application/x-www-form-urlencoded",
                               "X-Request-ID": request_id})
    assert r.status_code == 400, r.text
    marker = request_id.encode()

    def refused_line():
        raw = [line for line in svc.log_path.read_bytes().splitlines()
               if marker in line and b'"token.refused"' in line]
        return raw[0] if raw else None

    wait_until(refused_line, timeout=15)
    raw = refused_line()
    text = raw.decode("utf-8")  # strict: raises on any ill-formed byte
    line = json.loads(text)
    assert line["subject"]
    assert len(line["subject"]) <= MAX_LOG_VALUE_BYTES + 1  # at most a code point per byte, +…
    assert len(raw) < 6 * MAX_LOG_VALUE_BYTES + 512
    if len(username) > MAX_LOG_VALUE_BYTES:
        assert line["subject"].endswith("…")
    else:  # ill-formed bytes -> U+FFFD (one per maximal bad subpart); controls kept, escaped
        assert line["subject"] == "mallory\ufffd\ufffd\ufffd(\ufffd\ufffd\ufffd\x1b[31m\n"
        assert "\\u001b" in text and "\\n" in text
    # Every line of the log stays valid UTF-8 JSON.
    for other in svc.log_path.read_bytes().splitlines():
        json.loads(other.decode("utf-8"))
