"""Graceful shutdown as Kubernetes expects (issue 3): on SIGTERM readiness turns false while the
server keeps serving for --shutdown-delay, in-flight requests finish, then the process exits 0."""
import json
import signal
import threading
import time

import pytest
import requests

from conftest import wait_until
from helpers_core import REQUEST_TIMEOUT, RawConnection, request_bytes

EXIT_BOUND = 60  # seconds: a bound on waiting for the exit, not a performance claim


class Load:
    """Background clients posting /predict until stopped; records every outcome."""

    def __init__(self, svc, token, clients=4):
        self.svc = svc
        self.token = token
        self.stop_event = threading.Event()
        self.sigterm_sent = threading.Event()
        self.statuses = []           # (after_sigterm, status)
        self.errors = []             # connection errors (expected once the listener closes)
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(clients)]

    def run(self):
        session = requests.Session()
        while not self.stop_event.is_set():
            after = self.sigterm_sent.is_set()
            try:
                r = session.post(self.svc.url("/predict"), json={"text": "I love it"},
                                 headers={"Authorization": f"Bearer {self.token}"},
                                 timeout=REQUEST_TIMEOUT)
                self.statuses.append((after, r.status_code))
            except requests.RequestException as error:
                self.errors.append((after, repr(error)))
                session = requests.Session()
                if not self.svc.alive():
                    return

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=EXIT_BOUND)


def test_sigterm_during_load(fresh_service):
    svc = fresh_service("--shutdown-delay", "5s", "--shutdown-timeout", "10s")
    token = svc.token()
    with Load(svc, token) as load:
        wait_until(lambda: len(load.statuses) >= 20, timeout=EXIT_BOUND)
        load.sigterm_sent.set()
        svc.proc.send_signal(signal.SIGTERM)

        # During the delay: not ready, but alive, still accepting and answering API requests,
        # each answer with Connection: close (issue 15), so the session reconnects for the next.
        probe = requests.Session()
        drained = []

        def draining():
            ready = probe.get(svc.url("/readyz"), timeout=REQUEST_TIMEOUT)
            drained.append(ready)
            return ready.status_code == 503

        def draining_or_gone():
            # A service that exits without ever answering 503 fails here at once, not after
            # EXIT_BOUND (wait_until would retry its connection errors until then).
            if svc.proc.poll() is not None:
                raise pytest.fail.Exception("exited before /readyz ever answered 503")
            return draining()

        deadline = time.monotonic() + EXIT_BOUND
        while not draining_or_gone():
            assert time.monotonic() < deadline, "/readyz never answered 503"
            time.sleep(0.05)
        assert drained[-1].json()["status"] == "draining", drained[-1].text
        assert all(r.status_code == 200 for r in drained[:-1]), [r.status_code for r in drained]
        healthy = probe.get(svc.url("/healthz"), timeout=REQUEST_TIMEOUT)
        assert healthy.status_code == 200
        assert healthy.headers.get("Connection", "").lower() == "close", healthy.headers
        served = probe.post(svc.url("/predict"), json={"text": "still serving"},
                            headers={"Authorization": f"Bearer {token}"},
                            timeout=REQUEST_TIMEOUT)
        assert served.status_code == 200, served.text
        assert served.headers.get("Connection", "").lower() == "close", served.headers
        assert svc.proc.wait(timeout=EXIT_BOUND) == 0
    # Every answer the load got was a real result: nothing was cut off with a 5xx.
    assert all(status == 200 for _, status in load.statuses), load.statuses
    assert any(after for after, _ in load.statuses), "no request was served after SIGTERM"
    # Connection errors are expected only after SIGTERM (the listener closes after the delay).
    assert not any(not after for after, _ in load.errors), load.errors


def test_in_flight_request_finishes_after_the_delay(fresh_service):
    svc = fresh_service("--shutdown-delay", "1s", "--shutdown-timeout", "20s")
    token = svc.token()
    body = json.dumps({"text": "I love it"}).encode()
    with RawConnection(svc.port, timeout=EXIT_BOUND) as conn:
        # Header and part of the body sent: the request is in flight.
        conn.send(request_bytes("POST", "/predict", {
            "Content-Type": "application/json", "Authorization": f"Bearer {token}",
            "Content-Length": str(len(body))}) + body[:5])
        wait_until(lambda: any(line.get("event") == "access" and line.get("route") == "/token"
                               for line in svc.log_lines()), timeout=EXIT_BOUND)
        svc.proc.send_signal(signal.SIGTERM)
        probe = requests.Session()
        wait_until(lambda: probe.get(svc.url("/readyz"), timeout=5).status_code == 503,
                   timeout=EXIT_BOUND)
        # Wait until the delay is over (the listener is closed), then finish the request.
        wait_until(lambda: not listening(svc), timeout=EXIT_BOUND)
        assert svc.alive(), "exited before the in-flight request finished"
        conn.send(body[5:])
        response = conn.read_response()
        assert response.status == 200
        assert response.json()["label"] == "POSITIVE"
    assert svc.proc.wait(timeout=EXIT_BOUND) == 0


def shutdown_events(svc):
    return [(line.get("level"), line.get("message", line.get("msg")))
            for line in svc.log_lines() if line.get("event") == "shutdown"]


def listening(svc):
    try:
        requests.get(svc.url("/healthz"), timeout=2)
        return True
    except requests.ConnectionError:
        return False


def test_idle_keep_alive_connections_do_not_delay_exit(fresh_service):
    svc = fresh_service("--shutdown-timeout", "30s")
    with RawConnection(svc.port, timeout=EXIT_BOUND) as idle:
        idle.send(request_bytes("GET", "/healthz"))
        assert idle.read_response().status == 200
        svc.proc.send_signal(signal.SIGTERM)
        assert idle.closed_by_peer(EXIT_BOUND)
        assert svc.proc.wait(timeout=EXIT_BOUND) == 0
    # An idle connection is not in flight: the server stopped after finishing its work, not at
    # the 30 s deadline with a request cut off (that exit logs a warning instead).
    assert shutdown_events(svc)[-1] == ("info", "stopped after finishing in-flight requests"), \
        svc.log_text()[-2000:]


def test_unfinished_request_is_abandoned_at_the_deadline(fresh_service):
    svc = fresh_service("--shutdown-timeout", "1s")
    token = svc.token()
    with RawConnection(svc.port, timeout=EXIT_BOUND) as stuck:
        # Expect: 100-continue makes the server say when it holds the request and waits for
        # the rest of the body; without it, SIGTERM could win the race against the accept.
        stuck.send(request_bytes("POST", "/predict", {
            "Content-Type": "application/json", "Authorization": f"Bearer {token}",
            "Content-Length": "100", "Expect": "100-continue"}) + b'{"te')
        assert stuck.read_response(head_only=True).status == 100
        svc.proc.send_signal(signal.SIGTERM)
        assert svc.proc.wait(timeout=EXIT_BOUND) == 0, svc.log_text()[-3000:]
    # The operator learns that requests were cut off.
    assert any(line.get("event") == "shutdown" and line.get("level") == "warn"
               for line in svc.log_lines()), svc.log_text()[-2000:]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_exits_zero_and_logs_shutdown(fresh_service, sig):
    svc = fresh_service()
    assert requests.get(svc.url("/healthz"), timeout=REQUEST_TIMEOUT).status_code == 200
    svc.proc.send_signal(sig)
    assert svc.proc.wait(timeout=EXIT_BOUND) == 0
    events = [line for line in svc.log_lines() if line.get("event") == "shutdown"]
    assert events, svc.log_text()[-2000:]
    assert all(line.get("level") in ("info", "warn") for line in events), events
