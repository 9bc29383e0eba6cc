"""HTTP-level refusals are visible (issue 18 item 5): 400, 411, 413, 414 and 431 carry a request
id, the security headers and CORS like every answer, write an `http.refused` log line (at most one
per client per second, with the count left out) and are counted."""
import time

import pytest

import conftest
from helpers_core import (assert_security_headers, metric_sum, parse_metrics, raw_exchange,
                          request_bytes, scrape)

ORIGIN = "https://app.example"

REFUSALS = {
    400: lambda: b"GARBAGE\r\n\r\n",
    411: lambda: request_bytes("POST", "/predict", {"Transfer-Encoding": "chunked",
                                                    "Origin": ORIGIN}),
    413: lambda: request_bytes("POST", "/predict", {"Content-Length": str(10 * 1024 * 1024),
                                                    "Origin": ORIGIN}),
    414: lambda: request_bytes("GET", "/" + "a" * 10_000),  # above the target limit, not 16 KiB
    431: lambda: request_bytes("GET", "/healthz", {"X-Big": "a" * 20_000}),
}


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    service = conftest.start_service(tmp_path_factory.mktemp("refusals"), "--cors-origins", ORIGIN)
    yield service
    service.stop()


def refused_lines(svc):
    return [line for line in svc.log_lines() if line.get("event") == "http.refused"]


@pytest.mark.parametrize("status", sorted(REFUSALS))
def test_refusal_is_answered_like_any_request_and_logged(svc, status):
    time.sleep(1.05)  # a new second for this client: its next refusal is logged
    response, closed = raw_exchange(svc.port, REFUSALS[status]())
    assert response.status == status, response
    assert closed
    assert response.json()["detail"], response
    request_id = response.headers.get("x-request-id")
    assert request_id, response.headers
    assert_security_headers(response.headers, f"refusal {status}")
    if status in (411, 413):  # the header block was read: its Origin is honoured
        assert response.headers.get("access-control-allow-origin") == ORIGIN, response.headers
    def logged():
        return [l for l in refused_lines(svc) if l.get("request_id") == request_id]
    conftest.wait_until(logged, timeout=10)
    line = logged()[0]
    assert line["status"] == status and line["client"] == "127.0.0.1", line
    assert line["level"] == "warn" and line["reason"], line


def test_a_flood_of_refusals_is_logged_within_a_bound(svc):
    time.sleep(1.05)
    before = len(refused_lines(svc))
    for _ in range(30):
        raw_exchange(svc.port, b"GARBAGE\r\n\r\n", close_wait=1)
    written = len(refused_lines(svc)) - before
    assert 1 <= written < 15, written  # one per second per client, not one per request
    time.sleep(1.05)
    raw_exchange(svc.port, b"GARBAGE\r\n\r\n")
    lines = refused_lines(svc)[before:]
    assert len(lines) == written + 1
    # Every refusal is accounted for: logged, or counted in the next line that was.
    assert len(lines) + sum(line["unlogged_before"] for line in lines) == 31, lines
    samples, _ = parse_metrics(scrape(svc))
    assert metric_sum(samples, "smlapi_http_requests_total", status="400") >= 31
