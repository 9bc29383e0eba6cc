"""A production topology on loopback for test_topology.py (issue 15, item 7).

    client threads --HTTP--> HAProxy (http, round robin, /readyz checks) --> service replicas
    service replicas --RESP--> HAProxy (tcp, routes to whichever Redis says role:master)
                               --> Redis primary  <-- replication --  Redis replica

The Redis router stands in for a managed primary endpoint that moves on failover: the services
only know its address, so a failover is invisible to them except as a dropped connection.
Every process here is started in the foreground with its own PID and stopped by that PID.
"""
import os
import shutil
import socket
import subprocess
import threading
from collections import Counter
from pathlib import Path

import requests

import conftest
import helpers_auth as h

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
REQUEST_TIMEOUT = 30


def tool_missing():
    """The reason the suite cannot run here, or None (install-deps --test installs both)."""
    for tool, path in (("haproxy", HAPROXY), ("redis-server", "/usr/bin/redis-server")):
        if not (shutil.which(tool) or os.path.exists(path)):
            return f"{tool} is not installed (scripts/install-deps.sh --test)"
    return None


# ---- HAProxy ----------------------------------------------------------------------------------

def redis_router_config(port, nodes):
    """TCP frontend to the Redis node answering role:master (the usual HAProxy pattern).

    A node that does not answer PING within `timeout check` (SIGSTOP), is down (killed) or is a
    replica fails the check at once (fall 1, every 200 ms) and its sessions are cut
    (shutdown-sessions), so the services reconnect instead of waiting on a dead peer. Client
    and server timeouts are long: the services keep idle connections (and a pub/sub one)."""
    servers = "\n".join(f"  server redis{i} 127.0.0.1:{node.port} check"
                        for i, node in enumerate(nodes))
    return f"""global
  maxconn 1000
defaults
  mode tcp
  timeout connect 500ms
  timeout client 1h
  timeout server 1h
  timeout check 500ms
frontend redis
  bind 127.0.0.1:{port}
  default_backend redis_primary
backend redis_primary
  option tcp-check
  tcp-check connect
  tcp-check send PING\\r\\n
  tcp-check expect string +PONG
  tcp-check send info\\ replication\\r\\n
  tcp-check expect string role:master
  tcp-check send QUIT\\r\\n
  tcp-check expect string +OK
  default-server inter 200ms fall 1 rise 1 on-marked-down shutdown-sessions
{servers}
"""


def http_lb_config(port, service_ports):
    """HTTP load balancer: round robin, keep-alive both sides, /readyz health checks.

    Retries only on connection failures (`retry-on conn-failure`: the request was never sent,
    so even a POST is safe to send elsewhere; `option redispatch` picks another server).
    X-Forwarded-For is appended (the services trust 127.0.0.1), X-Served-By names the replica."""
    servers = "\n".join(f"  server s{i} 127.0.0.1:{p} check" for i, p in enumerate(service_ports))
    return f"""global
  maxconn 1000
defaults
  mode http
  option http-keep-alive
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 5s
  timeout check 1s
  retries 3
  retry-on conn-failure
  option redispatch 1
frontend web
  bind 127.0.0.1:{port}
  option forwardfor
  default_backend api
backend api
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  http-response set-header X-Served-By %[srv_name]
  default-server inter 200ms fall 1 rise 1
{servers}
"""


class Haproxy:
    """haproxy in the foreground (-db) with a config file in workdir, stopped by PID."""

    def __init__(self, workdir, name, port, config):
        self.workdir = Path(workdir)
        self.port = port
        self.config_path = self.workdir / f"{name}.cfg"
        self.log_path = self.workdir / f"{name}.log"
        self.config_path.write_text(config)
        self.proc = None

    def start(self):
        check = subprocess.run([HAPROXY, "-c", "-f", str(self.config_path)], capture_output=True,
                               text=True, timeout=30)
        assert check.returncode == 0, check.stdout + check.stderr
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen([HAPROXY, "-db", "-f", str(self.config_path)],
                                         stdout=log, stderr=subprocess.STDOUT)
        conftest.wait_until(self._listening, timeout=30)
        return self

    def _listening(self):
        assert self.proc.poll() is None, self.log_path.read_text()
        with socket.create_connection(("127.0.0.1", self.port), timeout=1):
            return True

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---- the services -------------------------------------------------------------------------------

def start_replica(workdir, shared_keys, redis_port, *args):
    """A service whose keys are a copy of shared_keys, so a token verifies on every replica.

    Under ASan, freed memory is held in a quarantine of up to 256 MiB by default, which would
    make RSS measure the sanitizer; 16 MiB keeps the memory check about the service."""
    workdir = h.prepare_workdir(workdir)
    if not (workdir / "keys").exists():
        shutil.copytree(shared_keys, workdir / "keys")
    asan = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=16"]))
    return conftest.start_service(workdir, "--redis-host", "127.0.0.1", "--redis-port",
                                  str(redis_port), *args, env={"ASAN_OPTIONS": asan})


def rss_bytes(pid):
    """Resident set size of a live process (VmRSS in /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for {pid}")


def metric(svc, name):
    """One sample from the service's /metrics (name with its labels, as exposed), or None."""
    text = requests.get(svc.url("/metrics"), timeout=REQUEST_TIMEOUT).text
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return None


def redis_linked(svc):
    """True when the service's store answers PING and none of its workers' connections is
    down (each worker decides its requests' limits on its own connection)."""
    return (metric(svc, "smlapi_redis_up") == 1
            and metric(svc, 'smlapi_redis_connections{state="down"}') == 0)


def redis_keys(node, pattern):
    return [key for key in node.command("--scan", "--pattern", pattern).split("\n") if key]


def replication(node):
    """INFO replication of a node as a dict (role, master_link_status, connected_slaves...)."""
    fields = {}
    for line in node.command("INFO", "replication").splitlines():
        key, sep, value = line.strip().partition(":")
        if sep:
            fields[key] = value
    return fields


# ---- load -------------------------------------------------------------------------------------

class Load:
    """Bounded background clients through the load balancer; every request's outcome is kept.

    `clients` threads POST /predict with a valid token on keep-alive sessions; one more thread
    sends a revoked token, every answer of which must be 401. Outcomes are tagged with the phase
    current when the request was sent, so each fault's window is asserted on its own. A
    connection error is recorded (never retried by the client: a retry would hide a lost
    request) and the thread carries on with a new session."""

    def __init__(self, base_url, token, revoked_token, clients=4):
        self.url = base_url + "/predict"
        self.token = token
        self.revoked_token = revoked_token
        self.phase = "start"
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.outcomes = []  # (phase, "valid" | "revoked", status or error text, served by)
        self.threads = [threading.Thread(target=self._run, args=("valid", token), daemon=True)
                        for _ in range(clients)]
        self.threads.append(threading.Thread(target=self._run, args=("revoked", revoked_token),
                                             daemon=True))

    def _run(self, kind, token):
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}"}
        while not self.stop_event.is_set():
            phase = self.phase
            try:
                r = session.post(self.url, json={"text": "steady and good"}, headers=headers,
                                 timeout=REQUEST_TIMEOUT)
                outcome, served_by = r.status_code, r.headers.get("X-Served-By")
            except requests.RequestException as error:
                outcome, served_by = f"error: {error!r}", None
                session = requests.Session()
            with self.lock:
                self.outcomes.append((phase, kind, outcome, served_by))

    def set_phase(self, phase):
        self.phase = phase

    def answered(self, phase, kind="valid"):
        """The outcomes of `kind` requests sent in `phase`, as (status or error, served by)."""
        with self.lock:
            return [(o, by) for p, k, o, by in self.outcomes if p == phase and k == kind]

    def wait_for(self, phase, count, timeout=60):
        """Waits until `count` valid requests sent in `phase` have an outcome."""
        conftest.wait_until(lambda: len(self.answered(phase)) >= count, timeout=timeout)

    def summary(self):
        """How many requests of each (phase, kind, status or error)."""
        with self.lock:
            return Counter((p, k, o) for p, k, o, _ in self.outcomes)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)


# ---- the whole topology -------------------------------------------------------------------------

class Topology:
    """Redis primary + replica behind a Redis router, service replicas behind an HTTP LB.

    Started once per test module (services under ASan start slowly); a test that changes the
    shape (failover, a replica stopped) restores it before it returns, so each test starts from
    two Redis nodes (one primary) and every service replica in the LB."""

    def __init__(self, workdir, service_args, replicas=2):
        self.workdir = Path(workdir)
        self.service_args = list(service_args)
        self.shared_keys = h.make_keys_dir(self.workdir / "shared")
        # Redis with an AOF: a revocation must outlive a crash of the primary (SIGKILL), as it
        # does with a managed Redis (persistence, or a replica that takes over). A killed process
        # loses nothing it has written to the kernel, and with `appendfsync no` Redis writes the
        # AOF before it sends the replies (`everysec` may postpone that write behind a slow
        # fsync). Not `always`: an fsync per write stalls Redis past the services' 50 ms timeout
        # whenever the disk is busy (CI builds in parallel), and the test would measure the disk.
        durable = ["--appendonly", "yes", "--appendfsync", "no"]
        self.primary = conftest.RedisServer(self._dir("redis-a"), extra_args=durable)
        self.replica = conftest.RedisServer(self._dir("redis-b"), extra_args=durable)
        self.replica.extra_args += ["--replicaof", "127.0.0.1", str(self.primary.port)]
        port = conftest.free_port()
        self.router = Haproxy(self.workdir, "redis-router", port,
                              redis_router_config(port, [self.primary, self.replica]))
        self.services = [None] * replicas
        self.lb = None
        self.base_url = None  # the LB's, once started

    def _dir(self, name):
        path = self.workdir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def start(self):
        """Starts everything; the caller stops it with stop() even when this raises."""
        self.primary.start()
        self.replica.start()
        self.wait_replicated()
        self.router.start()
        for index in range(len(self.services)):
            self.start_service(index)
        port = conftest.free_port()
        self.lb = Haproxy(self.workdir, "http-lb", port,
                          http_lb_config(port, [svc.port for svc in self.services]))
        self.lb.start()
        self.base_url = f"http://127.0.0.1:{port}"
        self.wait_all_in_lb()
        return self

    def start_service(self, index, port=0):
        """(Re)starts service replica `index`; a replacement takes the old one's port (the LB's
        server list is fixed), as a rescheduled pod takes the old one's place."""
        args = ["--port", str(port)] if port else []
        self.services[index] = start_replica(self._dir(f"replica{index}"), self.shared_keys,
                                             self.router.port, *self.service_args, *args)
        return self.services[index]

    def stop(self):
        """Stops every process this topology started, each by its PID (teardown; never raises
        before the last one is stopped)."""
        for stop in [self.lb and self.lb.stop, *[svc.stop for svc in self.services if svc],
                     self.router.stop, self.primary.stop, self.replica.stop]:
            if stop:
                try:
                    stop()
                except Exception:  # noqa: BLE001 - keep stopping the rest
                    pass

    # ---- state checks ------------------------------------------------------------------------

    def served_by(self, session=None):
        r = (session or requests).get(self.base_url + "/healthz", timeout=REQUEST_TIMEOUT)
        return r.headers.get("X-Served-By")

    def wait_all_in_lb(self):
        """Until the LB has sent a request to every replica (each passed its /readyz check)."""
        wanted = {f"s{i}" for i in range(len(self.services))}
        seen = set()

        def all_seen():
            seen.add(self.served_by())
            return wanted <= seen

        conftest.wait_until(all_seen, timeout=60, interval=0.05)

    def wait_replicated(self):
        """Until the replica's link to the primary is up and it has every write so far."""
        conftest.wait_until(lambda: replication(self.replica).get("master_link_status") == "up",
                            timeout=30)
        conftest.wait_until(lambda: self.primary.command("WAIT", "1", "1000").strip() == "1",
                            timeout=30)

    def wait_redis_up(self, up=True):
        """Until every service sees Redis up (all its connections) or down (its PING fails)."""
        def reached():
            if up:
                return all(redis_linked(svc) for svc in self.services)
            return all(metric(svc, "smlapi_redis_up") == 0 for svc in self.services)

        conftest.wait_until(reached, timeout=60, interval=0.1)

    def store_errors(self):
        """Per replica, the limit decisions it took without Redis so far (a tuple to compare)."""
        return tuple(metric(svc, 'smlapi_ratelimit_store_errors_total{store="redis"}') or 0
                     for svc in self.services)

    def diagnostics(self):
        """Each replica's Redis metrics and the nodes' roles, for assertion messages."""
        lines = [f"primary {self.primary.port}: {self.primary.command('ROLE').split()[:1]}",
                 f"replica {self.replica.port}: {self.replica.command('ROLE').split()[:1]}"]
        for index, svc in enumerate(self.services):
            text = requests.get(svc.url("/metrics"), timeout=REQUEST_TIMEOUT).text
            lines += [f"s{index} {line}" for line in text.splitlines()
                      if line.startswith(("smlapi_redis_up", "smlapi_redis_connections",
                                          "smlapi_redis_reconnects",
                                          "smlapi_ratelimit_store_errors"))]
        return "\n".join(lines)

    # ---- faults ------------------------------------------------------------------------------

    def fail_over(self):
        """The primary crashes (SIGKILL); once every service has seen Redis go (as a failover
        takes a detection delay in production too) the replica is promoted (REPLICAOF NO ONE).
        The router moves once its check sees role:master on the new node."""
        self.primary.kill()
        self.wait_redis_up(False)
        assert "OK" in self.replica.command("REPLICAOF", "NO", "ONE")
        self.primary, self.replica = self.replica, self.primary

    def heal(self):
        """The crashed node comes back as a replica of the new primary: two nodes again."""
        old = self.replica
        if "--replicaof" in old.extra_args:
            at = old.extra_args.index("--replicaof")
            del old.extra_args[at:at + 3]
        old.extra_args += ["--replicaof", "127.0.0.1", str(self.primary.port)]
        old.start()
        self.wait_replicated()

    def burst(self, address, count, path="/.well-known/jwks.json"):
        """`count` GETs through the LB as one client address (X-Forwarded-For, which the LB
        appends to and the services trust from 127.0.0.1), one after the other.
        Returns (status, served_by, Retry-After) for each."""
        session = requests.Session()
        answers = []
        for _ in range(count):
            r = session.get(self.base_url + path, headers={"X-Forwarded-For": address},
                            timeout=REQUEST_TIMEOUT)
            answers.append((r.status_code, r.headers.get("X-Served-By"),
                            r.headers.get("Retry-After")))
        return answers
