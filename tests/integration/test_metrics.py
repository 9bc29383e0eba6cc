"""GET /metrics (issue 3): valid Prometheus exposition (promtool), bounded route labels (the route
template, never the raw path), counters that count, and every metric family the alerts,
dashboards and canary analysis use present after traffic on every route family. Scraped on the
admin listener (--admin-port), where the exposition is complete; what the public port shows is
tests/integration/test_admin_listener.py's."""
import os
import shutil
import subprocess
import uuid

import pytest
import requests

from conftest import ROOT, start_service
from helpers_core import (REQUEST_TIMEOUT, metric_sum, parse_metrics, post_json, raw_exchange,
                          request_bytes, scrape)

# Families the service contract promises (issue 3 and the contract shared with the lead).
CONTRACT_FAMILIES = {
    "smlapi_http_requests_total": "counter",
    "smlapi_http_request_duration_seconds": "histogram",
    "smlapi_http_requests_in_flight": "gauge",
    "smlapi_http_request_size_bytes": "histogram",
    "smlapi_http_response_size_bytes": "histogram",
    "smlapi_http_connections_active": "gauge",
    "smlapi_http_requests_shed_total": "counter",
    "smlapi_predictions_total": "counter",
    "smlapi_errors_total": "counter",
    "smlapi_auth_tokens_issued_total": "counter",
    "smlapi_auth_failures_total": "counter",
    "smlapi_ratelimit_limited_total": "counter",
    "smlapi_ratelimit_evictions_total": "counter",
    "smlapi_ratelimit_store_errors_total": "counter",
    "smlapi_ratelimit_store_latency_seconds": "histogram",
    "smlapi_build_info": "gauge",
}
# prometheus-cpp names counter families with the _total suffix; the text format's TYPE line may
# carry the name with or without it.
RANDOM = uuid.uuid4().hex[:12]


@pytest.fixture(scope="module")
def busy_service(tmp_path_factory):
    """A service with rate limits on (so the limiter metrics move) after traffic on every route
    family, successes and errors."""
    svc = start_service(tmp_path_factory.mktemp("metrics"), "--admin-port", "0",
                        "--rate-limit-predict", "1/60s+25",
                        "--rate-limit-default", "1000/60s+1000",
                        "--rate-limit-token", "1000/60s+1000")
    try:
        generate_traffic(svc)
        yield svc
    finally:
        svc.stop()


def generate_traffic(svc):
    token = svc.token("alice")
    client_token = svc.client_token("batch-job")
    auth = {"Authorization": f"Bearer {token}"}

    def get(path, **kwargs):
        return requests.get(svc.url(path), timeout=REQUEST_TIMEOUT, **kwargs)

    for path in ("/healthz", "/readyz", "/openapi.json", "/docs/", "/docs/swagger-ui.css",
                 "/.well-known/jwks.json", "/v2", "/v2/health/live", "/v2/health/ready"):
        assert get(path).status_code == 200, path
    version = get("/v2/models/vader", headers=auth).json()["versions"][0]
    for path in ("/v2/models/vader", "/v2/models/vader/ready",
                 f"/v2/models/vader/versions/{version}",
                 f"/v2/models/vader/versions/{version}/ready"):
        assert get(path, headers=auth).status_code == 200, path
    infer = {"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES", "data": ["good"]}]}
    assert post_json(svc, "/v2/models/vader/infer", infer, token).status_code == 200
    assert post_json(svc, f"/v2/models/vader/versions/{version}/infer", infer,
                     token).status_code == 200
    for text in ("I love it", "I hate it", "The chair"):
        assert post_json(svc, "/predict", {"text": text}, token).status_code == 200
    assert post_json(svc, "/predict/batch", {"texts": ["good", "bad"]},
                     client_token).status_code == 200
    # Errors of every kind, with raw paths that must not become label values.
    get(f"/nope/{RANDOM}")
    get(f"/docs/{RANDOM}.js")
    get(f"/v2/models/{RANDOM}", headers=auth)
    post_json(svc, f"/v2/models/{RANDOM}/infer", infer, token)
    post_json(svc, f"/v2/models/vader/versions/{RANDOM}/infer", infer, token)
    post_json(svc, "/predict", {"text": 5}, token)                       # 422
    post_json(svc, "/predict", {"text": "x"})                            # 401
    post_json(svc, "/predict", {"text": "x"}, token + "x")               # 401 invalid token
    post_json(svc, "/predict", {"text": "x"}, svc.token("nobody"))       # 403
    requests.post(svc.url("/token"), data={"grant_type": "password", "username": "alice",
                                           "password": "wrong-password-9"}, timeout=REQUEST_TIMEOUT)
    requests.get(svc.url("/predict"), timeout=REQUEST_TIMEOUT)           # 405
    requests.post(svc.url("/predict"), data="x", headers={**auth, "Content-Type": "text/plain"},
                  timeout=REQUEST_TIMEOUT)                               # 415
    raw_exchange(svc.port, b"GARBAGE\r\n\r\n")                           # 400
    raw_exchange(svc.port, request_bytes("GET", "/healthz", {"X-Big": "a" * 20_000}))  # 431
    raw_exchange(svc.port, request_bytes("GET", "/" + RANDOM * 400))    # 414
    session = requests.Session()
    for _ in range(40):                                                  # 429 after 25
        post_json(svc, "/predict", {"text": "again"}, token, session=session)
    revoke = requests.post(svc.url("/token/revoke"), data={"token": client_token},
                           headers={"Authorization": f"Bearer {client_token}"},
                           timeout=REQUEST_TIMEOUT)
    assert revoke.status_code == 200


@pytest.fixture(scope="module")
def exposition(busy_service):
    return scrape(busy_service)


def test_content_type(busy_service):
    r = requests.get(busy_service.admin_url("/metrics"), timeout=REQUEST_TIMEOUT)
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "version=0.0.4" in r.headers["Content-Type"]


def test_promtool_accepts_a_live_scrape(exposition):
    promtool = shutil.which("promtool")
    if not promtool:
        pytest.skip("promtool not installed (Debian package prometheus)")
    result = subprocess.run([promtool, "check", "metrics"], input=exposition, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    # promtool prints lint problems (naming, units) even when it exits 0 on some versions.
    assert result.stdout.strip() == "" and result.stderr.strip() == "", \
        result.stdout + result.stderr


def documented_templates(svc):
    return set(requests.get(svc.url("/openapi.json"), timeout=REQUEST_TIMEOUT).json()["paths"])


def test_route_labels_are_templates(busy_service, exposition):
    samples, _ = parse_metrics(exposition)
    routes = {labels["route"] for _, labels, _ in samples if "route" in labels}
    assert "/predict" in routes and "/v2/models/{model}/infer" in routes, routes
    allowed = documented_templates(busy_service) | {"unmatched"}
    assert routes <= allowed, routes - allowed
    assert RANDOM not in exposition, "a raw path became a label value"


def test_label_values_are_bounded(exposition):
    samples, _ = parse_metrics(exposition)
    allowed = {
        "method": {"GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "OTHER"},
        "label": {"POSITIVE", "NEGATIVE", "NEUTRAL"},
    }
    for name, labels, _ in samples:
        for key, values in allowed.items():
            if key in labels:
                assert labels[key] in values, (name, labels)
        if "status" in labels:
            assert labels["status"].isdigit() and 100 <= int(labels["status"]) <= 599, labels


def test_request_counter_counts(busy_service):
    before, _ = parse_metrics(scrape(busy_service))
    session = requests.Session()
    for _ in range(7):
        assert session.get(busy_service.url("/v2/health/live"),
                           timeout=REQUEST_TIMEOUT).status_code == 200
    after, _ = parse_metrics(scrape(busy_service))
    labels = {"route": "/v2/health/live", "method": "GET", "status": "200"}
    assert metric_sum(after, "smlapi_http_requests_total", **labels) - \
        metric_sum(before, "smlapi_http_requests_total", **labels) == 7
    assert metric_sum(after, "smlapi_http_request_duration_seconds_count", **labels) - \
        metric_sum(before, "smlapi_http_request_duration_seconds_count", **labels) == 7


def test_predictions_by_label(service):
    # The shared service has rate limits lifted: busy_service has used up its predict budget.
    token = service.client_token("batch-job")
    before, _ = parse_metrics(scrape(service))
    r = post_json(service, "/predict/batch",
                  {"texts": ["I love it", "I love it too", "I hate it", "The chair"]}, token)
    assert r.status_code == 200, r.text
    after, _ = parse_metrics(scrape(service))
    delta = {label: metric_sum(after, "smlapi_predictions_total", label=label) -
             metric_sum(before, "smlapi_predictions_total", label=label)
             for label in ("POSITIVE", "NEGATIVE", "NEUTRAL")}
    assert delta == {"POSITIVE": 2, "NEGATIVE": 1, "NEUTRAL": 1}


def test_histograms_are_consistent(exposition):
    samples, types = parse_metrics(exposition)
    histograms = [name for name, kind in types.items() if kind == "histogram"]
    assert "smlapi_http_request_duration_seconds" in histograms
    for family in histograms:
        counts = [(labels, value) for name, labels, value in samples if name == family + "_count"]
        for labels, count in counts:
            inf = [value for name, bucket_labels, value in samples
                   if name == family + "_bucket" and bucket_labels.get("le") == "+Inf"
                   and {k: v for k, v in bucket_labels.items() if k != "le"} == labels]
            assert inf == [count], (family, labels)


def test_build_info(exposition):
    samples, _ = parse_metrics(exposition)
    info = [(labels, value) for name, labels, value in samples if name == "smlapi_build_info"]
    assert len(info) == 1, info
    labels, value = info[0]
    assert value == 1
    assert labels.get("version") and labels.get("git_commit"), labels


def test_process_metrics_follow_the_client_conventions(busy_service, exposition):
    # The families every Prometheus client library exports, which dashboards assume.
    samples, types = parse_metrics(exposition)
    value = {name: v for name, labels, v in samples if name.startswith("process_") and not labels}
    assert types.get("process_cpu_seconds_total") == "counter", types
    for gauge in ("process_open_fds", "process_max_fds", "process_virtual_memory_bytes",
                  "process_resident_memory_bytes", "process_start_time_seconds"):
        assert types.get(gauge) == "gauge", (gauge, types)
    assert value["process_cpu_seconds_total"] > 0
    assert 0 < value["process_open_fds"] <= value["process_max_fds"]
    open_now = len(os.listdir(f"/proc/{busy_service.pid}/fd"))
    assert abs(value["process_open_fds"] - open_now) < 32, (value["process_open_fds"], open_now)
    assert value["process_resident_memory_bytes"] > 1 << 20
    assert value["process_virtual_memory_bytes"] >= value["process_resident_memory_bytes"]
    ticks = int(open(f"/proc/{busy_service.pid}/stat").read().rsplit(")", 1)[1].split()[19])
    boot = next(int(line.split()[1]) for line in open("/proc/stat") if line.startswith("btime "))
    started = boot + ticks / os.sysconf("SC_CLK_TCK")
    assert abs(value["process_start_time_seconds"] - started) < 1, (value, started)


def test_errors_and_auth_failures_are_counted(exposition):
    samples, _ = parse_metrics(exposition)
    assert metric_sum(samples, "smlapi_errors_total") > 0
    assert metric_sum(samples, "smlapi_auth_failures_total") > 0
    assert metric_sum(samples, "smlapi_auth_tokens_issued_total", grant_type="password") >= 2
    assert metric_sum(samples, "smlapi_auth_tokens_issued_total",
                      grant_type="client_credentials") >= 1
    assert metric_sum(samples, "smlapi_ratelimit_limited_total") >= 1


def test_contract_families_are_exported(exposition):
    _, types = parse_metrics(exposition)
    declared = {name.removesuffix("_total"): kind for name, kind in types.items()}
    missing = [name for name, kind in CONTRACT_FAMILIES.items()
               if declared.get(name.removesuffix("_total")) != kind]
    assert missing == [], f"families absent (or of the wrong type) after traffic: {missing}"


def test_metric_names_used_by_alerts_dashboards_and_analysis_exist(busy_service):
    script = ROOT / "tests" / "deploy" / "metric-names.sh"
    if not script.exists():
        pytest.skip(f"{script} not present")
    if not shutil.which("curl"):
        pytest.skip("curl not installed")
    result = subprocess.run(["bash", str(script), busy_service.admin_url("/metrics")],
                            capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr
