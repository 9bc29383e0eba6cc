"""Redis on the workers' event loops (issue 15): a request waiting for Redis never holds up
the other requests of its worker, its answer follows the failure mode once the Redis timeout
passes, the connections' state is logged once per change and exported as metrics."""
import threading

import requests

import conftest
from test_redis import WIDE_PREDICT, predict_on, replicas  # noqa: F401 (fixture)


def metric(svc, name):
    for line in requests.get(svc.url("/metrics"), timeout=30).text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.split()[-1])
    return None


def test_a_stalled_redis_never_stalls_the_worker(redis_server, replicas):  # noqa: F811
    # One worker: with a blocking Redis call, everything after the waiting request would wait.
    svc = replicas(redis_server, *WIDE_PREDICT, "--threads", "1", "--redis-timeout-ms", "4000")
    token = svc.token()
    assert predict_on(requests.Session(), svc, token).status_code == 200
    redis_server.pause()
    answers = {}

    def waiting_predict():
        answers["predict"] = predict_on(requests.Session(), svc, token)

    waiter = threading.Thread(target=waiting_predict)
    try:
        waiter.start()
        # The request's admission step is out to Redis (metrics are sampled once a second)...
        conftest.wait_until(
            lambda: (metric(svc, "smlapi_redis_in_flight_commands") or 0) >= 1, timeout=30)
        # ... and the same worker answers others meanwhile.
        assert requests.get(svc.url("/healthz"), timeout=30).status_code == 200
        assert waiter.is_alive(), "the waiting request was answered before the timeout"
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
