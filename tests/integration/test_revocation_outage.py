"""Revocation that survives a Redis outage (issue 15, item 4): every replica keeps the deny-list
in memory, so a revoked token stays refused while Redis is unreachable, a revocation made during
the outage is refused at once on its replica and written to Redis when it returns. Redis is
paused with SIGSTOP (its data survives, as it would with persistence) and resumed with SIGCONT."""
import shutil
import signal
import time
from contextlib import contextmanager

import pytest

import conftest
import helpers_auth as h
from helpers_core import assert_config_refused, serve_refused

PREFIX = "outage:"


@pytest.fixture
def replicas(tmp_path):
    """Services sharing one keys directory and one Redis; stopped by the fixture."""
    started = []
    shared_keys = h.make_keys_dir(tmp_path / "shared")

    def start(redis, *args):
        workdir = h.prepare_workdir(tmp_path / f"replica{len(started)}")
        shutil.copytree(shared_keys, workdir / "keys")
        svc = conftest.start_service(workdir, "--redis-host", "127.0.0.1", "--redis-port",
                                     str(redis.port), "--redis-key-prefix", PREFIX, *args)
        started.append(svc)
        return svc

    yield start
    for svc in started:
        assert svc.stop() == 0, "shutdown with Redis away must neither hang nor fail"


@contextmanager
def redis_paused(redis):
    redis.proc.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        redis.proc.send_signal(signal.SIGCONT)


def jti(token):
    return h.split_token(token)[1]["jti"]


def in_redis(redis, token):
    return redis.command("EXISTS", PREFIX + "revoked:" + jti(token)).strip() == "1"


@pytest.mark.parametrize("limiter", [["--redis-failure-mode", "open", "--rate-limits", "on"],
                                     ["--redis-failure-mode", "closed"]],
                         ids=["limiter-open", "limiter-closed-limits-off"])
def test_revocation_holds_through_an_outage(redis_server, replicas, limiter):
    a = replicas(redis_server, *limiter)
    b = replicas(redis_server, *limiter)
    revoked, later, valid = a.token(), a.token(), a.token()
    assert h.revoke(a, revoked, revoked).status_code == 200
    h.assert_invalid_token(h.predict(b, revoked))
    # Both mirrors subscribe, then read the deny-list: wait for the subscriptions, then give
    # the reads (well under a millisecond) ample time before Redis goes away.
    conftest.wait_until(lambda: redis_server.command(
        "PUBSUB", "NUMSUB", PREFIX + "revocations").split()[-1] == "2", timeout=30)
    time.sleep(0.5)

    with redis_paused(redis_server):
        for svc in (a, b):
            h.assert_invalid_token(h.predict(svc, revoked))
            assert h.predict(svc, valid).status_code == 200
        # A revocation during the outage: accepted, refused on this replica at once.
        r = h.revoke(a, later, later)
        assert r.status_code == 200, (r.status_code, r.text)
        h.assert_invalid_token(h.predict(a, later))
        # Documented staleness: another replica learns of it only when Redis is back.
        assert h.predict(b, later).status_code == 200

    conftest.wait_until(lambda: in_redis(redis_server, later), timeout=30)
    exp = h.split_token(later)[1]["exp"]
    expire_at = int(redis_server.command("EXPIRETIME", PREFIX + "revoked:" + jti(later)).strip())
    assert expire_at == exp + 30  # exp + the default leeway, as for any revocation
    h.assert_invalid_token(h.predict(b, later))
    h.assert_invalid_token(h.predict(a, revoked))
    assert h.predict(b, valid).status_code == 200


def test_closed_revocation_mode_refuses_every_token_it_cannot_check(redis_server, replicas):
    svc = replicas(redis_server, "--revocation-failure-mode", "closed")
    revoked, valid = svc.token(), svc.token()
    assert h.revoke(svc, revoked, revoked).status_code == 200
    with redis_paused(redis_server):
        h.assert_invalid_token(h.predict(svc, revoked))  # known revoked: still 401
        r = h.predict(svc, valid)
        assert r.status_code == 503, (r.status_code, r.text)
        assert r.headers.get("Retry-After") == "1", r.headers
    conftest.wait_until(lambda: h.predict(svc, valid).status_code == 200, timeout=30)


@pytest.mark.parametrize("args, option", [
    (["--revocation-failure-mode", "open"], "--revocation-failure-mode"),
    (["--revocation-resync", "0s"], "--revocation-resync"),
    (["--revocation-resync", "2h"], "--revocation-resync"),
])
def test_bad_revocation_options_are_refused(args, option):
    assert_config_refused(serve_refused(conftest.BIN, args), option)
