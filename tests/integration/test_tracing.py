"""Tracing (issue 18): W3C trace context in, trace ids in every access-log line and in the
traceresponse header, spans out over OTLP/HTTP (protobuf by default, JSON on request) to a
receiver the tests start, which decodes and checks the wire format. Debian ships no
OpenTelemetry collector, so the receiver is a small stdlib HTTP server decoding protobuf bodies
with the message classes protoc generates from opentelemetry-proto (tests/otlp-proto)."""
import base64
import importlib
import json
import os
import re
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

import conftest
from conftest import USERS, wait_until
from helpers_core import (REQUEST_TIMEOUT, assert_config_refused, metric_sum, parse_metrics,
                          post_json, serve_refused, wait_for_access_line)

json_format = pytest.importorskip("google.protobuf.json_format")

OTLP_PROTO_DIR = Path(__file__).resolve().parents[1] / "otlp-proto"
PROTOBUF = "application/x-protobuf"
JSON = "application/json"


def _compile_otlp_messages():
    """ExportTraceServiceRequest from the vendored opentelemetry-proto files, as a collector's
    own code would have it; imported, then the generated directory removed (the modules stay
    loaded), so no test run leaves files behind."""
    protos = [str(p.relative_to(OTLP_PROTO_DIR)) for p in OTLP_PROTO_DIR.rglob("*.proto")]
    with tempfile.TemporaryDirectory(prefix="smlapi-otlp-") as out:
        subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{OTLP_PROTO_DIR}",
                        f"--python_out={out}", *protos], check=True, cwd=OTLP_PROTO_DIR)
        sys.path.insert(0, out)
        try:
            return importlib.import_module(
                "opentelemetry.proto.collector.trace.v1.trace_service_pb2")
        finally:
            sys.path.remove(out)


trace_service_pb2 = _compile_otlp_messages()

HEX32 = re.compile(r"^[0-9a-f]{32}$")
HEX16 = re.compile(r"^[0-9a-f]{16}$")
DIGITS = re.compile(r"^[0-9]+$")
SERVICE_NAME = "tracing-test"
HEADER_SECRET = "collector-key-" + uuid.uuid4().hex


def check_attribute(attribute):
    assert set(attribute) == {"key", "value"}, attribute
    value = attribute["value"]
    assert len(value) == 1, attribute
    if "intValue" in value:  # int64: a decimal string in OTLP/JSON
        assert isinstance(value["intValue"], str) and DIGITS.match(value["intValue"]), attribute
    else:
        assert isinstance(value["stringValue"], str), attribute


def check_span(span):
    assert HEX32.match(span["traceId"]) and span["traceId"] != "0" * 32, span
    assert HEX16.match(span["spanId"]) and span["spanId"] != "0" * 16, span
    if "parentSpanId" in span:
        assert HEX16.match(span["parentSpanId"]), span
    assert span["kind"] in (1, 2, 3), span
    for field in ("startTimeUnixNano", "endTimeUnixNano"):
        assert isinstance(span[field], str) and DIGITS.match(span[field]), span
    assert int(span["endTimeUnixNano"]) >= int(span["startTimeUnixNano"]), span
    assert isinstance(span["name"], str) and span["name"], span
    assert isinstance(span["status"], dict), span
    assert span["status"].get("code", 0) in (0, 1, 2), span
    for attribute in span["attributes"]:
        check_attribute(attribute)


def protobuf_as_otlp_json(body):
    """A binary ExportTraceServiceRequest -> the same request in OTLP/JSON's shape (which is
    proto3's JSON mapping except that ids are hex, not base64, and enums are numbers)."""
    request = trace_service_pb2.ExportTraceServiceRequest()
    request.ParseFromString(body)  # raises on a malformed body, or a string that is not UTF-8
    doc = json_format.MessageToDict(request, use_integers_for_enums=True)
    for resource_spans in doc.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                for field in ("traceId", "spanId", "parentSpanId"):
                    if field in span:
                        span[field] = base64.b64decode(span[field]).hex()
                span.setdefault("status", {})  # unset: not on the wire
                span.setdefault("attributes", [])
    return doc


def decode_export(body, content_type):
    """An ExportTraceServiceRequest in OTLP/protobuf or OTLP/JSON -> (service.name, [spans])."""
    doc = protobuf_as_otlp_json(body) if content_type == PROTOBUF else json.loads(body)
    spans = []
    names = set()
    for resource_spans in doc["resourceSpans"]:
        attributes = resource_spans["resource"]["attributes"]
        for attribute in attributes:
            check_attribute(attribute)
        names |= {a["value"]["stringValue"] for a in attributes if a["key"] == "service.name"}
        for scope_spans in resource_spans["scopeSpans"]:
            assert isinstance(scope_spans["scope"]["name"], str)
            for span in scope_spans["spans"]:
                check_span(span)
                spans.append(span)
    assert len(names) == 1, names
    return names.pop(), spans


class Collector:
    """Receives OTLP/HTTP on /v1/traces in the encoding it expects and keeps what it decoded."""

    def __init__(self, keep_alive=False, close_silently=False, content_type=PROTOBUF,
                 answer_delay=0.0):
        """keep_alive: HTTP/1.1 persistent connections (the stdlib's default is 1.0, one request
        per connection); close_silently: then close each one after its answer without saying
        so (no "Connection: close"), as a collector's idle timeout does; content_type: the
        encoding every batch must come in; answer_delay: seconds a busy collector takes to
        answer each batch."""
        self.spans = []
        self.batch_sizes = []  # spans per POST
        self.headers = []
        self.errors = []
        self.connections = 0
        self.lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def setup(self):
                super().setup()
                with collector.lock:
                    collector.connections += 1

            def do_POST(self):  # noqa: N802 - the stdlib's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                threading.Event().wait(answer_delay)
                try:
                    assert self.path == "/v1/traces", self.path
                    assert self.headers["Content-Type"] == content_type, self.headers
                    name, spans = decode_export(body, content_type)
                    assert name == SERVICE_NAME, name
                    with collector.lock:
                        collector.spans.extend(spans)
                        collector.batch_sizes.append(len(spans))
                        collector.headers.append(dict(self.headers))
                    self.send_response(200)
                except Exception as error:  # noqa: BLE001 - reported by the tests
                    with collector.lock:
                        collector.errors.append(repr(error))
                    self.send_response(400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
                if close_silently:
                    self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def endpoint(self):
        return f"http://127.0.0.1:{self.port}/v1/traces"

    def trace(self, trace_id):
        with self.lock:
            assert self.errors == [], self.errors
            return [s for s in self.spans if s["traceId"] == trace_id]

    def wait_for_trace(self, trace_id, names):
        wait_until(lambda: set(names) <= {s["name"] for s in self.trace(trace_id)}, timeout=15)
        return self.trace(trace_id)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def collector():
    c = Collector()
    yield c
    c.stop()


@pytest.fixture(scope="module")
def traced(collector, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("traced")
    headers_file = workdir / "otlp-headers"
    headers_file.write_text(f"# collector credentials\nX-Collector-Key: {HEADER_SECRET}\n")
    headers_file.chmod(0o600)
    svc = conftest.start_service(workdir, "--otlp-endpoint", collector.endpoint(),
                                 "--otlp-service-name", SERVICE_NAME,
                                 "--otlp-headers-file", headers_file)
    yield svc
    svc.stop()


@pytest.fixture(scope="module")
def token(traced):
    return traced.token("alice")


def new_ids():
    return uuid.uuid4().hex, uuid.uuid4().hex[:16]


def by_name(spans):
    return {span["name"]: span for span in spans}


def attributes(span):
    return {a["key"]: next(iter(a["value"].values())) for a in span["attributes"]}


def access_line(svc, request_id):
    return wait_for_access_line(svc, lambda line: line.get("request_id") == request_id)


def test_an_incoming_trace_is_followed_through_the_log_and_the_spans(traced, collector, token):
    trace_id, parent_id = new_ids()
    request_id = f"traced-{uuid.uuid4()}"
    r = post_json(traced, "/predict", {"text": "I love it"}, token,
                  headers={"traceparent": f"00-{trace_id}-{parent_id}-01",
                           "tracestate": "rojo=00f067aa0ba902b7, congo=t61rcWkgMzE",
                           "X-Request-ID": request_id})
    assert r.status_code == 200, r.text
    version, answered_trace, server_span_id, flags = r.headers["traceresponse"].split("-")
    assert (version, answered_trace, flags) == ("00", trace_id, "01")

    line = access_line(traced, request_id)
    assert line["trace_id"] == trace_id
    assert line["span_id"] == server_span_id

    spans = by_name(collector.wait_for_trace(trace_id, {"POST /predict", "admission",
                                                        "model.score"}))
    server = spans["POST /predict"]
    assert server["spanId"] == server_span_id
    assert server["parentSpanId"] == parent_id
    assert server["kind"] == 2
    assert server["traceState"] == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"
    assert attributes(server) == {"http.request.method": "POST", "http.route": "/predict",
                                  "url.path": "/predict", "http.response.status_code": "200",
                                  "client.address": "127.0.0.1"}
    for child in ("admission", "model.score"):
        assert spans[child]["parentSpanId"] == server_span_id, spans[child]
        assert spans[child]["kind"] == 1
        assert int(spans[child]["startTimeUnixNano"]) >= int(server["startTimeUnixNano"])
        assert int(spans[child]["endTimeUnixNano"]) <= int(server["endTimeUnixNano"])
    assert attributes(spans["model.score"])["smlapi.model"] == "vader"


def test_without_traceparent_a_new_trace_starts(traced, collector):
    request_id = f"root-{uuid.uuid4()}"
    r = requests.get(traced.url("/healthz"), headers={"X-Request-ID": request_id},
                     timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200
    line = access_line(traced, request_id)
    assert HEX32.match(line["trace_id"]) and HEX16.match(line["span_id"])
    assert r.headers["traceresponse"] == f"00-{line['trace_id']}-{line['span_id']}-01"
    server = by_name(collector.wait_for_trace(line["trace_id"], {"GET /healthz"}))["GET /healthz"]
    assert "parentSpanId" not in server
    assert server["spanId"] == line["span_id"]


@pytest.mark.parametrize("header", [
    "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # all-zero trace id
    "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  # all-zero parent id
    "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  # upper case
    "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # version ff
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  # 00 with more
])
def test_an_invalid_traceparent_starts_a_new_trace(traced, collector, header):
    request_id = f"invalid-{uuid.uuid4()}"
    r = requests.get(traced.url("/healthz"),
                     headers={"traceparent": header, "tracestate": "rojo=1",
                              "X-Request-ID": request_id}, timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200
    line = access_line(traced, request_id)
    assert line["trace_id"] not in header.lower()
    server = by_name(collector.wait_for_trace(line["trace_id"], {"GET /healthz"}))["GET /healthz"]
    assert "parentSpanId" not in server
    assert "traceState" not in server, "tracestate belongs to the caller's (refused) trace"


def test_a_future_version_is_joined(traced, collector):
    trace_id, parent_id = new_ids()
    r = requests.get(traced.url("/healthz"),
                     headers={"traceparent": f"cc-{trace_id}-{parent_id}-01-later-fields"},
                     timeout=REQUEST_TIMEOUT)
    assert r.headers["traceresponse"].startswith(f"00-{trace_id}-")
    server = by_name(collector.wait_for_trace(trace_id, {"GET /healthz"}))["GET /healthz"]
    assert server["parentSpanId"] == parent_id


def test_an_unsampled_trace_is_logged_but_not_exported(traced, collector, token):
    trace_id, parent_id = new_ids()
    request_id = f"unsampled-{uuid.uuid4()}"
    r = post_json(traced, "/predict", {"text": "meh"}, token,
                  headers={"traceparent": f"00-{trace_id}-{parent_id}-00",
                           "X-Request-ID": request_id})
    assert r.status_code == 200
    assert r.headers["traceresponse"].startswith(f"00-{trace_id}-")
    assert r.headers["traceresponse"].endswith("-00")
    assert access_line(traced, request_id)["trace_id"] == trace_id
    # A sampled request sent after it: once its spans are in, the exporter has drained every
    # worker's queue past the unsampled request.
    marker, marker_parent = new_ids()
    post_json(traced, "/predict", {"text": "ok"}, token,
              headers={"traceparent": f"00-{marker}-{marker_parent}-01"})
    collector.wait_for_trace(marker, {"POST /predict"})
    assert collector.trace(trace_id) == []


def test_token_hashing_has_its_span(traced, collector):
    trace_id, parent_id = new_ids()
    r = requests.post(traced.url("/token"),
                      data={"grant_type": "password", "username": "alice",
                            "password": USERS["alice"][0]},
                      headers={"traceparent": f"00-{trace_id}-{parent_id}-01"},
                      timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200, r.text
    spans = by_name(collector.wait_for_trace(trace_id, {"POST /token", "credential.hash"}))
    assert spans["POST /token"]["parentSpanId"] == parent_id
    assert spans["credential.hash"]["parentSpanId"] == spans["POST /token"]["spanId"]
    assert attributes(spans["credential.hash"])["smlapi.hash"] == "argon2id"
    assert r.headers["traceresponse"].split("-")[2] == spans["POST /token"]["spanId"]


def test_errors_carry_the_trace(traced, collector):
    trace_id, parent_id = new_ids()
    request_id = f"error-{uuid.uuid4()}"
    r = requests.post(traced.url("/predict"), json={"text": "x"},
                      headers={"traceparent": f"00-{trace_id}-{parent_id}-01",
                               "X-Request-ID": request_id}, timeout=REQUEST_TIMEOUT)
    assert r.status_code == 401
    assert r.headers["traceresponse"].startswith(f"00-{trace_id}-")
    assert access_line(traced, request_id)["trace_id"] == trace_id
    spans = by_name(collector.wait_for_trace(trace_id, {"POST /predict", "admission"}))
    assert attributes(spans["POST /predict"])["http.response.status_code"] == "401"


def test_the_headers_file_reaches_the_collector_and_never_the_log(traced, collector):
    wait_until(lambda: collector.headers, timeout=15)
    with collector.lock:
        assert all(h.get("X-Collector-Key") == HEADER_SECRET for h in collector.headers)
    assert HEADER_SECRET not in traced.log_text()


def test_export_metrics(traced, collector):
    wait_until(lambda: metric_sum(parse_metrics(requests.get(
        traced.url("/metrics"), timeout=REQUEST_TIMEOUT).text)[0],
        "smlapi_trace_spans_exported_total") > 0, timeout=15)


def test_redis_round_trip_has_its_span(redis_server, fresh_service, collector):  # noqa: F811
    svc = fresh_service("--redis-host", "127.0.0.1", "--redis-port", str(redis_server.port),
                        "--rate-limits", "on", "--otlp-endpoint", collector.endpoint(),
                        "--otlp-service-name", SERVICE_NAME)
    trace_id, parent_id = new_ids()
    # A rate-limited route: its address limit is one Lua script on the worker's connection.
    r = requests.get(svc.url("/.well-known/jwks.json"),
                     headers={"traceparent": f"00-{trace_id}-{parent_id}-01"},
                     timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200
    spans = by_name(collector.wait_for_trace(trace_id, {"GET /.well-known/jwks.json", "admission",
                                                        "admission.store"}))
    server = spans["GET /.well-known/jwks.json"]
    store = spans["admission.store"]
    assert store["kind"] == 3 and store["parentSpanId"] == server["spanId"]
    assert attributes(store)["db.system.name"] == "redis"
    assert spans["admission"]["parentSpanId"] == server["spanId"]


def export_in_three_batches(svc, collector):
    """Three traced requests, each exported before the next is sent: three batches."""
    for _ in range(3):
        trace_id, parent_id = new_ids()
        r = requests.get(svc.url("/healthz"),
                         headers={"traceparent": f"00-{trace_id}-{parent_id}-01"},
                         timeout=REQUEST_TIMEOUT)
        assert r.status_code == 200
        collector.wait_for_trace(trace_id, {"GET /healthz"})


def export_failures(svc):
    samples = parse_metrics(requests.get(svc.url("/metrics"), timeout=REQUEST_TIMEOUT).text)[0]
    return metric_sum(samples, "smlapi_trace_export_failures_total")


def test_batches_share_one_kept_alive_connection(fresh_service):
    keeping = Collector(keep_alive=True)
    try:
        svc = fresh_service("--otlp-endpoint", keeping.endpoint(),
                            "--otlp-service-name", SERVICE_NAME)
        export_in_three_batches(svc, keeping)
        assert keeping.connections == 1
        assert export_failures(svc) == 0
    finally:
        keeping.stop()


def test_the_json_encoding_on_request(fresh_service):
    """--otlp-protocol http/json: the same spans as OTLP/JSON, ids in hex, times as strings."""
    receiving = Collector(content_type=JSON)
    try:
        svc = fresh_service("--otlp-endpoint", receiving.endpoint(),
                            "--otlp-protocol", "http/json", "--otlp-service-name", SERVICE_NAME)
        trace_id, parent_id = new_ids()
        requests.get(svc.url("/healthz"), headers={"traceparent": f"00-{trace_id}-{parent_id}-01"},
                     timeout=REQUEST_TIMEOUT)
        server = by_name(receiving.wait_for_trace(trace_id, {"GET /healthz"}))["GET /healthz"]
        assert server["parentSpanId"] == parent_id
        assert export_failures(svc) == 0
    finally:
        receiving.stop()


def test_a_connection_the_collector_closed_is_opened_again(fresh_service):
    closing = Collector(keep_alive=True, close_silently=True)
    try:
        svc = fresh_service("--otlp-endpoint", closing.endpoint(),
                            "--otlp-service-name", SERVICE_NAME)
        export_in_three_batches(svc, closing)
        assert closing.connections >= 3
        assert export_failures(svc) == 0
    finally:
        closing.stop()


def test_a_slow_collector_does_not_make_the_queue_drop(fresh_service):
    """While a batch waits for the collector's answer, the exporter goes on draining the queue
    into the next batch: a queue far smaller than what arrives during one slow answer drops
    nothing (before, the rings were left alone until the answer came)."""
    slow = Collector(keep_alive=True, answer_delay=1.0)  # under the 2 s export timeout
    try:
        # 8 requests in the worker's queue; the first batch leaves when it is half full.
        svc = fresh_service("--otlp-endpoint", slow.endpoint(), "--otlp-service-name", SERVICE_NAME,
                            "--otlp-queue-spans", "24", "--threads", "1")
        session = requests.Session()
        trace_ids = []
        for _ in range(40):
            trace_id, parent_id = new_ids()
            r = session.get(svc.url("/healthz"), timeout=REQUEST_TIMEOUT,
                            headers={"traceparent": f"00-{trace_id}-{parent_id}-01"})
            assert r.status_code == 200
            trace_ids.append(trace_id)
        wait_until(lambda: all(slow.trace(t) for t in trace_ids), timeout=20)
        samples = parse_metrics(session.get(svc.url("/metrics"), timeout=REQUEST_TIMEOUT).text)[0]
        assert metric_sum(samples, "smlapi_trace_spans_dropped_total") == 0
        # What waited for an answer went out in a batch larger than the queue.
        assert max(slow.batch_sizes) > 8, slow.batch_sizes
    finally:
        slow.stop()


def test_a_dead_collector_never_holds_a_request(fresh_service):
    # Accepts connections (the kernel completes them) and never reads nor answers.
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead.listen(1)
    try:
        svc = fresh_service("--otlp-endpoint", f"http://127.0.0.1:{dead.getsockname()[1]}/v1/traces",
                            "--otlp-queue-spans", "4", "--threads", "1")
        for _ in range(40):
            r = requests.get(svc.url("/healthz"), timeout=REQUEST_TIMEOUT)
            assert r.status_code == 200

        def dropped():
            samples = parse_metrics(requests.get(svc.url("/metrics"),
                                                 timeout=REQUEST_TIMEOUT).text)[0]
            return metric_sum(samples, "smlapi_trace_spans_dropped_total", reason="queue_full")

        wait_until(lambda: dropped() > 0, timeout=15)
        assert requests.get(svc.url("/healthz"), timeout=REQUEST_TIMEOUT).status_code == 200
    finally:
        dead.close()


def test_tracing_options_are_checked(tmp_path):
    loose = tmp_path / "headers"
    loose.write_text("X-Key: secret-value-1234\n")
    loose.chmod(0o644)
    assert_config_refused(serve_refused(conftest.BIN, ["--otlp-endpoint", "https://c:4318/v1/traces"]),
                          "--otlp-endpoint")
    assert_config_refused(serve_refused(conftest.BIN, ["--trace-sample-ratio", "1.5"]),
                          "--trace-sample-ratio")
    assert_config_refused(serve_refused(conftest.BIN, ["--otlp-protocol", "grpc"]),
                          "--otlp-protocol")
    result = serve_refused(conftest.BIN, ["--otlp-endpoint", "http://127.0.0.1:9/v1/traces",
                                          "--otlp-headers-file", loose])
    assert_config_refused(result, "--otlp-headers-file")
    assert "secret-value-1234" not in result[1] + result[2]
    assert loose.stat().st_mode & stat.S_IRWXO  # the file really is world-readable
    assert os.path.exists(loose)
