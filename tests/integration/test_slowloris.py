"""Slow and idle clients cannot hold the server (issue 3): the header, body and idle timeouts
close them, and while many of them are connected to a one-thread server a normal client is still
served; the connection cap answers 503 and closes beyond its bound."""
import json
import socket
import threading
import time

import pytest
import requests

from conftest import start_service, wait_until
from helpers_core import REQUEST_TIMEOUT, RawConnection, request_bytes

# Short timeouts so every wait below is bounded by a few seconds; the closes are asserted with a
# generous bound (CLOSE_BOUND), never a tight one.
TIMEOUT_FLAGS = ("--threads", "1", "--header-timeout", "1s", "--body-timeout", "1s",
                 "--idle-timeout", "1s")
CLOSE_BOUND = 15


@pytest.fixture(scope="module")
def slow_service(tmp_path_factory):
    svc = start_service(tmp_path_factory.mktemp("slow"), *TIMEOUT_FLAGS)
    yield svc
    svc.stop()


class Trickler(threading.Thread):
    """A slow-loris client: one header byte every `interval` until the server hangs up."""

    def __init__(self, port, payload, interval=0.2):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=CLOSE_BOUND)
        self.payload = payload
        self.interval = interval
        self.received = b""
        self.closed_by_server = False
        self.stop_event = threading.Event()

    def run(self):
        self.sock.setblocking(False)
        for byte in self.payload:
            if self.stop_event.is_set():
                return
            try:
                self.sock.send(bytes([byte]))
            except OSError:
                self.closed_by_server = True
                return
            if self._drain():
                return
            time.sleep(self.interval)

    def _drain(self):
        try:
            while True:
                chunk = self.sock.recv(4096)
                if not chunk:
                    self.closed_by_server = True
                    return True
                self.received += chunk
        except BlockingIOError:
            return False
        except OSError:
            self.closed_by_server = True
            return True

    def stop(self):
        self.stop_event.set()
        self.join(timeout=CLOSE_BOUND)
        self.sock.close()


def endless_header():
    return b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 10_000


def test_trickled_header_is_cut_off(slow_service):
    client = Trickler(slow_service.port, endless_header())
    client.start()
    client.join(timeout=CLOSE_BOUND)
    try:
        assert client.closed_by_server, "the server kept a trickling header open"
        # A started header that never ends is answered 408 before the close.
        assert client.received.startswith(b"HTTP/1.1 408 "), client.received[:100]
    finally:
        client.stop()


def test_silent_connection_is_closed(slow_service):
    with RawConnection(slow_service.port) as conn:
        assert conn.closed_by_peer(CLOSE_BOUND)
        # Nothing was asked, so nothing is answered: a bare close.
        assert conn.buffer == b"", conn.buffer[:100]


def test_trickled_body_is_cut_off_with_408(slow_service):
    with RawConnection(slow_service.port) as conn:
        conn.send(request_bytes("POST", "/predict", {"Content-Type": "application/json",
                                                     "Content-Length": "100"}) + b'{"te')
        response = conn.read_response()
        assert response.status == 408
        assert "detail" in response.json()
        assert conn.closed_by_peer(CLOSE_BOUND)


def test_idle_keep_alive_connection_is_closed(slow_service):
    with RawConnection(slow_service.port) as conn:
        conn.send(request_bytes("GET", "/healthz"))
        assert conn.read_response().status == 200
        assert conn.closed_by_peer(CLOSE_BOUND)


def test_slow_clients_do_not_starve_a_one_thread_server(slow_service):
    token = slow_service.token("alice")
    tricklers = [Trickler(slow_service.port, endless_header(), interval=0.1) for _ in range(20)]
    for client in tricklers:
        client.start()
    try:
        # While all of them are connected and trickling, normal requests are answered.
        for _ in range(5):
            r = requests.get(slow_service.url("/healthz"), timeout=REQUEST_TIMEOUT)
            assert r.status_code == 200
            r = requests.post(slow_service.url("/predict"), json={"text": "I love it"},
                              headers={"Authorization": f"Bearer {token}"},
                              timeout=REQUEST_TIMEOUT)
            assert r.status_code == 200
            assert r.json()["label"] == "POSITIVE"
    finally:
        for client in tricklers:
            client.join(timeout=CLOSE_BOUND)
    assert all(client.closed_by_server for client in tricklers)
    for client in tricklers:
        client.stop()


def test_connection_cap_answers_503_and_recovers(fresh_service):
    svc = fresh_service("--max-connections", "4")
    held = []
    try:
        for _ in range(4):
            conn = RawConnection(svc.port)
            conn.send(request_bytes("GET", "/healthz"))
            assert conn.read_response().status == 200
            held.append(conn)
        with RawConnection(svc.port) as extra:
            extra.send(request_bytes("GET", "/healthz"))
            refused = extra.read_response()
            assert refused.status == 503
            assert "detail" in refused.json()
            assert extra.closed_by_peer()
        held.pop().close()

        def served():
            with RawConnection(svc.port) as again:
                again.send(request_bytes("GET", "/healthz"))
                return again.read_response().status == 200

        wait_until(served, timeout=CLOSE_BOUND)
    finally:
        for conn in held:
            conn.close()


def test_slow_reader_does_not_block_others(slow_service):
    """A client that sends requests but never reads the answers cannot hold the worker."""
    token = slow_service.token("alice")
    body = json.dumps({"text": "x" * 9000}).encode()
    hog = socket.create_connection(("127.0.0.1", slow_service.port), timeout=CLOSE_BOUND)
    try:
        hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        request = request_bytes("POST", "/predict/batch", {
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            json.dumps({"texts": ["y" * 200] * 200}).encode())
        hog.setblocking(False)
        for _ in range(50):
            try:
                hog.send(request)
            except (BlockingIOError, OSError):
                break
        r = requests.post(slow_service.url("/predict"), data=body,
                          headers={"Authorization": f"Bearer {token}",
                                   "Content-Type": "application/json"}, timeout=REQUEST_TIMEOUT)
        assert r.status_code == 200
    finally:
        hog.close()
