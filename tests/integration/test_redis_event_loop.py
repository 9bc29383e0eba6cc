"""Redis on the workers' event loops (issue 15): a request waiting for Redis never holds up
the other requests of its worker, its answer follows the failure mode once the Redis timeout
passes, the connections' state is logged once per change and exported as metrics."""
import shutil
import threading
import time

import pytest
import requests

import conftest
import helpers_auth as h
from test_redis import WIDE_PREDICT, predict_on, replicas  # noqa: F401 (fixture)
from test_tls import Pki


def metric(svc, name):
    for line in requests.get(svc.url("/metrics"), timeout=30).text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.split()[-1])
    return None


def test_a_stalled_redis_never_stalls_the_worker(redis_server, replicas):  # noqa: F811
    # One worker: with a blocking Redis call, everything after the waiting request would wait.
    svc = replicas(redis_server, *WIDE_PREDICT, "--threads", "1", "--redis-timeout-ms", "10000")
    token = svc.token()
    assert predict_on(requests.Session(), svc, token).status_code == 200
    redis_server.pause()
    answers = {}

    def waiting_predict():
        started = time.monotonic()
        answers["predict"] = predict_on(requests.Session(), svc, token)
        answers["seconds"] = time.monotonic() - started

    waiter = threading.Thread(target=waiting_predict)
    try:
        waiter.start()
        # The request's admission step is out to Redis (metrics are sampled once a second)...
        conftest.wait_until(
            lambda: (metric(svc, "smlapi_redis_in_flight_commands") or 0) >= 1, timeout=30)
        # ... and the same worker answers others meanwhile.
        assert requests.get(svc.url("/healthz"), timeout=30).status_code == 200
        assert waiter.is_alive(), ("the waiting request was answered before the timeout",
                                   answers, [line for line in svc.log_lines()
                                             if line.get("event") != "access"][-5:])
        waiter.join(timeout=60)
    finally:
        redis_server.resume()
    # Fail-open: after the Redis timeout, the local fallback limit answers it.
    assert answers["predict"].status_code == 200, answers["predict"].text


def test_link_state_changes_are_logged_once_and_exported(redis_server, replicas):  # noqa: F811
    svc = replicas(redis_server, *WIDE_PREDICT, "--threads", "2")
    conftest.wait_until(lambda: metric(svc, 'smlapi_redis_connections{state="up"}') == 2,
                        timeout=30)
    redis_server.stop()
    # Every worker notices (a request on each, or its connection closing) and backs off.
    conftest.wait_until(lambda: metric(svc, 'smlapi_redis_connections{state="down"}') == 2,
                        timeout=30)
    redis_server.start()
    conftest.wait_until(lambda: metric(svc, 'smlapi_redis_connections{state="up"}') == 2,
                        timeout=30)
    assert metric(svc, "smlapi_redis_reconnects_total") >= 2
    states = [line["state"] for line in svc.log_lines() if line.get("event") == "redis.link"]
    assert states[0] == "up"
    assert "down" in states and states[-1] == "recovered", states
    # One line per change of the overall state: never the same state twice in a row.
    assert all(a != b for a, b in zip(states, states[1:])), states


# ---- TLS to Redis ---------------------------------------------------------------------------

def _tls_redis(tmp_path, pki):
    """A redis-server that also listens with TLS (the plain port stays, for the test's own
    redis-cli); returns (server, tls_port)."""
    tls_port = conftest.free_port()
    server = conftest.RedisServer(tmp_path, extra_args=[
        "--tls-port", str(tls_port), "--tls-cert-file", str(pki.chain), "--tls-key-file",
        str(pki.key), "--tls-ca-cert-file", str(pki.root), "--tls-auth-clients", "no"]).start()
    return server, tls_port


def _tls_service(tmp_path, tls_port, ca_file):
    workdir = h.prepare_workdir(tmp_path / "svc")
    return conftest.start_service(
        workdir, "--redis-host", "localhost", "--redis-port", str(tls_port), "--redis-tls", "on",
        "--redis-tls-ca-file", str(ca_file), "--redis-key-prefix", "tls:", *WIDE_PREDICT)


def test_limits_go_through_redis_over_verified_tls(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    pki = Pki(tmp_path)
    server, tls_port = _tls_redis(tmp_path, pki)
    try:
        svc = _tls_service(tmp_path, tls_port, pki.root)
        try:
            conftest.wait_until(
                lambda: metric(svc, 'smlapi_redis_connections{state="up"}') == 2, timeout=30)
            assert predict_on(requests.Session(), svc, svc.token()).status_code == 200
            keys = server.command("--scan", "--pattern", "tls:*").split()
            assert any(key.startswith("tls:rl:") for key in keys), keys
            links = [line for line in svc.log_lines() if line.get("event") == "redis.link"]
            assert links and links[0]["state"] == "up"
            assert links[0]["redis"].startswith("rediss://")
        finally:
            svc.stop()
    finally:
        server.stop()


def test_an_untrusted_redis_certificate_is_refused_and_said_so(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    pki = Pki(tmp_path)
    (tmp_path / "other").mkdir()
    other = Pki(tmp_path / "other")
    server, tls_port = _tls_redis(tmp_path, pki)
    try:
        svc = _tls_service(tmp_path, tls_port, other.root)  # another CA
        try:
            conftest.wait_until(lambda: any(
                line.get("event") == "redis.link" and line.get("state") == "down"
                for line in svc.log_lines()), timeout=30)
            down = [line for line in svc.log_lines()
                    if line.get("event") == "redis.link" and line.get("state") == "down"]
            assert "TLS" in down[0]["reason"], down
            assert metric(svc, 'smlapi_redis_connections{state="up"}') == 0
            # Fail-open: still serving, from the local fallback limits.
            assert predict_on(requests.Session(), svc, svc.token()).status_code == 200
        finally:
            svc.stop()
    finally:
        server.stop()


def test_fail_open_fallback_is_this_replicas_share_of_the_limit(redis_server, replicas):  # noqa: F811
    """--redis-fallback-replicas N: during an outage each replica allows limit / N (burst / N),
    so N replicas together stay near the shared limit."""
    svc = replicas(redis_server, "--rate-limit-predict", "10/3600s+9",
                   "--redis-fallback-replicas", "2")
    token = svc.token()
    redis_server.stop()
    session = requests.Session()
    statuses = [predict_on(session, svc, token).status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3, statuses  # 10 in a row shared; 5 here
