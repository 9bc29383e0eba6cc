"""Fixtures for the integration tests: the real secure-ml-api binary on a free
loopback port, driven over real HTTP, and a real redis-server when needed.

Run with Debian's /usr/bin/python3 (python3-pytest, python3-requests, python3-jwt).
The binary comes from $SMLAPI_BIN (CTest sets it), else build-dev/secure-ml-api.
"""
import json
import os
import signal
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("SMLAPI_BIN") or str(ROOT / "build-dev" / "secure-ml-api")
START_TIMEOUT = 60  # seconds; sanitizer builds on a loaded machine start slowly

# Demo accounts every started service knows (passwords are test-only).
USERS = {
    "alice": ("alice-password-123", ["predict"]),
    "root": ("root-password-1234", ["predict", "admin"]),
    "nobody": ("nobody-password-12", ["admin"]),  # no predict scope
}
CLIENTS = {"batch-job": ("batch-job-secret-0123456789", ["predict"])}


def run_cli(*args, stdin="", env=None, check=True):
    """Runs a secure-ml-api subcommand and returns the CompletedProcess."""
    result = subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True,
                            env=env, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed: {result.stderr}")
    return result


def make_users_file(path, users=USERS, clients=CLIENTS):
    for name, (password, scopes) in users.items():
        run_cli("users", "add", name, "--users-file", str(path), "--scopes", ",".join(scopes),
                stdin=password + "\n")
    for client_id, (secret, scopes) in clients.items():
        run_cli("clients", "add", client_id, "--users-file", str(path), "--scopes",
                ",".join(scopes), stdin=secret + "\n")
    return path


class Service:
    """A running `secure-ml-api serve` process."""

    def __init__(self, proc, port, workdir, log_path, admin_port=None):
        self.proc = proc
        self.pid = proc.pid
        self.port = port
        self.admin_port = admin_port  # set when started with --admin-port
        self.workdir = workdir
        self.log_path = log_path
        self.base_url = f"http://127.0.0.1:{port}"
        self.session = requests.Session()

    def url(self, path):
        return self.base_url + path

    def admin_url(self, path):
        assert self.admin_port is not None, "started without --admin-port"
        return f"http://127.0.0.1:{self.admin_port}{path}"

    def metrics_url(self):
        """Where the full /metrics is: the admin listener when on, else the (redacted) public port."""
        return self.admin_url("/metrics") if self.admin_port is not None else self.url("/metrics")

    def log_lines(self):
        """Every JSON log line written so far (access logs are flushed every ~250 ms)."""
        lines = []
        for raw in Path(self.log_path).read_text(errors="replace").splitlines():
            try:
                lines.append(json.loads(raw))
            except ValueError:
                lines.append({"unparsed": raw})
        return lines

    def log_text(self):
        return Path(self.log_path).read_text(errors="replace")

    def token(self, user="alice", password=None, scope=None, session=None):
        password = password if password is not None else USERS[user][0]
        form = {"grant_type": "password", "username": user, "password": password}
        if scope is not None:
            form["scope"] = scope
        r = (session or requests).post(self.url("/token"), data=form, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def client_token(self, client_id="batch-job", secret=None):
        secret = secret if secret is not None else CLIENTS[client_id][0]
        r = requests.post(self.url("/token"), data={"grant_type": "client_credentials"},
                          auth=(client_id, secret), timeout=30)
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def auth(self, token):
        return {"Authorization": f"Bearer {token}"}

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def alive(self):
        return self.proc.poll() is None


def start_service(workdir, *args, env=None, users_file=True, keys=True, wait_ready=True,
                  preexec=None):
    """Starts the binary on a free port (--port 0, read back from the startup log).

    `preexec`: runs in the child before exec (e.g. to lower its descriptor limit).

    Rate limits are lifted unless the caller passes its own --rate-limits/--rate-limit-*.
    """
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    argv = [BIN, "serve", "--host", "127.0.0.1", "--port", "0", "--threads", "2"]
    if users_file:
        path = workdir / "users.json"
        if not path.exists():
            make_users_file(path)
        argv += ["--users-file", str(path)]
    if keys:
        keys_dir = workdir / "keys"
        if not keys_dir.exists():
            run_cli("keys", "generate", "--alg", "EdDSA", "--kid", "test-key", "--out", str(keys_dir))
        argv += ["--keys-dir", str(keys_dir)]
    if not any(str(a).startswith("--rate-limit") for a in args):
        argv += ["--rate-limits", "off"]
    argv += [str(a) for a in args]
    log_path = workdir / f"server-{time.monotonic_ns()}.log"
    log = open(log_path, "w")
    proc_env = dict(os.environ)
    proc_env.update(env or {})
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=proc_env,
                            preexec_fn=preexec)
    deadline = time.monotonic() + START_TIMEOUT
    port = admin_port = None
    while time.monotonic() < deadline and port is None:
        if proc.poll() is not None:
            raise AssertionError(f"server exited {proc.returncode}: {log_path.read_text()}")
        for raw in log_path.read_text(errors="replace").splitlines():
            try:
                line = json.loads(raw)
            except ValueError:
                continue
            if line.get("event") == "startup" and "port" in line:
                port = line["port"]
                admin_port = line.get("admin_port")
        time.sleep(0.05)
    if port is None:
        proc.kill()
        raise AssertionError(f"server did not start: {log_path.read_text()}")
    service = Service(proc, port, workdir, log_path, admin_port)
    if wait_ready:
        try:
            wait_until(lambda: requests.get(service.url("/readyz"), timeout=5).status_code == 200)
        except AssertionError:
            service.stop()  # never leak a server whose setup failed
            raise
    return service


def wait_until(predicate, timeout=30, interval=0.05):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Exception as error:  # noqa: BLE001 - retried until the deadline
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"condition not met in {timeout}s (last error: {last_error})")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """One shared service per test module, rate limits lifted."""
    svc = start_service(tmp_path_factory.mktemp("svc"))
    yield svc
    svc.stop()


@pytest.fixture
def fresh_service(tmp_path):
    """A factory for services with custom flags; all are stopped at the end of the test."""
    started = []

    def factory(*args, **kwargs):
        svc = start_service(tmp_path / f"svc{len(started)}", *args, **kwargs)
        started.append(svc)
        return svc

    yield factory
    for svc in started:
        svc.stop()


class RedisServer:
    """A real redis-server on a free loopback port, stopped by PID."""

    def __init__(self, workdir, password=None, extra_args=()):
        self.port = free_port()
        self.password = password
        self.workdir = Path(workdir)
        self.extra_args = list(extra_args)  # e.g. --replicaof, --appendonly (topology tests)
        self.proc = None

    def start(self):
        argv = [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(self.port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.workdir)]
        if self.password:
            argv += ["--requirepass", self.password]
        argv += [str(a) for a in self.extra_args]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._pong, timeout=10)
        return self

    def _pong(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            if self.password:
                s.sendall(f"AUTH {self.password}\r\n".encode())
                s.recv(64)
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")

    def command(self, *parts):
        """Sends one command with redis-cli semantics; returns the raw reply bytes."""
        args = ["redis-cli", "-p", str(self.port)]
        if self.password:
            args += ["-a", self.password, "--no-auth-warning"]
        return subprocess.run(args + list(parts), capture_output=True, text=True, timeout=10).stdout

    def pause(self):
        """SIGSTOP: the kernel still accepts connections; nothing answers them."""
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def kill(self):
        """SIGKILL: a crash, nothing written on the way out (start() brings it back)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # a stopped process cannot act on SIGTERM
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path):
    if not (shutil.which("redis-server") or os.path.exists("/usr/bin/redis-server")):
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def pytest_sessionfinish(session, exitstatus):
    """Reports a run with skipped tests to CTest as skipped (exit 77), not passed.

    CTest sees one entry per test file; without this, a file whose tests all skipped (say,
    no redis-server) would read as a pass. A failure still wins: the status stays non-zero.
    scripts/test-summary.py then fails the test command on any skip the machine it
    prepared should not have.
    """
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if exitstatus == 0 and skipped:
        session.exitstatus = 77
