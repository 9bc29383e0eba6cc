"""HTTP/1.1 behaviour over raw sockets: keep-alive, pipelining, concurrent clients, malformed
requests (400 and a closed connection, never a crash), header/target/body limits (431/414/413),
Expect: 100-continue, chunked bodies (issue 3; RFC 9110/9112)."""
import json
import threading

import pytest
import requests

from helpers_core import (REQUEST_TIMEOUT, RawConnection, expected_label, predict_request,
                          raw_exchange, request_bytes)


@pytest.fixture(scope="module")
def token(service):
    return service.token("alice")


def assert_alive(svc):
    r = requests.get(svc.url("/healthz"), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200
    assert svc.alive()


# ---- keep-alive and pipelining --------------------------------------------------------------

def test_keep_alive_serves_many_requests_on_one_connection(service, token):
    with RawConnection(service.port) as conn:
        for i in range(20):
            conn.send(request_bytes("GET", "/healthz", {"X-Request-ID": f"ka-{i}"}))
            response = conn.read_response()
            assert response.status == 200
            assert response.headers["x-request-id"] == f"ka-{i}"
            assert not response.closes()
        conn.send(predict_request(token, "I love it"))
        assert conn.read_response().json()["label"] == "POSITIVE"


def test_connection_close_is_honoured(service):
    with RawConnection(service.port) as conn:
        conn.send(request_bytes("GET", "/healthz", {"Connection": "close"}))
        response = conn.read_response()
        assert response.status == 200
        assert response.closes()
        assert conn.closed_by_peer()


def test_http_1_0_closes_by_default(service):
    with RawConnection(service.port) as conn:
        conn.send(b"GET /healthz HTTP/1.0\r\n\r\n")
        response = conn.read_response()
        assert response.status == 200
        assert response.json() == {"status": "ok"}
        assert conn.closed_by_peer()


def test_pipelined_requests_are_answered_in_order(service, token):
    texts = ["I love it", "I hate it", "The chair", "Wonderful", "Terrible"]
    batch = b"".join(predict_request(token, text, {"X-Request-ID": f"pipe-{i}"})
                     for i, text in enumerate(texts))
    batch += request_bytes("GET", "/healthz", {"X-Request-ID": "pipe-last"})
    with RawConnection(service.port) as conn:
        conn.send(batch)  # one write: all requests arrive before the first answer
        for i, text in enumerate(texts):
            response = conn.read_response()
            assert response.status == 200, response
            assert response.headers["x-request-id"] == f"pipe-{i}"
            body = response.json()
            assert body["label"] == expected_label(body["score"])
        last = conn.read_response()
        assert last.headers["x-request-id"] == "pipe-last"
        assert last.json() == {"status": "ok"}


def test_pipelined_malformed_request_ends_the_connection(service):
    good = request_bytes("GET", "/healthz")
    with RawConnection(service.port) as conn:
        conn.send(good + good + b"GARBAGE\r\n\r\n" + good)
        assert conn.read_response().status == 200
        assert conn.read_response().status == 200
        refused = conn.read_response()
        assert refused.status == 400
        assert refused.closes()
        assert conn.closed_by_peer()
        assert b"HTTP/1.1" not in conn.buffer, "a request after the malformed one was served"


def test_head_has_headers_but_no_body(service):
    with RawConnection(service.port) as conn:
        conn.send(request_bytes("HEAD", "/healthz") + request_bytes("GET", "/healthz"))
        head = conn.read_response(head_only=True)
        assert head.status == 200
        get = conn.read_response()
        assert get.json() == {"status": "ok"}


def test_concurrent_clients(service, token):
    texts = [f"{word} number {n}" for n in range(8) for word in ("great", "awful", "plain")]
    expected = {}
    for text in set(texts):
        r = requests.post(service.url("/predict"), json={"text": text},
                          headers={"Authorization": f"Bearer {token}"}, timeout=REQUEST_TIMEOUT)
        expected[text] = r.json()["scores"]
    failures = []

    def client(worker):
        session = requests.Session()
        try:
            for round_ in range(10):
                text = texts[(worker + round_) % len(texts)]
                r = session.post(service.url("/predict"), json={"text": text},
                                 headers={"Authorization": f"Bearer {token}"},
                                 timeout=REQUEST_TIMEOUT)
                if r.status_code != 200 or r.json()["scores"] != expected[text]:
                    failures.append((worker, text, r.status_code, r.text[:200]))
        except Exception as error:  # noqa: BLE001 - collected and reported below
            failures.append((worker, repr(error)))

    threads = [threading.Thread(target=client, args=(w,)) for w in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []


def test_max_requests_per_connection(fresh_service):
    svc = fresh_service("--max-requests-per-connection", "3")
    with RawConnection(svc.port) as conn:
        for _ in range(2):
            conn.send(request_bytes("GET", "/healthz"))
            assert not conn.read_response().closes()
        conn.send(request_bytes("GET", "/healthz"))
        third = conn.read_response()
        assert third.status == 200
        assert third.closes()
        assert conn.closed_by_peer()


# ---- malformed requests ---------------------------------------------------------------------

MALFORMED = [
    ("garbage", b"HELLO\r\n\r\n"),
    ("binary noise", bytes(range(1, 32)) + b"\r\n\r\n"),
    ("unknown version", b"GET /healthz HTTP/9.9\r\nHost: a\r\n\r\n"),
    ("HTTP/2 over HTTP/1", b"GET /healthz HTTP/2.0\r\nHost: a\r\n\r\n"),
    ("h2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
    ("double space", b"GET  /healthz HTTP/1.1\r\nHost: a\r\n\r\n"),
    ("control char in target", b"GET /hea\x01lthz HTTP/1.1\r\nHost: a\r\n\r\n"),
    ("header without colon", b"GET /healthz HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n"),
    ("space before colon", b"GET /healthz HTTP/1.1\r\nHost : a\r\n\r\n"),
    ("NUL in a header", b"GET /healthz HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n"),
    ("bare LF line ends", b"GET /healthz HTTP/1.1\nHost: a\n\n"),
    ("leading empty lines then garbage", b"\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"),
    # RFC 9112 section 3.2: a request without Host (or with two) gets 400.
    ("HTTP/1.1 without Host", b"GET /healthz HTTP/1.1\r\n\r\n"),
    ("two Host fields", b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
    ("non-numeric Content-Length",
     b"POST /predict HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n"),
    ("negative Content-Length", b"POST /predict HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"),
    ("conflicting Content-Length",
     b"POST /predict HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
    # RFC 9112 section 6.1/6.3: CL with TE, or TE whose final coding is not chunked -> 400.
    ("Content-Length with Transfer-Encoding",
     b"POST /predict HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n"
     b"\r\n0\r\n\r\n"),
    ("Transfer-Encoding not ending in chunked",
     b"POST /predict HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"),
]


@pytest.mark.parametrize("name, raw", MALFORMED, ids=[case[0] for case in MALFORMED])
def test_malformed_request_is_400_and_closed(service, name, raw):
    response, closed = raw_exchange(service.port, raw)
    assert response.status == 400, (name, response)
    assert response.json() == {"detail": response.json()["detail"]}
    assert response.closes(), response.headers
    assert closed
    assert_alive(service)


# ---- limits ---------------------------------------------------------------------------------

def test_header_block_too_large_is_431(service):
    response, closed = raw_exchange(service.port,
                                    request_bytes("GET", "/healthz", {"X-Big": "a" * 20_000}))
    assert response.status == 431
    assert "detail" in response.json()
    assert closed


def test_header_block_within_the_limit_is_accepted(service):
    response, _ = raw_exchange(service.port, request_bytes(
        "GET", "/healthz", {"X-Big": "a" * 12_000, "Connection": "close"}))
    assert response.status == 200


def test_too_many_header_fields_is_431(service):
    headers = {f"X-Field-{i}": "v" for i in range(150)}
    response, closed = raw_exchange(service.port, request_bytes("GET", "/healthz", headers))
    assert response.status == 431
    assert closed


def test_request_target_too_long_is_414(service):
    response, closed = raw_exchange(service.port, request_bytes("GET", "/" + "a" * 5000))
    assert response.status == 414
    assert "detail" in response.json()
    assert closed


def test_huge_request_target_is_refused(service):
    # Beyond the whole header budget the header limit answers first (431), never a hang or a
    # crash; a target within the header budget but over its own limit is 414 (test above).
    response, closed = raw_exchange(service.port, request_bytes("GET", "/" + "a" * 40_000))
    assert response.status == 431, response
    assert response.json() == {"detail": "Request header fields too large"}
    assert closed
    assert_alive(service)


def test_declared_body_too_large_is_413_without_reading_it(service, token):
    with RawConnection(service.port) as conn:
        conn.send(request_bytes("POST", "/predict", {
            "Content-Type": "application/json", "Authorization": f"Bearer {token}",
            "Content-Length": "10000000"}))
        response = conn.read_response()  # answered before any body byte is sent
        assert response.status == 413
        assert response.closes()
        assert conn.closed_by_peer()


# Chunked request bodies are refused with 411 Length Required (RFC 9112 section
# 6.3 allows it): API bodies are small JSON whose length clients know, and it
# keeps Boost 1.81's chunk-trailer parser (a fuzzer finding) unreachable.
@pytest.mark.parametrize("chunks", [
    b"5\r\n{\"tex\r\n0\r\n\r\n",
    b"zz\r\n",
    b"0\r\nOr\r\nabc\r\n0\r\nT: \nTr~nsfer-Eked\r\x03\n\r\n3\n\r\n",  # the fuzzer's input
])
def test_chunked_body_is_refused_with_411(service, token, chunks):
    response, closed = raw_exchange(service.port, request_bytes("POST", "/predict", {
        "Content-Type": "application/json", "Authorization": f"Bearer {token}",
        "Transfer-Encoding": "chunked"}, chunks))
    assert response.status == 411, response
    assert "detail" in response.json()
    assert closed
    assert service.alive()


def test_configured_header_limit(fresh_service):
    svc = fresh_service("--max-header-bytes", "2048")
    response, closed = raw_exchange(svc.port,
                                    request_bytes("GET", "/healthz", {"X-Big": "a" * 3000}))
    assert response.status == 431
    assert closed
    response, _ = raw_exchange(svc.port, request_bytes("GET", "/healthz", {"Connection": "close"}))
    assert response.status == 200


# ---- Expect: 100-continue -------------------------------------------------------------------

def test_expect_100_continue(service, token):
    body = json.dumps({"text": "I love it"}).encode()
    with RawConnection(service.port) as conn:
        conn.send(request_bytes("POST", "/predict", {
            "Content-Type": "application/json", "Authorization": f"Bearer {token}",
            "Expect": "100-continue", "Content-Length": str(len(body))}))
        interim = conn.read_response()
        assert interim.status == 100
        conn.send(body)
        final = conn.read_response()
        assert final.status == 200
        assert final.json()["label"] == "POSITIVE"


def test_expect_100_continue_with_oversize_body_gets_413_not_100(service, token):
    with RawConnection(service.port) as conn:
        conn.send(request_bytes("POST", "/predict", {
            "Content-Type": "application/json", "Authorization": f"Bearer {token}",
            "Expect": "100-continue", "Content-Length": "1000000"}))
        response = conn.read_response()
        assert response.status == 413
        assert conn.closed_by_peer()


@pytest.mark.parametrize("case", ["no token", "bad token", "wrong scope", "unknown route",
                                  "wrong method"])
def test_expect_100_continue_is_refused_before_the_upload(service, token, case):
    # The review: 100 Continue went out before authentication, so an anonymous client could make
    # the server wait for (and read) any body up to the limit. Now the head is judged first.
    headers = {"Content-Type": "application/json", "Expect": "100-continue",
               "Content-Length": "60000"}
    method, path, status = "POST", "/predict", 401
    if case == "bad token":
        headers["Authorization"] = f"Bearer {token}x"
    elif case == "wrong scope":
        headers["Authorization"] = f"Bearer {service.token('nobody')}"
        status = 403
    elif case == "unknown route":
        headers["Authorization"] = f"Bearer {token}"
        path, status = "/nowhere", 404
    elif case == "wrong method":
        headers["Authorization"] = f"Bearer {token}"
        method, path, status = "PUT", "/predict", 405
    with RawConnection(service.port) as conn:
        conn.send(request_bytes(method, path, headers))
        response = conn.read_response()
        assert response.status == status, response  # final, with no 100 before it
        assert response.json()["detail"]
        assert response.headers.get("x-request-id")
        assert conn.closed_by_peer()
