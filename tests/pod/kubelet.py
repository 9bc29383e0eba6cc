"""What the kubelet does for one pod, done with podman: project its Secrets and ConfigMaps,
start the container with the spec's security settings (Redis' name -> the stand-in), run its probes
on their schedules, and stop it (preStop, SIGTERM, SIGKILL after the grace period)."""

import ipaddress
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import kubelet_volume
import pod_network
import pod_spec


class PodFailure(Exception):
    """The pod did not behave; `kind` lets the self-test tell which check caught a defect."""

    def __init__(self, kind, message):
        super().__init__(f"[{kind}] {message}")
        self.kind = kind


class Podman:
    def __init__(self, root):
        self.base = ["podman", "--root", f"{root}/storage", "--runroot", f"{root}/run"]
        os.environ["CONTAINERS_CONF"] = f"{root}/containers.conf"  # runc, low ulimits

    def __call__(self, *args, check=True, timeout=60):
        result = subprocess.run([*self.base, *args], capture_output=True, text=True,
                                timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"podman {' '.join(args[:2])}: {result.stderr.strip()[-500:]}")
        return result.stdout.strip()


class Probe:
    """One httpGet probe's schedule and state, as the kubelet's prober worker keeps them."""

    def __init__(self, kind, settings):
        self.kind = kind
        (self.path, self.port, self.period, self.timeout, self.failure_threshold,
         self.initial_delay) = settings
        self.successes = 0
        self.consecutive_failures = 0
        self.last_status = None

    def once(self):
        try:
            status, _ = pod_network.http_request(self.port, "GET", self.path,
                                                 timeout=self.timeout)
        except OSError as error:
            status = repr(error)
        self.last_status = status
        if isinstance(status, int) and 200 <= status < 400:
            self.successes += 1
            self.consecutive_failures = 0
        else:
            self.consecutive_failures += 1
        return self.consecutive_failures == 0


class Kubelet:
    def __init__(self, pod, podman, image, network, workdir, log):
        self.pod = pod
        self.podman = podman
        self.image = image
        self.network = network
        self.workdir = Path(workdir)
        self.log = log
        self.container = None
        self.volume_dirs = {}
        self.stopping = threading.Event()
        self.started = threading.Event()
        self.ready = threading.Event()
        self.liveness_kills = []
        self.readiness = None
        self.started_time = None

    # ---- volumes ------------------------------------------------------------------------------

    def project_volumes(self, secrets):
        """Every Secret and ConfigMap volume of the spec, from `secrets` and the rendered
        ConfigMaps; emptyDir volumes as the kubelet makes them (0777, group fsGroup)."""
        for volume in self.pod.spec.get("volumes", []):
            self.volume_dirs[volume["name"]] = self.workdir / "volumes" / volume["name"]
            self.project(volume["name"], secrets)

    def project(self, name, secrets):
        volume = self.pod.volume(name)
        target = self.volume_dirs[name]
        if "secret" in volume:
            source = volume["secret"]
            data = secrets[source["secretName"]]
        elif "configMap" in volume:
            source = volume["configMap"]
            data = {k: v.encode() for k, v in self.pod.config_maps[source["name"]].items()}
        elif "emptyDir" in volume:
            return self.make_empty_dir(target)
        else:
            raise PodFailure("unsupported", f"volume {name}: {sorted(volume)}")
        kubelet_volume.project(target, self.payload(source, data), fs_group=self.pod.fs_group())

    def payload(self, source, data):
        """{path: (bytes, mode)}: every key, or only the listed items (with their own modes)."""
        items = source.get("items") or [{"key": k, "path": k} for k in sorted(data)]
        return {item["path"]: (data[item["key"]],
                               kubelet_volume.file_mode(source.get("defaultMode"),
                                                        item.get("mode"), self.pod.fs_group()))
                for item in items}

    def make_empty_dir(self, target):
        target.mkdir(parents=True, exist_ok=True)
        group = self.pod.fs_group()
        os.chown(target, 0, group if group is not None else 0)
        os.chmod(target, 0o777 | (0o2000 if group is not None else 0))

    # ---- start ----------------------------------------------------------------------------------

    def start(self, secrets, name, extra_args=()):
        self.project_volumes(secrets)
        security = self.pod.security()
        if security.get("runAsNonRoot") and security.get("runAsUser", 0) == 0:
            raise PodFailure("never-ready", "runAsNonRoot with runAsUser 0: the kubelet refuses")
        args = pod_spec.run_arguments(self.pod, self.pod.env(secrets), self.volume_dirs,
                                      f"ns:{self.network.path}")
        redis_host = self.pod.env(secrets).get("SMLAPI_REDIS_HOST", "")
        if redis_host and not is_ip_address(redis_host):
            # dev's Service name `redis`, prod's ElastiCache endpoint -> the stand-in.
            args += ["--add-host", f"{redis_host}:127.0.0.1"]
        args += list(extra_args)
        self.container = self.podman("run", "--detach", "--name", name, *args, self.image,
                                     *pod_spec.container_argv(self.pod))
        self.log(f"container {self.container[:12]} started")
        threading.Thread(target=self.run_probes, daemon=True).start()

    def running(self):
        state = self.podman("inspect", "--format", "{{.State.Running}}", self.container,
                            check=False)
        return state == "true"

    def logs(self):
        """stdout and stderr of the container (podman logs writes the latter to its stderr)."""
        result = subprocess.run([*self.podman.base, "logs", self.container], text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        return result.stdout

    def pid(self):
        return int(self.podman("inspect", "--format", "{{.State.Pid}}", self.container))

    # ---- probes ---------------------------------------------------------------------------------

    def run_probes(self):
        """The startup probe until it passes, then liveness and readiness, each on its period."""
        self.network.enter()
        startup = self.probe("startupProbe")
        if startup and not self.until_started(startup):
            return
        self.started_time = time.monotonic()
        self.started.set()
        probes = [p for p in (self.probe("livenessProbe"), self.probe("readinessProbe")) if p]
        self.readiness = next((p for p in probes if p.kind == "readinessProbe"), None)
        if self.readiness is None:
            self.ready.set()
        due = {p.kind: time.monotonic() + p.initial_delay for p in probes}
        while not self.stopping.is_set():
            for probe in probes:
                if time.monotonic() >= due[probe.kind]:
                    due[probe.kind] = time.monotonic() + probe.period
                    self.record(probe, probe.once())
            time.sleep(0.05)

    def probe(self, kind):
        settings = self.pod.probe(kind)
        return Probe(kind, settings) if settings else None

    def until_started(self, startup):
        time.sleep(startup.initial_delay)
        while not self.stopping.is_set():
            if startup.once():
                return True
            if startup.consecutive_failures >= startup.failure_threshold:
                self.liveness_kills.append(f"startup probe failed {startup.failure_threshold}x")
                return False
            time.sleep(startup.period)
        return False

    def record(self, probe, passed):
        if probe.kind == "readinessProbe":
            if passed:
                self.ready.set()
            elif probe.consecutive_failures >= probe.failure_threshold:
                self.ready.clear()
        elif probe.consecutive_failures >= probe.failure_threshold:
            self.liveness_kills.append(f"liveness {probe.path}: {probe.last_status}")

    def wait_ready(self):
        """Ready as the kubelet decides it; a container that exits, or a readiness probe that
        has not passed within its failure budget after startup, is never ready."""
        startup = self.pod.probe("startupProbe")
        deadline = time.monotonic() + (startup[2] * startup[4] if startup else 30)
        while not self.ready.is_set():
            if not self.running():
                raise PodFailure("never-ready", f"the container exited: {self.logs()[-600:]}")
            if self.started.is_set() and self.readiness:
                budget = self.readiness.period * (self.readiness.failure_threshold + 1)
                deadline = min(deadline, self.started_time + budget)
            if time.monotonic() > deadline or self.liveness_kills:
                status = self.readiness.last_status if self.readiness else None
                raise PodFailure("never-ready", f"not ready (readiness answered {status}; "
                                 f"restarts {self.liveness_kills}): {self.logs()[-400:]}")
            time.sleep(0.1)

    # ---- stop -----------------------------------------------------------------------------------

    def stop(self, before_sigterm=lambda: None, after_sigterm=lambda: None):
        """Pod deletion: the preStop hook (counted against the grace period), SIGTERM, then
        SIGKILL when the grace period ends. Returns (exit code, seconds, killed)."""
        grace = self.pod.grace_seconds()
        began = time.monotonic()
        command = self.pod.pre_stop()
        if command:
            self.podman("exec", self.container, *command, check=False, timeout=grace + 2)
            self.log(f"preStop {command} ran {time.monotonic() - began:.1f} s")
        before_sigterm()
        self.podman("kill", "--signal", "TERM", self.container)
        after_sigterm()
        remaining = max(0.0, grace - (time.monotonic() - began))
        killed = False
        try:
            waited = subprocess.run([*self.podman.base, "wait", self.container],
                                    capture_output=True, text=True, timeout=remaining)
        except subprocess.TimeoutExpired:
            self.podman("kill", "--signal", "KILL", self.container, check=False)
            killed = True
            waited = subprocess.run([*self.podman.base, "wait", self.container],
                                    capture_output=True, text=True, timeout=30)
        self.stopping.set()
        code = int(waited.stdout.strip() or -1)
        return code, time.monotonic() - began, killed

    def remove(self):
        self.stopping.set()
        if self.container:
            self.podman("rm", "--force", "--time", "0", self.container, check=False)


def is_ip_address(text):
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def process_status(pid):
    """The fields of /proc/<pid>/status the hardening checks read."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.split()
    return fields


def mounts(pid):
    return [line.split() for line in Path(f"/proc/{pid}/mountinfo").read_text().splitlines()]


def json_body(data):
    return json.dumps(data).encode()
