"""A drain that loses nothing (issue 15): from SIGTERM on, every request the server received is
answered, each answer says `Connection: close` and its connection closes after it, the listener
keeps serving new connections until --shutdown-delay ends, and requests already buffered
(pipelined) when a connection is told to close are answered before it closes.

The clients behave as a proxy must: they stop sending on a connection once an answer said
`Connection: close` and open a new one while the listener accepts. A request counts as sent only
once it was written in full; the server must answer every one of them."""
import json
import signal
import socket
import threading

import requests

from conftest import wait_until
from helpers_core import RawConnection, request_bytes

EXIT_BOUND = 60  # seconds: a bound on waiting (answers, exit), not a performance claim
CLIENTS = 16  # as in the report of issue 15


class Link:
    """What happened on one client connection."""

    def __init__(self, opened_after_sigterm):
        self.opened_after_sigterm = opened_after_sigterm
        self.sent = 0           # requests written in full
        self.answered = 0
        self.statuses = []
        self.last_closes = False  # the last answer said Connection: close
        self.ended_by = None     # "close answer", or what went wrong

    def __repr__(self):
        return (f"Link(after={self.opened_after_sigterm}, sent={self.sent}, "
                f"answered={self.answered}, last_closes={self.last_closes}, "
                f"ended_by={self.ended_by!r})")


class KeepAliveClients:
    """CLIENTS threads, each sending requests back to back on keep-alive connections until the
    server no longer accepts connections after SIGTERM."""

    def __init__(self, svc, token):
        self.svc = svc
        self.requests = [
            request_bytes("GET", "/healthz"),
            request_bytes("POST", "/predict", {"Content-Type": "application/json",
                                               "Authorization": f"Bearer {token}"},
                          body=json.dumps({"text": "I love it"})),
        ]
        self.sigterm_sent = threading.Event()
        self.links = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(CLIENTS)]

    def run(self):
        while True:
            after = self.sigterm_sent.is_set()
            try:
                conn = RawConnection(self.svc.port, timeout=EXIT_BOUND)
            except ConnectionRefusedError:
                return  # the delay is over (or, before SIGTERM, the test fails on no answers)
            link = Link(after)
            with self.lock:
                self.links.append(link)
            with conn:
                self.converse(conn, link)

    def converse(self, conn, link):
        for n in range(1_000_000):
            try:
                conn.send(self.requests[n % len(self.requests)])
            except OSError as error:
                link.ended_by = f"send failed: {error!r}"
                return
            link.sent += 1
            try:
                response = conn.read_response()
            except (OSError, ConnectionError) as error:
                link.ended_by = f"no answer: {error!r}"
                return
            link.answered += 1
            link.statuses.append(response.status)
            link.last_closes = response.closes()
            if link.last_closes:
                link.ended_by = "close answer"
                return

    def answered(self):
        with self.lock:
            return sum(link.answered for link in self.links)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        for thread in self.threads:
            thread.join(timeout=EXIT_BOUND)
        assert not any(thread.is_alive() for thread in self.threads), "a client hung"


def test_keep_alive_load_through_sigterm_loses_no_request(fresh_service):
    svc = fresh_service("--shutdown-delay", "1s", "--shutdown-timeout", "20s")
    token = svc.token()
    with KeepAliveClients(svc, token) as clients:
        wait_until(lambda: clients.answered() >= CLIENTS * 20, timeout=EXIT_BOUND)
        clients.sigterm_sent.set()
        svc.proc.send_signal(signal.SIGTERM)
        assert svc.proc.wait(timeout=EXIT_BOUND) == 0, svc.log_text()[-3000:]
    links = clients.links
    lost = [link for link in links if link.sent != link.answered]
    assert not lost, lost
    # Every connection ended the way a proxy can act on: an answer that announced the close.
    unannounced = [link for link in links if not link.last_closes]
    assert not unannounced, unannounced
    assert all(status == 200 for link in links for status in link.statuses), \
        [link.statuses for link in links if any(s != 200 for s in link.statuses)]
    # Clients that reconnected during the delay were served.
    assert any(link.opened_after_sigterm and link.answered for link in links), links
    assert_finished_before_the_timeout(svc)


def test_pipelined_requests_during_the_delay_are_all_answered(fresh_service):
    # The delay only has to outlast the few exchanges below: 10 s is far beyond them.
    svc = fresh_service("--shutdown-delay", "10s", "--shutdown-timeout", "20s")
    with RawConnection(svc.port, timeout=EXIT_BOUND) as conn:
        conn.send(request_bytes("GET", "/healthz"))
        assert not conn.read_response().closes()  # an open keep-alive connection
        svc.proc.send_signal(signal.SIGTERM)
        wait_until(lambda: requests.get(svc.url("/readyz"), timeout=5).status_code == 503,
                   timeout=EXIT_BOUND)
        conn.send(request_bytes("GET", "/healthz") * 3 + request_bytes("GET", "/readyz"))
        answers = [conn.read_response() for _ in range(4)]
        assert [a.status for a in answers] == [200, 200, 200, 503], answers
        # The close is announced once, by the last answer to what the client sent.
        assert [a.closes() for a in answers] == [False, False, False, True], answers
        assert conn.closed_by_peer(EXIT_BOUND)
    assert svc.proc.wait(timeout=EXIT_BOUND) == 0, svc.log_text()[-3000:]
    assert_finished_before_the_timeout(svc)


def test_requests_buffered_when_the_listener_closes_are_answered(fresh_service):
    svc = fresh_service("--shutdown-delay", "1s", "--shutdown-timeout", "20s")
    token = svc.token()
    body = json.dumps({"text": "I love it"}).encode()
    with RawConnection(svc.port, timeout=EXIT_BOUND) as conn:
        # Expect: 100-continue: the 100 says the server holds the request (a request in flight).
        conn.send(request_bytes("POST", "/predict", {
            "Content-Type": "application/json", "Authorization": f"Bearer {token}",
            "Content-Length": str(len(body)), "Expect": "100-continue"}) + body[:5])
        assert conn.read_response(head_only=True).status == 100
        svc.proc.send_signal(signal.SIGTERM)
        wait_until(lambda: not listening(svc), timeout=EXIT_BOUND)  # the delay is over
        assert svc.alive(), "exited before the in-flight request finished"
        # The rest of the body and two more requests behind it, in one write.
        conn.send(body[5:] + request_bytes("GET", "/healthz") * 2)
        answers = [conn.read_response() for _ in range(3)]
        assert [a.status for a in answers] == [200, 200, 200], answers
        assert answers[0].json()["label"] == "POSITIVE"
        assert answers[-1].closes(), answers
        assert conn.closed_by_peer(EXIT_BOUND)
    assert svc.proc.wait(timeout=EXIT_BOUND) == 0, svc.log_text()[-3000:]
    assert_finished_before_the_timeout(svc)


def test_new_connection_at_the_end_of_the_delay_is_served(fresh_service):
    """A connection accepted but silent when the delay ends was opened to send a request: it is
    not closed under its client like an idle keep-alive connection."""
    svc = fresh_service("--shutdown-delay", "1s", "--shutdown-timeout", "20s")
    with RawConnection(svc.port, timeout=EXIT_BOUND) as fresh:
        svc.proc.send_signal(signal.SIGTERM)
        wait_until(lambda: not listening(svc), timeout=EXIT_BOUND)
        fresh.send(request_bytes("GET", "/healthz"))
        answer = fresh.read_response()
        assert answer.status == 200 and answer.closes(), answer
    assert svc.proc.wait(timeout=EXIT_BOUND) == 0, svc.log_text()[-3000:]
    assert_finished_before_the_timeout(svc)


def assert_finished_before_the_timeout(svc):
    """The exit came from the work running out, not from --shutdown-timeout cutting it off."""
    events = [(line.get("level"), line.get("message", line.get("msg")))
              for line in svc.log_lines() if line.get("event") == "shutdown"]
    assert events and events[-1] == ("info", "stopped after finishing in-flight requests"), \
        svc.log_text()[-2000:]


def listening(svc):
    try:
        with socket.create_connection(("127.0.0.1", svc.port), timeout=2):
            return True
    except OSError:
        return False
