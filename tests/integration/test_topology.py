"""Faults in a production topology on loopback (issue 15, item 7): two service replicas behind
HAProxy (HTTP), Redis primary + replica behind an HAProxy router that follows the primary, and
bounded load from client threads while Redis is paused, killed and restarted, failed over, and
while a service replica is sent SIGTERM. See topology.py for the layout.

What must hold (the services run fail-open, the default; the tolerances are stated per test):
* no request sent through the LB is lost or answered 5xx;
* a token revoked before the faults is refused (401) on every replica, during and after each;
* the per-client limit is shared exactly across replicas whenever Redis is reachable, and during
  an outage stays within replicas x limit (each replica's local fallback allows the full limit:
  fallback_replicas is 1, see docs/rate-limiting.md section 4);
* each replica's memory stays under a fixed bound.
The tests share one topology (module scope) and run in file order; each leaves the topology as
it found it."""
import itertools
import signal

import pytest

import conftest
import helpers_auth as h
from topology import Load, Topology, metric, redis_keys, rss_bytes, tool_missing

PREFIX = "topo:"
LIMIT = 10  # --rate-limit-default 1/3600s+9: exactly 10 requests per client in the test's time
SERVICE_ARGS = [
    "--threads", "2", "--redis-key-prefix", PREFIX, "--trusted-proxies", "127.0.0.1/32",
    "--rate-limit-default", f"1/3600s+{LIMIT - 1}",
    # /predict carries the background load from one address: its limit is out of the way.
    "--rate-limit-predict", "10000/1s+10000", "--rate-limit-token", "1000/60s+1000",
    "--shutdown-delay", "1s", "--shutdown-timeout", "10s",
]
BEFORE, AFTER = 20, 20  # load requests answered before a fault and after recovery
DURING = 30             # load requests answered while the fault lasts
RSS_BOUND = 200 * 1024 * 1024  # per replica, ASan build (quarantine included); release: ~20 MiB
ADDRESSES = (f"10.15.0.{n}" for n in itertools.count(1))  # a fresh client per limit check


@pytest.fixture(scope="module")
def topo(tmp_path_factory):
    missing = tool_missing()
    if missing:
        pytest.skip(missing)
    topology = Topology(tmp_path_factory.mktemp("topology"), SERVICE_ARGS)
    try:
        topology.start()
        yield topology
    finally:
        topology.stop()


@pytest.fixture(scope="module")
def tokens(topo):
    """(valid, revoked): the revoked one revoked through the LB before any fault, and known to
    the replica Redis before any fault (so a failover keeps it)."""
    svc = topo.services[0]
    valid, revoked = svc.token(), svc.token()
    r = h.revoke(topo.services[1], revoked, revoked)
    assert r.status_code == 200, r.text
    topo.wait_replicated()
    assert redis_keys(topo.replica, PREFIX + "revoked:*")
    return valid, revoked


def assert_refused_everywhere(topo, token):
    """Straight to each replica, past the LB: each must refuse the token on its own."""
    for svc in topo.services:
        h.assert_invalid_token(h.predict(svc, token))


def assert_exact_limit(topo):
    """Redis reachable: one client gets exactly LIMIT answers 200 across both replicas, then
    429 with Retry-After, and both replicas took part in both."""
    answers = topo.burst(next(ADDRESSES), LIMIT + 6)
    statuses = [status for status, _, _ in answers]
    assert statuses == [200] * LIMIT + [429] * 6, (answers, topo.diagnostics())
    assert {by for status, by, _ in answers if status == 200} == {"s0", "s1"}, answers
    assert {by for status, by, _ in answers if status == 429} == {"s0", "s1"}, answers
    assert all(wait and wait.isdigit() for status, _, wait in answers if status == 429), answers


def assert_no_loss(load, kinds=("valid", "revoked")):
    """Every request the load sent has an answer: 200 for the valid token, 401 for the revoked
    one, in every phase (fail-open: Redis faults cost no request)."""
    summary = load.summary()
    wrong = {key: n for key, n in summary.items()
             if key[2] != {"valid": 200, "revoked": 401}[key[1]] and key[1] in kinds}
    assert not wrong, (wrong, summary)


def run_phase(load, phase, count):
    load.set_phase(phase)
    load.wait_for(phase, count)


# ---- Redis up: one limit --------------------------------------------------------------------------

def test_limit_is_shared_across_replicas(topo, tokens):
    assert_exact_limit(topo)
    keys = redis_keys(topo.primary, PREFIX + "*")
    assert keys, "the limit lives in the primary"
    topo.wait_replicated()
    assert set(redis_keys(topo.replica, PREFIX + "*")) >= set(keys), "and in its replica"
    assert_refused_everywhere(topo, tokens[1])


# ---- Redis primary stopped (SIGSTOP): it accepts connections and answers nothing -------------------

def test_redis_primary_paused_under_load(topo, tokens):
    with Load(topo.base_url, *tokens) as load:
        run_phase(load, "before", BEFORE)
        load.set_phase("paused")
        topo.primary.pause()
        try:
            topo.wait_redis_up(False)
            load.wait_for("paused", DURING)
            # The fallback limiter: each replica allows the full limit on its own.
            answers = topo.burst(next(ADDRESSES), 3 * LIMIT)
            passed = [status for status, _, _ in answers].count(200)
            assert LIMIT <= passed <= 2 * LIMIT, answers
            assert {status for status, _, _ in answers} == {200, 429}, answers
            assert_refused_everywhere(topo, tokens[1])
        finally:
            topo.primary.resume()
        load.set_phase("resumed")
        topo.wait_redis_up(True)
        run_phase(load, "resumed", AFTER)
    assert_no_loss(load)
    assert_exact_limit(topo)
    assert_refused_everywhere(topo, tokens[1])


# ---- Redis primary killed and restarted (same port, data from its AOF) ------------------------------

def test_redis_primary_killed_and_restarted_under_load(topo, tokens):
    with Load(topo.base_url, *tokens) as load:
        run_phase(load, "before", BEFORE)
        load.set_phase("down")
        topo.primary.kill()
        topo.wait_redis_up(False)
        load.wait_for("down", DURING)
        assert_refused_everywhere(topo, tokens[1])
        load.set_phase("restarted")
        topo.primary.start()
        topo.wait_redis_up(True)
        run_phase(load, "restarted", AFTER)
    assert_no_loss(load)
    assert redis_keys(topo.primary, PREFIX + "revoked:*"), "the AOF kept the revocation"
    topo.wait_replicated()
    assert_exact_limit(topo)
    assert_refused_everywhere(topo, tokens[1])


# ---- failover: the primary crashes, the replica is promoted, the router follows -----------------------

def test_failover_under_load(topo, tokens):
    topo.wait_replicated()  # what the old primary acknowledged is on the replica
    old_primary_port = topo.primary.port
    with Load(topo.base_url, *tokens) as load:
        run_phase(load, "before", BEFORE)
        load.set_phase("failover")
        topo.fail_over()
        conftest.wait_until(lambda: topo.primary.command("ROLE").startswith("master"),
                            timeout=30)
        topo.wait_redis_up(True)
        load.wait_for("failover", DURING)
        run_phase(load, "after", AFTER)
    assert_no_loss(load)
    assert topo.primary.port != old_primary_port
    assert_refused_everywhere(topo, tokens[1])
    # The limit is shared again, through the new primary.
    before = set(redis_keys(topo.primary, PREFIX + "*"))
    assert_exact_limit(topo)
    assert set(redis_keys(topo.primary, PREFIX + "*")) - before, "new counters on the new primary"
    topo.heal()  # the crashed node returns as a replica: the next test starts from two nodes
    assert_exact_limit(topo)


# ---- a service replica sent SIGTERM mid-load ---------------------------------------------------------

def test_replica_sigterm_under_load(topo, tokens):
    victim = topo.services[1]
    with Load(topo.base_url, *tokens) as load:
        run_phase(load, "before", BEFORE)
        load.set_phase("sigterm")
        victim.proc.send_signal(signal.SIGTERM)
        assert victim.proc.wait(timeout=60) == 0
        run_phase(load, "after", AFTER)
    topo.start_service(1, port=victim.port)  # the replacement takes its place in the LB
    topo.wait_all_in_lb()
    assert_refused_everywhere(topo, tokens[1])
    assert_exact_limit(topo)
    assert_no_loss(load)


# ---- memory ---------------------------------------------------------------------------------------------

def test_memory_stays_bounded(topo, tokens):
    """After the load phases above (the first replica served every one of them)."""
    for svc in topo.services:
        assert svc.alive()
        rss = rss_bytes(svc.pid)
        assert rss < RSS_BOUND, (svc.pid, rss)
    assert metric(topo.services[0], "smlapi_redis_up") == 1
