"""Shared helpers for the service-core integration tests (endpoints, protocol, logs, metrics).

Raw sockets are used where an HTTP library would hide what is under test (pipelining, malformed
requests, Expect: 100-continue, connection closing); everything else goes through requests.
"""
import json
import os
import re
import socket
import subprocess
import threading
import time

import requests

REQUEST_TIMEOUT = 30
JSON = {"Content-Type": "application/json"}

# Security headers every response carries, errors included (issue 3).
FIXED_SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
PRESENT_SECURITY_HEADERS = ("permissions-policy", "cross-origin-opener-policy",
                            "cross-origin-resource-policy", "content-security-policy")

POSITIVE_THRESHOLD = 0.05  # reference thresholds: compound >= 0.05 positive, <= -0.05 negative


def expected_label(compound):
    if compound >= POSITIVE_THRESHOLD:
        return "POSITIVE"
    if compound <= -POSITIVE_THRESHOLD:
        return "NEGATIVE"
    return "NEUTRAL"


# ---- requests-level helpers ----------------------------------------------------------------

def post_json(svc, path, body, token=None, headers=None, session=None):
    all_headers = dict(JSON)
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    all_headers.update(headers or {})
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return (session or requests).post(svc.url(path), data=data, headers=all_headers,
                                      timeout=REQUEST_TIMEOUT)


def get(svc, path, token=None, headers=None):
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    return requests.get(svc.url(path), headers=all_headers, timeout=REQUEST_TIMEOUT)


def assert_json(response):
    assert response.headers.get("Content-Type", "").startswith("application/json"), \
        response.headers.get("Content-Type")
    return response.json()


def assert_detail_error(response, status):
    """A plain error: {"detail": "<message>"} with the given status."""
    assert response.status_code == status, (response.status_code, response.text)
    body = assert_json(response)
    assert isinstance(body.get("detail"), str) and body["detail"], body
    return body


def assert_validation_error(response, error_type=None, loc=None):
    """A 422 in the reference shape {"detail": [{"type", "loc", "msg"}]}; returns the issues."""
    assert response.status_code == 422, (response.status_code, response.text)
    body = assert_json(response)
    issues = body.get("detail")
    assert isinstance(issues, list) and issues, body
    for issue in issues:
        assert isinstance(issue.get("type"), str) and issue["type"], issue
        assert isinstance(issue.get("msg"), str) and issue["msg"], issue
        assert isinstance(issue.get("loc"), list) and issue["loc"], issue
        assert issue["loc"][0] == "body", issue
    if error_type is not None:
        assert any(i["type"] == error_type for i in issues), issues
    if loc is not None:
        assert any(i["loc"] == loc for i in issues), issues
    return issues


def assert_oip_error(response, status):
    """An Open Inference Protocol error: {"error": "<message>"}."""
    assert response.status_code == status, (response.status_code, response.text)
    body = assert_json(response)
    assert isinstance(body.get("error"), str) and body["error"], body
    return body


def assert_security_headers(headers, context=""):
    lower = {k.lower(): v for k, v in headers.items()}
    for name, value in FIXED_SECURITY_HEADERS.items():
        assert lower.get(name) == value, (context, name, lower.get(name))
    for name in PRESENT_SECURITY_HEADERS:
        assert lower.get(name), (context, name, "missing")
    csp = lower["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (context, csp)
    assert "frame-ancestors 'none'" in csp, (context, csp)
    assert "*" not in csp, (context, csp)
    # No version banner (an empty or absent Server header is fine).
    server = lower.get("server", "")
    assert not re.search(r"\d", server), (context, server)
    assert "x-powered-by" not in lower, context
    # Plain HTTP: HSTS must not be sent (RFC 6797 section 7.2).
    assert "strict-transport-security" not in lower, context


# ---- start-up refusals ----------------------------------------------------------------------

def serve_refused(bin_path, args, env=None, bound=60, add_port=True):
    """Runs `serve` with a configuration it must refuse. Returns (exit code, stdout, stderr).

    A server that wrongly starts is killed as soon as it logs its `startup` line (or after
    `bound` seconds) and reported with exit code None, never left running: a broken check
    costs a second, not the whole bound (the mutation gate runs such servers by the dozen)."""
    argv = [bin_path, "serve", "--host", "127.0.0.1"]
    if add_port and not any(str(a).startswith("--port") for a in args):
        argv += ["--port", "0"]  # never the default 8000: other services may use it
    proc = subprocess.Popen(argv + [str(a) for a in args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    out_lines, err_text = [], []
    started = threading.Event()

    def read_stdout():
        for line in proc.stdout:
            out_lines.append(line)
            if '"event":"startup"' in line and '"listening"' in line:
                started.set()

    readers = [threading.Thread(target=read_stdout, daemon=True),
               threading.Thread(target=lambda: err_text.append(proc.stderr.read()), daemon=True)]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + bound
    while proc.poll() is None and not started.is_set() and time.monotonic() < deadline:
        started.wait(0.05)
    code = proc.poll()
    if code is None:
        proc.kill()
        proc.wait()
    for reader in readers:
        reader.join()
    return code, "".join(out_lines), "".join(err_text)


def assert_config_refused(result, *fragments):
    """A configuration error: exit 2 before anything starts, the reason on stderr naming the
    offending option (no startup log line, nothing listening)."""
    code, out, err = result
    assert code is not None, f"the server started: {out[-500:]}"
    assert code == 2, (code, out[-500:], err[-500:])
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert '"event":"startup"' not in out, out[-500:]


# ---- raw HTTP/1.1 ---------------------------------------------------------------------------

class RawResponse:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # lower-case name -> value (last one wins)
        self.body = body

    def json(self):
        return json.loads(self.body)

    def closes(self):
        return self.headers.get("connection", "").lower() == "close"

    def __repr__(self):
        return f"RawResponse({self.status}, {self.headers}, {self.body[:200]!r})"


class RawConnection:
    """One TCP connection speaking hand-written HTTP/1.1; parses responses by Content-Length."""

    def __init__(self, port, timeout=15):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""
        self.eof = False

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            self.eof = True
        self.buffer += chunk
        return bool(chunk)

    def read_response(self, head_only=False):
        """Reads one response (the whole body unless head_only, e.g. for HEAD or 1xx)."""
        while b"\r\n\r\n" not in self.buffer:
            if not self._fill():
                raise ConnectionError(f"connection closed; got {self.buffer[:300]!r}")
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        version, status, *reason = lines[0].split(" ", 2)
        assert version == "HTTP/1.1", lines[0]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        status = int(status)
        length = 0 if head_only or status < 200 or status in (204, 304) else \
            int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            if not self._fill():
                raise ConnectionError("connection closed inside a response body")
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return RawResponse(status, reason[0] if reason else "", headers, body)

    def closed_by_peer(self, timeout=15):
        """True when the server closes the connection (EOF or reset) within the bound."""
        if self.eof:
            return True
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buffer += chunk
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def request_bytes(method, target, headers=None, body=b"", version="HTTP/1.1", host=True):
    lines = [f"{method} {target} {version}"]
    if host:
        lines.append("Host: 127.0.0.1")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body and not any(n.lower() in ("content-length", "transfer-encoding")
                        for n in (headers or {})):
        lines.append(f"Content-Length: {len(body)}")
    if isinstance(body, str):
        body = body.encode()
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def raw_exchange(port, data, timeout=15, close_wait=5):
    """Sends raw bytes on a new connection; returns (first response, closed-by-server).

    A server that means to close does so right after its answer, so close_wait stays short.
    """
    with RawConnection(port, timeout) as conn:
        conn.send(data)
        response = conn.read_response()
        return response, conn.closed_by_peer(close_wait)


def predict_request(token, text, extra_headers=None):
    body = json.dumps({"text": text}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    headers.update(extra_headers or {})
    return request_bytes("POST", "/predict", headers, body)


# ---- logs -----------------------------------------------------------------------------------

def access_lines(svc):
    return [line for line in svc.log_lines() if line.get("event") == "access"]


def wait_for_access_line(svc, predicate, timeout=15):
    """Access logs are flushed in batches: poll (bounded) until a matching line appears."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in access_lines(svc):
            if predicate(line):
                return line
        time.sleep(0.1)
    raise AssertionError(f"no matching access line in {timeout}s: {svc.log_text()[-2000:]}")


# ---- metrics --------------------------------------------------------------------------------

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text -> (samples [(name, {labels}, value)], {family: type})."""
    samples, types = [], {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind.strip()
            continue
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, line
        labels = dict(LABEL.findall(match.group(3) or ""))
        samples.append((match.group(1), labels, float(match.group(4))))
    return samples, types


def scrape(svc):
    """The full exposition: from the admin listener when the service has one."""
    r = requests.get(svc.metrics_url(), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200, r.text
    return r.text


def metric_sum(samples, name, **labels):
    return sum(value for sample_name, sample_labels, value in samples
               if sample_name == name and all(sample_labels.get(k) == v for k, v in labels.items()))


# ---- OIP ------------------------------------------------------------------------------------

def oip_request(texts, shape=None, datatype="BYTES", name="text", **extra):
    body = {"inputs": [{"name": name, "shape": shape if shape is not None else [len(texts)],
                        "datatype": datatype, "data": texts}]}
    body.update(extra)
    return body


def outputs_by_name(body):
    return {output["name"]: output for output in body["outputs"]}
