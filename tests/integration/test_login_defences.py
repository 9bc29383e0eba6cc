"""Failed-login defences that cannot be turned against an account's owner (issue 16, item 4),
against the real binary over loopback. Many source addresses come from X-Forwarded-For with
--trusted-proxies 127.0.0.1/32, as a load balancer would send them.

The throttle counts failures per (account, source), per source and per account (new sources
only); a source is the limiter's identity: an IPv4 address, an IPv6 /64. The password-hashing
slots admit one hash per source at a time and keep half the slots for (account, source) pairs
that logged in successfully recently.
"""
import threading

import requests

import conftest
import helpers_auth as h
from helpers_auth import services_fixture  # noqa: F401 - provides the `services` fixture

PROXY = ("--trusted-proxies", "127.0.0.1/32")


def from_source(address):
    return {"X-Forwarded-For": address}


def login(svc, user, password, source, session=None):
    form = {"grant_type": "password", "username": user, "password": password}
    post = (session or requests).post
    return post(svc.url("/token"), data=form, headers=from_source(source), timeout=30)


def client_login(svc, client_id, secret, source):
    return h.post_token(svc, {"grant_type": "client_credentials"}, auth=(client_id, secret),
                        headers=from_source(source))


def alice_password():
    return conftest.USERS["alice"][0]


# ---- who gets locked ---------------------------------------------------------------------------

def test_guessing_from_elsewhere_does_not_lock_the_owner_out(services):
    """Main locked the account for every address after 5 failures (and kept it locked with one
    request per lock-out); now only the guessing source is throttled for that account."""
    svc = services(*PROXY)
    statuses = []

    def locked():
        r = login(svc, "alice", f"guess-{len(statuses)}", "203.0.113.9")
        statuses.append(r.status_code)
        return r.status_code == 429

    conftest.wait_until(locked, timeout=60, interval=0.1)
    assert statuses[:5] == [400] * 5, statuses
    # The attacker's source stays refused, even with the right password ...
    assert login(svc, "alice", alice_password(), "203.0.113.9").status_code == 429
    # ... the owner from their own address logs in.
    r = login(svc, "alice", alice_password(), "198.51.100.20")
    assert r.status_code == 200, r.text


def test_guessing_a_client_secret_does_not_lock_the_machine_client_out(services):
    svc = services(*PROXY)
    secret = conftest.CLIENTS["batch-job"][0]
    statuses = [client_login(svc, "batch-job", f"wrong-{i}", "203.0.113.10").status_code
                for i in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429, statuses
    r = client_login(svc, "batch-job", secret, "198.51.100.21")
    assert r.status_code == 200, r.text


def test_rotating_addresses_inside_one_ipv6_64_keeps_one_failure_counter(services):
    """Spraying from one /64 (a different address, and a different account, each time) is one
    source: it is stopped after 20 failures, as from one IPv4 address. Main counted the full
    IPv6 address, so every new address started again at zero."""
    svc = services(*PROXY)
    statuses = []
    for i in range(40):
        r = login(svc, f"user{i}", "password-guess", f"2001:db8:1:2::{i + 1:x}")
        statuses.append(r.status_code)
        if r.status_code == 429:
            break
    assert statuses[:20] == [400] * 20, statuses
    assert statuses[-1] == 429, statuses
    # Another /64 is another source.
    assert login(svc, "someone", "password-guess", "2001:db8:1:3::1").status_code == 400


def test_failure_counters_survive_a_flood_of_rate_limit_keys(services):
    """Main kept failure counters in the bounded LRU with the rate-limit keys: a flood of
    distinct addresses evicted them and the guessing source started again at zero."""
    svc = services(*PROXY, "--rate-limits", "on", "--rate-limit-token", "100000/1s+100000",
                   "--rate-limit-max-keys", "1000")
    attacker = "203.0.113.50"
    for i in range(19):  # one short of the per-source threshold (20), spread over accounts
        assert login(svc, f"user{i}", "guess", attacker).status_code == 400
    with requests.Session() as session:
        for i in range(5000):  # distinct rate-limit keys: 5x the store's capacity
            r = session.get(svc.url("/v2"), headers=from_source(f"10.{i // 250}.{i % 250}.1"),
                            timeout=30)
            assert r.status_code == 200, r.text
    statuses = [login(svc, f"next{i}", "guess", attacker).status_code for i in range(8)]
    assert 429 in statuses, statuses


# ---- the hashing slots -------------------------------------------------------------------------

class Flood:
    """Threads that send logins until stopped; `attempt(n)` sends the n-th and returns its status."""

    def __init__(self, threads, attempt):
        self.stop = threading.Event()
        self.statuses = []
        self.lock = threading.Lock()
        self.counter = 0
        self.threads = [threading.Thread(target=self.run, args=(attempt,)) for _ in range(threads)]

    def run(self, attempt):
        with requests.Session() as session:
            while not self.stop.is_set():
                with self.lock:
                    self.counter += 1
                    n = self.counter
                status = attempt(session, n)
                with self.lock:
                    self.statuses.append(status)
                if status == 503:
                    self.stop.wait(0.005)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        conftest.wait_until(lambda: len(self.statuses) >= 20, timeout=60)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def owner_statuses(svc, source, attempts=15):
    return [login(svc, "alice", alice_password(), source).status_code for _ in range(attempts)]


def test_many_sources_cannot_starve_a_known_user_of_the_hashing_slots(services):
    """A botnet (a new address for every attempt) keeps both hashing slots busy with wrong
    passwords; main answered the account's owner 503 most of the time. Half the slots are kept
    for (account, source) pairs that logged in recently."""
    svc = services(*PROXY, "--max-concurrent-hashes", "2")
    owner = "198.51.100.20"
    assert login(svc, "alice", alice_password(), owner).status_code == 200  # a known source

    def guess(session, n):
        return login(svc, f"victim{n % 50}", "guess", f"10.{n // 60000 % 250}.{n // 250 % 240}."
                     f"{n % 250 + 1}", session).status_code

    with Flood(12, guess) as flood:
        statuses = owner_statuses(svc, owner)
    assert statuses == [200] * len(statuses), statuses
    assert 503 in flood.statuses, "the flood did fill the unknown callers' share"


def test_one_source_holds_one_hashing_slot(services):
    """Many parallel logins from one /64 (here a valid account's, so no failure throttles
    them) hold one slot: a user from another source still gets one. Main let them hold all."""
    svc = services(*PROXY, "--max-concurrent-hashes", "2")
    root_password = conftest.USERS["root"][0]
    assert login(svc, "root", root_password, "2001:db8:bad:1::1").status_code == 200

    def hog(session, n):
        return login(svc, "root", root_password, f"2001:db8:bad:1::{n % 65000 + 1:x}",
                     session).status_code

    with Flood(8, hog) as flood:
        statuses = owner_statuses(svc, "198.51.100.30")
    assert statuses == [200] * len(statuses), statuses
    assert 503 in flood.statuses, "the source did want more than one slot"
