"""Expect: 100-continue is answered only after the whole admission (issue 18 item 5): the rate
limits and the deny-list too, not only the route, the token and its scope. A client over its
limit, or with a revoked token, hears 429/401 without uploading its body; one within its limit
gets 100, sends the body, and the request is counted once. With the in-process store and with a
real redis-server (the admission then waits for an asynchronous Redis round trip before the
100)."""
import json

import pytest
import requests

import conftest
from helpers_core import RawConnection, request_bytes

BODY = json.dumps({"text": "what a good day"}).encode()
LIMIT = ("--rate-limit-predict", "1/3600s+2", "--rate-limit-default", "1000/60s+1000",
         "--rate-limit-token", "1000/60s+1000")


@pytest.fixture(params=["memory", "redis"])
def svc(request, tmp_path):
    args = list(LIMIT)
    if request.param == "redis":
        redis = request.getfixturevalue("redis_server")
        args += ["--redis-host", "127.0.0.1", "--redis-port", str(redis.port),
                 "--redis-key-prefix", "expect-test:"]
    service = conftest.start_service(tmp_path / request.param, *args)
    yield service
    service.stop()


def expect_head(token, length=len(BODY)):
    return request_bytes("POST", "/predict", {
        "Content-Type": "application/json", "Authorization": f"Bearer {token}",
        "Expect": "100-continue", "Content-Length": str(length)})


def predict(svc, token):
    return requests.post(svc.url("/predict"), json={"text": "x"},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)


def continue_then_send(svc, token):
    """Headers with Expect; the 100 must come first, then the body, then the final answer."""
    with RawConnection(svc.port) as conn:
        conn.send(expect_head(token))
        interim = conn.read_response(head_only=True)
        assert interim.status == 100, interim
        conn.send(BODY)
        return conn.read_response()


def refused_before_the_body(svc, token, status):
    """Headers with Expect and a large Content-Length: the final answer comes without a 100, and
    the connection closes with the body never sent (so never read)."""
    with RawConnection(svc.port) as conn:
        conn.send(expect_head(token, length=60_000))
        response = conn.read_response()
        assert response.status == status, response  # no 100 before it
        assert response.json()["detail"]
        assert response.headers.get("x-request-id")
        assert conn.closed_by_peer()
        return response


def test_over_the_limit_gets_429_before_the_upload(svc):
    token = svc.token()
    # Within the limit: 100, the body, then 200 with the limiter's headers (set at admission,
    # before the 100, and carried to the final answer).
    final = continue_then_send(svc, token)
    assert final.status == 200 and final.json()["label"] == "POSITIVE", final
    assert "ratelimit" in final.headers and "ratelimit-policy" in final.headers, final.headers
    # The Expect request was counted once: the rest of the burst still passes, then 429.
    answers = [predict(svc, token).status_code for _ in range(4)]
    assert answers[:2] == [200, 200] and answers[2:] == [429, 429], answers
    # Over the limit: 429 at once, the body never asked for.
    refused = refused_before_the_body(svc, token, 429)
    assert refused.headers.get("retry-after"), refused.headers


def test_a_revoked_token_gets_401_before_the_upload(svc):
    token = svc.token("root")
    assert continue_then_send(svc, token).status == 200
    revoke = requests.post(svc.url("/token/revoke"), data={"token": token},
                           headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert revoke.status_code == 200, revoke.text
    refused = refused_before_the_body(svc, token, 401)
    assert "invalid_token" in refused.headers.get("www-authenticate", ""), refused.headers
