"""The API pod as the overlays render it: the Argo Rollout's pod template, its ConfigMaps, and
the `podman run` arguments a kubelet's container runtime would be given for it."""

import copy
import subprocess

import yaml

API_ROLLOUT = "secure-ml-api"
API_CONTAINER = "api"


def render(repo, overlay):
    """Every document of `kubectl kustomize deploy/k8s/overlays/<overlay>`."""
    out = subprocess.run(["kubectl", "kustomize", str(repo / "deploy/k8s/overlays" / overlay)],
                         check=True, capture_output=True, text=True).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


class PodSpec:
    """One rendered pod template; plants change a deep copy of it."""

    def __init__(self, documents):
        rollout = next(d for d in documents
                       if d["kind"] == "Rollout" and d["metadata"]["name"] == API_ROLLOUT)
        self.template = copy.deepcopy(rollout["spec"]["template"])
        self.config_maps = {d["metadata"]["name"]: d.get("data", {})
                            for d in documents if d["kind"] == "ConfigMap"}

    @property
    def spec(self):
        return self.template["spec"]

    @property
    def container(self):
        return next(c for c in self.spec["containers"] if c["name"] == API_CONTAINER)

    def security(self):
        """The container's effective security context (container fields override the pod's)."""
        merged = {k: v for k, v in self.spec.get("securityContext", {}).items()
                  if k in ("runAsUser", "runAsGroup", "runAsNonRoot", "seccompProfile")}
        merged.update(self.container.get("securityContext", {}))
        return merged

    def fs_group(self):
        return self.spec.get("securityContext", {}).get("fsGroup")

    def volume(self, name):
        return next(v for v in self.spec.get("volumes", []) if v["name"] == name)

    def env(self, secrets):
        """The container's environment: envFrom ConfigMaps, then env (value or valueFrom refs
        resolved from the rendered ConfigMaps and the test's Secrets); later entries win."""
        env = {}
        for source in self.container.get("envFrom", []):
            if "configMapRef" in source:
                env.update(self.config_maps[source["configMapRef"]["name"]])
            if "secretRef" in source:
                env.update({k: v.decode() for k, v in secrets[source["secretRef"]["name"]].items()})
        for entry in self.container.get("env", []):
            env[entry["name"]] = self._resolve(entry, secrets)
        return env

    def _resolve(self, entry, secrets):
        if "value" in entry:
            return entry["value"]
        ref = entry["valueFrom"]
        if "configMapKeyRef" in ref:
            return self.config_maps[ref["configMapKeyRef"]["name"]][ref["configMapKeyRef"]["key"]]
        if "secretKeyRef" in ref:
            return secrets[ref["secretKeyRef"]["name"]][ref["secretKeyRef"]["key"]].decode()
        raise ValueError(f"unsupported env source for {entry['name']}: {ref}")

    def port(self, name_or_number):
        if isinstance(name_or_number, int):
            return name_or_number
        return next(p["containerPort"] for p in self.container["ports"]
                    if p.get("name") == name_or_number)

    def probe(self, kind):
        """(path, port, period, timeout, failure threshold) of an httpGet probe, or None."""
        probe = self.container.get(kind)
        if probe is None:
            return None
        get = probe["httpGet"]
        return (get.get("path", "/"), self.port(get["port"]), probe.get("periodSeconds", 10),
                probe.get("timeoutSeconds", 1), probe.get("failureThreshold", 3),
                probe.get("initialDelaySeconds", 0))

    def pre_stop(self):
        return self.container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command")

    def grace_seconds(self):
        return self.spec.get("terminationGracePeriodSeconds", 30)


def memory_bytes(quantity):
    units = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "k": 10**3, "M": 10**6, "G": 10**9}
    for suffix, factor in units.items():
        if quantity.endswith(suffix):
            return int(float(quantity[:-len(suffix)]) * factor)
    return int(quantity)


def run_arguments(pod, env, volume_dirs, network):
    """`podman run` options for the API container, each from the pod spec."""
    security = pod.security()
    args = ["--network", network, "--user", f"{security['runAsUser']}:{security['runAsGroup']}"]
    if pod.fs_group() is not None:
        args += ["--group-add", str(pod.fs_group())]  # the kubelet adds fsGroup to the groups
    for group in pod.spec.get("securityContext", {}).get("supplementalGroups", []):
        args += ["--group-add", str(group)]
    if security.get("readOnlyRootFilesystem"):
        args += ["--read-only", "--read-only-tmpfs=false"]  # no writable /tmp, /run: as in k8s
    for capability in security.get("capabilities", {}).get("drop", []):
        args += ["--cap-drop", capability]
    for capability in security.get("capabilities", {}).get("add", []):
        args += ["--cap-add", capability]
    if security.get("allowPrivilegeEscalation") is False:
        args += ["--security-opt", "no-new-privileges"]
    if security.get("privileged"):
        args += ["--privileged"]
    limit = pod.container.get("resources", {}).get("limits", {}).get("memory")
    if limit:
        args += ["--memory", str(memory_bytes(limit))]
    for mount in pod.container.get("volumeMounts", []):
        mode = "ro" if mount.get("readOnly") else "rw"
        args += ["--volume", f"{volume_dirs[mount['name']]}:{mount['mountPath']}:{mode}"]
    for name, value in env.items():
        args += ["--env", f"{name}={value}"]
    if "command" in pod.container:
        args += ["--entrypoint", pod.container["command"][0]]
    return args


def container_argv(pod):
    """The command after the image: `command[1:] + args` or the image's entrypoint + args."""
    command = pod.container.get("command", [])
    return command[1:] + pod.container.get("args", [])
