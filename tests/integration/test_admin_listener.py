"""The admin listener (issue 18 item 2, --admin-host/--admin-port): /metrics in full (process_*,
the build's commit, auth failures by reason) and the probes, on a port of its own with its own
connection budget; nothing of the API there. The public port answers /metrics 404 when the admin
listener is on, and a redacted /metrics (no commit, no failure reasons) when it is off."""
import os
import socket

import pytest
import requests

from conftest import free_port, run_cli, start_service, wait_until
from helpers_core import REQUEST_TIMEOUT, metric_sum, parse_metrics

PUBLIC_MAX_CONNECTIONS = 4


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    """Admin listener on; a small public connection budget (the starvation test fills it)."""
    service = start_service(tmp_path_factory.mktemp("admin"), "--admin-port", "0",
                            "--max-connections", str(PUBLIC_MAX_CONNECTIONS),
                            "--max-connections-per-client", "0")
    # One failed authentication of each of two kinds, for the per-reason breakdown.
    requests.post(service.url("/predict"), json={"text": "x"}, timeout=REQUEST_TIMEOUT)
    requests.post(service.url("/predict"), json={"text": "x"},
                  headers={"Authorization": "Bearer not.a.token"}, timeout=REQUEST_TIMEOUT)
    yield service
    service.stop()


@pytest.fixture(scope="module")
def local_svc(tmp_path_factory):
    """No admin listener: the public port serves the redacted /metrics."""
    service = start_service(tmp_path_factory.mktemp("local"))
    requests.post(service.url("/predict"), json={"text": "x"},
                  headers={"Authorization": "Bearer not.a.token"}, timeout=REQUEST_TIMEOUT)
    yield service
    service.stop()


def admin_get(svc, path, **kwargs):
    return requests.get(svc.admin_url(path), timeout=REQUEST_TIMEOUT, **kwargs)


def build_info(text):
    samples, _ = parse_metrics(text)
    return [labels for name, labels, _ in samples if name == "smlapi_build_info"]


def test_startup_line_names_the_admin_listener(svc):
    startup = next(line for line in svc.log_lines() if line.get("event") == "startup")
    assert startup["admin_host"] == "127.0.0.1"
    assert startup["admin_port"] == svc.admin_port != svc.port
    assert startup["metrics"] == "admin port"


def test_admin_metrics_are_complete(svc):
    r = admin_get(svc, "/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples, types = parse_metrics(r.text)
    for family in ("process_cpu_seconds_total", "process_resident_memory_bytes",
                   "process_open_fds", "process_start_time_seconds"):
        assert family in types, family
    info = build_info(r.text)
    assert len(info) == 1 and info[0].get("git_commit") and info[0].get("version"), info
    reasons = {labels.get("reason") for name, labels, value in samples
               if name == "smlapi_auth_failures_total" and value > 0}
    assert len(reasons) >= 2 and None not in reasons, reasons


def test_public_port_answers_metrics_404_when_the_admin_listener_is_on(svc):
    r = requests.get(svc.url("/metrics"), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 404, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert "smlapi_" not in r.text and "git_commit" not in r.text
    assert requests.head(svc.url("/metrics"), timeout=REQUEST_TIMEOUT).status_code == 404


def test_probes_answer_on_both_ports(svc):
    for url in (svc.admin_url, svc.url):
        assert requests.get(url("/healthz"), timeout=REQUEST_TIMEOUT).json() == {"status": "ok"}
        ready = requests.get(url("/readyz"), timeout=REQUEST_TIMEOUT)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"


@pytest.mark.parametrize("method,path", [
    ("POST", "/predict"), ("POST", "/predict/batch"), ("POST", "/token"),
    ("POST", "/token/revoke"), ("GET", "/.well-known/jwks.json"), ("GET", "/v2"),
    ("GET", "/v2/health/live"), ("GET", "/v2/models/vader"), ("POST", "/v2/models/vader/infer"),
    ("GET", "/docs"), ("GET", "/openapi.json"), ("GET", "/"), ("GET", "/metrics/"),
])
def test_admin_port_serves_nothing_of_the_api(svc, method, path):
    headers = {"Authorization": f"Bearer {svc.token()}"} if method == "POST" else {}
    r = requests.request(method, svc.admin_url(path), json={"text": "good"}, headers=headers,
                         timeout=REQUEST_TIMEOUT)
    assert r.status_code == 404, (path, r.status_code, r.text)
    assert r.json()["detail"] == "Not Found"


def test_admin_metrics_take_get_only(svc):
    r = requests.post(svc.admin_url("/metrics"), data="x", timeout=REQUEST_TIMEOUT)
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET, HEAD"


def test_admin_answers_while_the_public_port_is_full(svc):
    """Clients holding every public connection slot do not reach the admin listener's budget."""
    held = []
    try:
        for _ in range(PUBLIC_MAX_CONNECTIONS):
            held.append(socket.create_connection(("127.0.0.1", svc.port), timeout=5))
        # The public budget is spent: the next client is refused (503 and close).
        # Connections spread over the workers' listeners: a worker whose share is not spent
        # yet answers, and that connection is held too until the next client is refused.
        def public_refused():
            extra = socket.create_connection(("127.0.0.1", svc.port), timeout=5)
            extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            if extra.recv(64).startswith(b"HTTP/1.1 503"):
                extra.close()
                return True
            held.append(extra)
            return False
        wait_until(public_refused, timeout=10)
        for _ in range(3):
            assert admin_get(svc, "/metrics").status_code == 200
            assert admin_get(svc, "/healthz").status_code == 200
        samples, _ = parse_metrics(admin_get(svc, "/metrics").text)
        assert metric_sum(samples, "smlapi_http_requests_shed_total", reason="connections") >= 1
    finally:
        for connection in held:
            connection.close()
    wait_until(lambda: requests.get(svc.url("/healthz"), timeout=5).status_code == 200)


def test_public_metrics_without_admin_listener_are_redacted(local_svc):
    r = requests.get(local_svc.url("/metrics"), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200
    info = build_info(r.text)
    assert len(info) == 1 and info[0].get("version") and "git_commit" not in info[0], info
    samples, types = parse_metrics(r.text)
    assert "process_resident_memory_bytes" in types  # process metrics stay: they reveal nothing
    failures = [(labels, value) for name, labels, value in samples
                if name == "smlapi_auth_failures_total"]
    assert failures == [({}, failures[0][1])] and failures[0][1] >= 1, failures
    startup = next(line for line in local_svc.log_lines() if line.get("event") == "startup")
    assert startup["metrics"] == "public port, redacted" and "admin_port" not in startup


@pytest.mark.parametrize("args,message", [
    (["--admin-port", "70000"], "--admin-port must be an integer in [0, 65535]"),
    (["--admin-port", "nine"], "--admin-port must be an integer in [0, 65535]"),
    (["--admin-port", "9191", "--admin-host", "not-an-address"],
     "--admin-host must be an IPv4 or IPv6 address"),
    (["--admin-port", "9191", "--admin-host", ""], "--admin-host must be an IPv4 or IPv6 address"),
    (["--port", "9191", "--admin-port", "9191"], "--admin-port must differ from --port"),
])
def test_bad_admin_flags_are_refused_with_a_message(args, message):
    result = run_cli("serve", "--host", "127.0.0.1", "--port", "0", *args, check=False)
    assert result.returncode == 2, result
    assert message in result.stderr, result.stderr


def test_bad_admin_environment_is_refused_with_a_message():
    env = {**os.environ, "SMLAPI_ADMIN_PORT": "-1"}
    result = run_cli("serve", "--port", "0", env=env, check=False)
    assert result.returncode == 2 and "--admin-port" in result.stderr, result


def test_admin_port_in_use_fails_the_start(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--host", "127.0.0.1", "--port", str(free_port()),
                         "--admin-port", str(port), "--rate-limits", "off", check=False)
    assert result.returncode == 1, result
    assert "cannot listen on --admin-host/--admin-port 127.0.0.1:" in result.stdout + result.stderr
