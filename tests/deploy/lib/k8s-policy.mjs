// Hardening policy for rendered Kubernetes manifests. Each rule is a pure
// function (docs, ctx) -> [violation strings], so k8s.mjs can run it on every
// overlay and also prove, by mutating a good render, that it can fail.
import { byKind, findDoc } from './common.mjs';

export const APP = { namespace: 'secure-ml-api', name: 'secure-ml-api', container: 'api', port: 8000, adminPort: 9090 };
export const APP_LABELS = { 'app.kubernetes.io/name': 'secure-ml-api', 'app.kubernetes.io/component': 'api' };
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterPolicy', 'ClusterRole', 'ClusterRoleBinding']);
// Namespaced objects a cluster admin applies (with the cluster/ kustomization); the
// release pipeline applies the rest of the app namespace (.github/workflows/release.yml).
export const ADMIN_LABEL = 'secure-ml-api.io/applied-by';
export const ADMIN_KINDS = new Set(['Role', 'RoleBinding', 'Service', 'Ingress', 'NetworkPolicy', 'HTTPRoute', 'Gateway']);
export const DEPLOY_ROLE = 'secure-ml-api-deployer';
const APPLY_VERBS = ['get', 'create', 'patch'];
const ROLLOUT_PLUGIN_NEEDS = {
  'argoproj.io/rollouts': ['list', 'watch'],
  'argoproj.io/analysisruns': ['list', 'watch'],
  'argoproj.io/experiments': ['list', 'watch'],
  'apps/replicasets': ['get', 'list', 'watch'],
  '/pods': ['get', 'list', 'watch'],
  'argoproj.io/rollouts/status': ['patch'],
};
const FORBIDDEN_RESOURCES = new Set(['secrets', 'roles', 'rolebindings', 'pods/exec', 'pods/attach', 'serviceaccounts/token',
  'services', 'endpoints', 'endpointslices', 'networkpolicies', 'ingresses', 'httproutes', 'gateways']);
export const plural = (kind) => {
  const k = kind.toLowerCase();
  return k.endsWith('y') ? `${k.slice(0, -1)}ies` : k.endsWith('s') ? `${k}es` : `${k}s`;
};
// What the deploy job applies: the app namespace minus the admin-owned objects.
export const deploySet = (docs) =>
  docs.filter((d) => d.metadata?.namespace === APP.namespace && d.metadata?.labels?.[ADMIN_LABEL] !== 'cluster-admin');
const WORKLOAD_KINDS = new Set(['Rollout', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']);
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

// Environment twins of serve's flags (`secure-ml-api --help`; tests/integration/test_cli.py
// checks every SMLAPI_ name under deploy/k8s against the binary itself, and serve warns at
// start about any it does not know), so the ConfigMap may use these names only.
export const CONTRACT_ENV = new Set(
  [
    'host', 'port', 'threads', 'max-connections', 'users-file', 'keys-dir', 'signing-kid',
    'issuer', 'audience', 'token-ttl', 'lexicon', 'lexicon-overrides', 'redis-host', 'redis-port',
    'redis-username', 'redis-password-file', 'redis-key-prefix', 'redis-timeout-ms', 'redis-failure-mode',
    'redis-tls', 'redis-tls-ca-file', 'redis-tls-server-name', 'redis-tls-cert-file', 'redis-tls-key-file',
    'rate-limit-default', 'rate-limit-token', 'rate-limit-predict', 'rate-limits', 'trusted-proxies',
    'cors-origins', 'tls-cert', 'tls-key', 'shutdown-delay', 'shutdown-timeout', 'admin-host', 'admin-port',
  ].map((f) => `SMLAPI_${f.toUpperCase().replaceAll('-', '_')}`),
);

const matchesLabels = (selector = {}, labels = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

export function podTemplates(docs) {
  const out = [];
  for (const d of docs) {
    if (!WORKLOAD_KINDS.has(d.kind)) continue;
    const tpl = d.kind === 'Pod' ? d : d.kind === 'CronJob' ? d.spec?.jobTemplate?.spec?.template : d.spec?.template;
    out.push({ owner: `${d.kind}/${d.metadata?.name}`, doc: d, labels: tpl?.metadata?.labels ?? {}, spec: tpl?.spec ?? {} });
  }
  return out;
}

export const apiPod = (docs) => podTemplates(docs).find((p) => p.owner === `Rollout/${APP.name}`);
const allContainers = (spec) => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
const parseSeconds = (v) => {
  const m = /^(\d+)(ms|s|m)?$/.exec(String(v ?? ''));
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
};
const quantity = (v) => {
  const m = /^(\d+(?:\.\d+)?)([kKMG]i?|m)?$/.exec(String(v ?? ''));
  if (!m) return NaN;
  const mult = { k: 1e3, K: 1e3, Ki: 1024, M: 1e6, Mi: 1 << 20, G: 1e9, Gi: 1 << 30, m: 1e-3 };
  return Number(m[1]) * (m[2] ? mult[m[2]] : 1);
};

// nginx size syntax (client_max_body_size): bytes, or k/K, m/M, g/G = powers of 1024.
// Not a Kubernetes quantity: "1m" is a mebibyte here, not a thousandth.
const nginxSize = (v) => {
  const m = /^(\d+)([kKmMgG])?$/.exec(String(v ?? ''));
  if (!m) return NaN;
  return Number(m[1]) * ({ k: 1024, m: 1 << 20, g: 1 << 30 }[m[2]?.toLowerCase()] ?? 1);
};

export function apiConfig(docs) {
  const pod = apiPod(docs);
  const ref = pod?.spec.containers?.find((c) => c.name === APP.container)?.envFrom?.find((e) => e.configMapRef)?.configMapRef?.name;
  return findDoc(docs, 'ConfigMap', ref)?.data ?? null;
}

function resolvePort(container, port) {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

// ---------------------------------------------------------------- rules
export const rules = {
  'namespace enforces Pod Security "restricted"': (docs) => {
    const ns = findDoc(docs, 'Namespace', APP.namespace);
    if (!ns) return [`Namespace ${APP.namespace} missing`];
    const l = ns.metadata.labels ?? {};
    return ['enforce', 'audit', 'warn']
      .filter((mode) => l[`pod-security.kubernetes.io/${mode}`] !== 'restricted')
      .map((mode) => `label pod-security.kubernetes.io/${mode} must be "restricted"`);
  },

  'every namespaced object is in the app namespace': (docs) =>
    docs
      .filter((d) => !CLUSTER_SCOPED.has(d.kind) && d.metadata?.namespace !== APP.namespace)
      .map((d) => `${d.kind}/${d.metadata?.name} has namespace ${d.metadata?.namespace}`),

  'cluster-scoped objects carry no namespace': (docs) =>
    docs.filter((d) => CLUSTER_SCOPED.has(d.kind) && d.metadata?.namespace).map((d) => `${d.kind}/${d.metadata.name}`),

  'pods: no service account token, hardened securityContext, no host access': (docs) => {
    const v = [];
    for (const p of podTemplates(docs)) {
      const s = p.spec;
      if (s.automountServiceAccountToken !== false) v.push(`${p.owner}: automountServiceAccountToken must be false`);
      const sa = findDoc(docs, 'ServiceAccount', s.serviceAccountName);
      if (!sa) v.push(`${p.owner}: serviceAccountName ${s.serviceAccountName} not rendered (default SA not allowed)`);
      else if (sa.automountServiceAccountToken !== false) v.push(`ServiceAccount/${sa.metadata.name}: automountServiceAccountToken must be false`);
      for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (s[f]) v.push(`${p.owner}: ${f} must not be set`);
      for (const vol of s.volumes ?? []) if (vol.hostPath) v.push(`${p.owner}: hostPath volume ${vol.name}`);
      const psc = s.securityContext ?? {};
      if (psc.seccompProfile?.type !== 'RuntimeDefault') v.push(`${p.owner}: pod seccompProfile must be RuntimeDefault`);
      if (psc.runAsNonRoot !== true) v.push(`${p.owner}: pod runAsNonRoot must be true`);
      if (!Number.isInteger(psc.runAsUser) || psc.runAsUser <= 0) v.push(`${p.owner}: pod runAsUser must be a numeric non-root uid`);
      for (const c of allContainers(s)) {
        const sc = c.securityContext ?? {};
        const where = `${p.owner} container ${c.name}`;
        if (sc.readOnlyRootFilesystem !== true) v.push(`${where}: readOnlyRootFilesystem must be true`);
        if (sc.allowPrivilegeEscalation !== false) v.push(`${where}: allowPrivilegeEscalation must be false`);
        if (sc.privileged) v.push(`${where}: privileged`);
        if (!(sc.capabilities?.drop ?? []).includes('ALL')) v.push(`${where}: capabilities.drop must include ALL`);
        if ((sc.capabilities?.add ?? []).length) v.push(`${where}: capabilities.add must be empty`);
        if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) v.push(`${where}: runAsNonRoot`);
        if (sc.runAsUser === 0) v.push(`${where}: runAsUser 0`);
        if ((sc.seccompProfile?.type ?? psc.seccompProfile?.type) !== 'RuntimeDefault') v.push(`${where}: seccomp RuntimeDefault`);
        for (const kind of ['requests', 'limits'])
          for (const r of ['cpu', 'memory'])
            if (!c.resources?.[kind]?.[r]) v.push(`${where}: resources.${kind}.${r} missing`);
        if (/:latest$/.test(c.image) || !/[:@]/.test(c.image.split('/').pop())) v.push(`${where}: image ${c.image} must be pinned`);
      }
    }
    return v;
  },

  // I2: Secrets reach the pods only as read-only files that the pod's own group
  // (fsGroup) may read: no bit beyond 0440, never the default 0644, never env vars.
  'pods: Secrets only as read-only files, mode at most 0440, group = fsGroup': (docs) => {
    const v = [];
    for (const p of podTemplates(docs)) {
      const s = p.spec;
      const psc = s.securityContext ?? {};
      const secretVolumes = (s.volumes ?? []).filter((vol) => vol.secret || vol.projected?.sources?.some((src) => src.secret));
      const isApi = matchesLabels(APP_LABELS, p.labels);
      if (secretVolumes.length) {
        if (!Number.isInteger(psc.fsGroup) || psc.fsGroup <= 0) v.push(`${p.owner}: pod fsGroup must be set (Secret files are readable through the group only)`);
        else if (psc.fsGroup !== psc.runAsGroup) v.push(`${p.owner}: fsGroup ${psc.fsGroup} must equal runAsGroup ${psc.runAsGroup}`);
        if (isApi && psc.fsGroup !== 65532) v.push(`${p.owner}: fsGroup must be 65532 (the image's uid/gid)`);
      }
      for (const vol of secretVolumes) {
        const sources = vol.secret ? [vol.secret] : vol.projected.sources.filter((src) => src.secret).map((src) => ({ ...src.secret, defaultMode: vol.projected.defaultMode }));
        for (const sec of sources) {
          const modes = [['defaultMode', sec.defaultMode], ...(sec.items ?? []).filter((i) => i.mode !== undefined).map((i) => [`items ${i.key} mode`, i.mode])];
          if (sec.defaultMode === undefined) v.push(`${p.owner}: Secret volume ${vol.name} defaultMode must be set (the default 0644 is world-readable)`);
          for (const [what, mode] of modes) {
            if (mode === undefined) continue;
            if (!Number.isInteger(mode) || (mode & ~0o440) !== 0) v.push(`${p.owner}: Secret volume ${vol.name} ${what} 0${Number(mode).toString(8)} grants more than 0440`);
            else if ((mode & 0o040) === 0) v.push(`${p.owner}: Secret volume ${vol.name} ${what} 0${mode.toString(8)} is not group-readable (fsGroup)`);
          }
        }
      }
      for (const c of allContainers(s)) {
        for (const m of c.volumeMounts ?? []) {
          if (secretVolumes.some((vol) => vol.name === m.name) && m.readOnly !== true) v.push(`${p.owner} container ${c.name}: Secret mount ${m.name} must be readOnly`);
        }
        for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) v.push(`${p.owner} container ${c.name}: env ${e.name} reads a Secret (secretKeyRef): Secrets only as files`);
        for (const e of c.envFrom ?? []) if (e.secretRef) v.push(`${p.owner} container ${c.name}: envFrom secretRef ${e.secretRef.name}: Secrets only as files`);
      }
    }
    return v;
  },

  // E2: the api needs no Kubernetes API access: nothing rendered may bind a role to
  // a ServiceAccount of the namespace (by name or through a service-account group).
  // The one Role allowed is the deploy Role, bound to the deploy group only.
  'rbac: no role is bound to the namespace service accounts': (docs, ctx) => {
    const v = [];
    const groups = new Set(['system:serviceaccounts', `system:serviceaccounts:${APP.namespace}`, 'system:authenticated', 'system:unauthenticated']);
    const bindings = docs.filter((d) => d.kind === 'RoleBinding' || d.kind === 'ClusterRoleBinding');
    for (const b of bindings) {
      for (const sub of b.subjects ?? []) {
        const ns = sub.namespace ?? (b.kind === 'RoleBinding' ? b.metadata?.namespace : undefined);
        const coversSa = sub.kind === 'ServiceAccount' && ns === APP.namespace;
        const coversGroup = sub.kind === 'Group' && groups.has(sub.name);
        if (coversSa || coversGroup) v.push(`${b.kind}/${b.metadata?.name} binds ${b.roleRef?.kind}/${b.roleRef?.name} to ${sub.kind} ${sub.name} (RBAC for the app's service accounts is not allowed)`);
      }
    }
    for (const r of docs.filter((d) => d.kind === 'ClusterRole' || d.kind === 'ClusterRoleBinding')) v.push(`${r.kind}/${r.metadata?.name}: nothing cluster-wide (the app needs no RBAC, the deploy Role is namespaced)`);
    for (const r of docs.filter((d) => d.kind === 'Role')) {
      const users = bindings.filter((b) => b.roleRef?.kind === 'Role' && b.roleRef?.name === r.metadata?.name);
      const subjects = users.flatMap((b) => b.subjects ?? []);
      if (!users.length || !subjects.every((x) => x.kind === 'Group' && x.name === ctx.deployGroup))
        v.push(`Role/${r.metadata?.name}: only the deploy group ${ctx.deployGroup} may be bound to a Role (got ${subjects.map((x) => `${x.kind} ${x.name}`).join(', ') || 'no binding'})`);
    }
    return v;
  },

  // Issue 14: the deploy identity (EKS access entry -> group) gets a namespaced Role
  // covering exactly the kinds and verbs the pipeline applies (server-side apply of the
  // deploy set), plus what `kubectl argo rollouts status/abort` reads and patches.
  'rbac: the deploy Role covers every kind the pipeline applies, and nothing more': (docs, ctx) => {
    const v = [];
    const role = findDoc(docs, 'Role', DEPLOY_ROLE);
    if (!role) return [`Role ${DEPLOY_ROLE} missing (deploy/k8s/cluster/deploy-rbac.yaml)`];
    if (role.metadata.namespace !== APP.namespace) v.push(`Role ${DEPLOY_ROLE} must be in ${APP.namespace}`);
    const binding = findDoc(docs, 'RoleBinding', DEPLOY_ROLE);
    const subjects = binding?.subjects ?? [];
    if (!binding || binding.roleRef?.kind !== 'Role' || binding.roleRef?.name !== DEPLOY_ROLE) v.push(`RoleBinding ${DEPLOY_ROLE} must bind Role ${DEPLOY_ROLE}`);
    if (subjects.length !== 1 || subjects[0].kind !== 'Group' || subjects[0].name !== ctx.deployGroup)
      v.push(`RoleBinding ${DEPLOY_ROLE} subjects must be exactly Group ${ctx.deployGroup} (Terraform deploy_kubernetes_group)`);
    const granted = new Map(); // "group/resource" -> Set(verbs)
    for (const r of role.rules ?? []) {
      for (const g of r.apiGroups ?? []) for (const res of r.resources ?? []) {
        const key = `${g}/${res}`;
        if (!granted.has(key)) granted.set(key, new Set());
        for (const verb of r.verbs ?? []) granted.get(key).add(verb);
      }
      if ([...(r.apiGroups ?? []), ...(r.resources ?? []), ...(r.verbs ?? [])].includes('*')) v.push(`Role ${DEPLOY_ROLE}: wildcard in ${JSON.stringify(r)} (Checkov CKV_K8S_49, Trivy KSV044-KSV046)`);
      if (r.resourceNames || r.nonResourceURLs) v.push(`Role ${DEPLOY_ROLE}: resourceNames/nonResourceURLs are not expected`);
    }
    const needed = new Map();
    const need = (key, verbs) => { if (!needed.has(key)) needed.set(key, new Set()); verbs.forEach((x) => needed.get(key).add(x)); };
    // Dev is applied by a developer (kubectl apply -k); the pipeline deploys the others.
    const applied = ctx.overlay === 'dev' ? [] : deploySet(docs);
    for (const d of applied) {
      const group = d.apiVersion.includes('/') ? d.apiVersion.split('/')[0] : '';
      need(`${group}/${plural(d.kind)}`, APPLY_VERBS);
      if (CLUSTER_SCOPED.has(d.kind)) v.push(`the pipeline would apply cluster-scoped ${d.kind}/${d.metadata.name}`);
      if (ADMIN_KINDS.has(d.kind)) v.push(`the pipeline would apply ${d.kind}/${d.metadata.name}: networking and RBAC objects are admin-owned (label ${ADMIN_LABEL}=cluster-admin)`);
    }
    for (const [key, verbs] of Object.entries(ROLLOUT_PLUGIN_NEEDS)) need(key, verbs);
    if (ctx.overlay === 'dev') return v;
    for (const [key, verbs] of needed) {
      const have = granted.get(key) ?? new Set();
      const missing = [...verbs].filter((x) => !have.has(x));
      if (missing.length) v.push(`Role ${DEPLOY_ROLE} does not allow ${missing.join(',')} on ${key} (the pipeline needs it)`);
    }
    for (const [key, verbs] of granted) {
      const extra = [...verbs].filter((x) => !needed.get(key)?.has(x));
      if (extra.length) v.push(`Role ${DEPLOY_ROLE} grants ${extra.join(',')} on ${key}, which the pipeline does not need`);
      const resource = key.split('/').slice(1).join('/');
      if (FORBIDDEN_RESOURCES.has(resource)) v.push(`Role ${DEPLOY_ROLE} grants ${key} (Trivy KSV041/KSV050/KSV053/KSV056)`);
    }
    return v;
  },

  'api: image by digest from a real registry': (docs) => {
    const c = apiPod(docs)?.spec.containers?.find((x) => x.name === APP.container);
    if (!c) return ['Rollout secure-ml-api has no container "api"'];
    const v = [];
    if (!/^[a-z0-9.-]+\.[a-z]{2,}(:\d+)?\/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$/.test(c.image))
      v.push(`image ${c.image} must be <registry>/<repo>@sha256:<64 hex> (overlay sets registry and digest)`);
    return v;
  },

  // Liveness on the admin port (its own connection budget: a flood of the public port must not
  // get a healthy pod restarted), readiness on the public port (ready = the clients' port answers).
  'api: port 8000 and admin port 9090; liveness /healthz on admin, readiness /readyz on http': (docs) => {
    const c = apiPod(docs)?.spec.containers?.find((x) => x.name === APP.container);
    if (!c) return ['api container missing'];
    const v = [];
    const http = c.ports?.find((p) => p.name === 'http');
    if (http?.containerPort !== APP.port || (http.protocol ?? 'TCP') !== 'TCP') v.push('container port "http" must be 8000/TCP');
    const admin = c.ports?.find((p) => p.name === 'admin');
    if (admin?.containerPort !== APP.adminPort || (admin.protocol ?? 'TCP') !== 'TCP') v.push('container port "admin" must be 9090/TCP');
    if ((c.ports ?? []).length !== 2) v.push('the api container must expose exactly two ports (http, admin)');
    const probes = { livenessProbe: ['/healthz', APP.adminPort], readinessProbe: ['/readyz', APP.port] };
    for (const [probe, [path, port]] of Object.entries(probes)) {
      const g = c[probe]?.httpGet;
      if (!g) v.push(`${probe} must be an httpGet probe`);
      else {
        if (g.path !== path) v.push(`${probe} path ${g.path} must be ${path}`);
        if (resolvePort(c, g.port) !== port) v.push(`${probe} port ${g.port} must resolve to ${port}`);
        if ((g.scheme ?? 'HTTP') !== 'HTTP') v.push(`${probe} scheme must be HTTP`);
      }
    }
    if (c.startupProbe?.httpGet && resolvePort(c, c.startupProbe.httpGet.port) !== APP.adminPort) v.push('startupProbe port must be the admin port 9090');
    return v;
  },

  'api: configuration uses contract flag names only, secrets only as files': (docs) => {
    const cfg = apiConfig(docs);
    if (!cfg) return ['api ConfigMap (envFrom) not rendered'];
    const v = [];
    for (const key of Object.keys(cfg)) if (!CONTRACT_ENV.has(key)) v.push(`${key} is not a serve flag of the service contract`);
    if (cfg.SMLAPI_PORT !== String(APP.port)) v.push('SMLAPI_PORT must be 8000');
    if (cfg.SMLAPI_HOST !== '0.0.0.0') v.push('SMLAPI_HOST must be 0.0.0.0 in a container');
    if (cfg.SMLAPI_ADMIN_PORT !== String(APP.adminPort)) v.push('SMLAPI_ADMIN_PORT must be 9090 (the admin listener is on in a pod)');
    if (cfg.SMLAPI_ADMIN_HOST !== '0.0.0.0') v.push('SMLAPI_ADMIN_HOST must be 0.0.0.0 in a pod (the NetworkPolicy guards it)');
    if ('SMLAPI_REDIS_PASSWORD' in cfg) v.push('the Redis password must come from a Secret file, not a ConfigMap');
    const c = apiPod(docs).spec.containers.find((x) => x.name === APP.container);
    for (const e of c.env ?? []) if (e.value && /PASSWORD|SECRET|TOKEN|KEY$/.test(e.name)) v.push(`env ${e.name} carries a literal secret`);
    const secretMounts = (c.volumeMounts ?? []).filter((m) => {
      const vol = apiPod(docs).spec.volumes?.find((x) => x.name === m.name);
      return vol?.secret && m.readOnly === true;
    });
    const underSecret = (file) => secretMounts.some((m) => file === m.mountPath || file.startsWith(`${m.mountPath}/`));
    for (const key of ['SMLAPI_USERS_FILE', 'SMLAPI_KEYS_DIR', 'SMLAPI_REDIS_PASSWORD_FILE'])
      if (!cfg[key] || !underSecret(cfg[key])) v.push(`${key}=${cfg[key]} must lie in a read-only Secret mount`);
    for (const m of c.volumeMounts ?? []) if (m.subPath) v.push(`mount ${m.name} uses subPath (Secret updates would not reach the pod)`);
    return v;
  },

  'api: preStop and grace period cover the drain': (docs) => {
    const pod = apiPod(docs);
    const c = pod?.spec.containers?.find((x) => x.name === APP.container);
    const cfg = apiConfig(docs) ?? {};
    const cmd = c?.lifecycle?.preStop?.exec?.command ?? [];
    const v = [];
    if (!(cmd.length === 3 && cmd[0].endsWith('/secure-ml-api') && cmd[1] === 'sleep' && /^\d+$/.test(cmd[2])))
      return ['preStop must be exec [<path>/secure-ml-api, sleep, N] (the image has no shell)'];
    const preStop = Number(cmd[2]);
    const delay = parseSeconds(cfg.SMLAPI_SHUTDOWN_DELAY);
    const timeout = parseSeconds(cfg.SMLAPI_SHUTDOWN_TIMEOUT);
    if (!(delay > 0)) v.push('SMLAPI_SHUTDOWN_DELAY must be set (> 0) so readyz turns 503 before exit');
    if (!(timeout > 0)) v.push('SMLAPI_SHUTDOWN_TIMEOUT must be set');
    const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
    if (!(grace > preStop + delay + timeout)) v.push(`terminationGracePeriodSeconds ${grace} must exceed preStop ${preStop} + delay ${delay} + timeout ${timeout}`);
    return v;
  },

  'api: spread across zones': (docs, ctx) => {
    const pod = apiPod(docs);
    const zone = pod?.spec.topologySpreadConstraints?.find((t) => t.topologyKey === 'topology.kubernetes.io/zone');
    if (!zone) return ['topologySpreadConstraints on topology.kubernetes.io/zone missing'];
    const v = [];
    if (!matchesLabels(zone.labelSelector?.matchLabels, pod.labels) || !zone.labelSelector?.matchLabels) v.push('zone spread labelSelector must match the pod labels');
    if (zone.maxSkew !== 1) v.push('zone spread maxSkew must be 1');
    if (ctx.overlay === 'prod' && zone.whenUnsatisfiable !== 'DoNotSchedule') v.push('prod zone spread must be DoNotSchedule');
    return v;
  },

  'rollout: canary with analysis that aborts on failure': (docs) => {
    const r = findDoc(docs, 'Rollout', APP.name);
    if (!r) return ['Rollout missing'];
    const v = [];
    const canary = r.spec.strategy?.canary;
    if (!canary) return ['strategy.canary missing'];
    if (!matchesLabels(r.spec.selector?.matchLabels, r.spec.template?.metadata?.labels)) v.push('selector does not match template labels');
    if (!(canary.steps ?? []).some((s) => s.setWeight > 0 && s.setWeight < 100)) v.push('canary steps need a partial setWeight');
    const templates = [...(canary.analysis?.templates ?? []), ...(canary.steps ?? []).flatMap((s) => s.analysis?.templates ?? [])];
    if (!templates.length) v.push('canary has no analysis');
    for (const t of templates) if (!findDoc(docs, 'AnalysisTemplate', t.templateName)) v.push(`AnalysisTemplate ${t.templateName} not rendered`);
    for (const svc of [canary.stableService, canary.canaryService]) if (!findDoc(docs, 'Service', svc)) v.push(`Service ${svc} not rendered`);
    const ing = canary.trafficRouting?.nginx?.stableIngress;
    if (ing && !findDoc(docs, 'Ingress', ing)) v.push(`stableIngress ${ing} not rendered`);
    const gw = canary.trafficRouting?.plugins?.['argoproj-labs/gatewayAPI'];
    if (gw && !findDoc(docs, 'HTTPRoute', gw.httpRoute)) v.push(`Gateway API plugin httpRoute ${gw.httpRoute} not rendered`);
    if (!ing && !gw) v.push('canary needs traffic routing (nginx stableIngress or the Gateway API plugin)');
    if (ing && gw) v.push('canary must use one traffic router');
    return v;
  },

  'analysis: Prometheus success rate and p99 of the canary pods': (docs) => {
    const v = [];
    for (const t of byKind(docs, 'AnalysisTemplate')) {
      const declared = new Set((t.spec.args ?? []).map((a) => a.name));
      const queries = (t.spec.metrics ?? []).map((m) => m.provider?.prometheus?.query ?? '');
      for (const m of t.spec.metrics ?? []) {
        if (!m.provider?.prometheus) v.push(`${t.metadata.name}/${m.name}: not a Prometheus metric`);
        if (!m.successCondition) v.push(`${t.metadata.name}/${m.name}: successCondition missing`);
        if (m.failureLimit === undefined || m.failureLimit > 2) v.push(`${t.metadata.name}/${m.name}: failureLimit must be set (<= 2)`);
        const q = m.provider?.prometheus?.query ?? '';
        if (!q.includes('rollouts_pod_template_hash="{{args.canary-hash}}"')) v.push(`${t.metadata.name}/${m.name}: query must select the canary pods`);
        for (const used of `${q} ${m.successCondition} ${m.provider?.prometheus?.address}`.matchAll(/\{\{\s*args\.([a-z0-9-]+)\s*\}\}/g))
          if (!declared.has(used[1])) v.push(`${t.metadata.name}/${m.name}: arg ${used[1]} not declared`);
      }
      if (!queries.some((q) => q.includes('smlapi_http_requests_total') && /status!~"5\.\."/.test(q))) v.push(`${t.metadata.name}: no success-rate query on smlapi_http_requests_total`);
      if (!queries.some((q) => /histogram_quantile\(0\.99,.*smlapi_http_request_duration_seconds_bucket/s.test(q))) v.push(`${t.metadata.name}: no p99 query on smlapi_http_request_duration_seconds_bucket`);
    }
    if (!byKind(docs, 'AnalysisTemplate').length) v.push('no AnalysisTemplate');
    return v;
  },

  'services target the real port and pods': (docs) => {
    const v = [];
    const pods = podTemplates(docs);
    for (const s of byKind(docs, 'Service')) {
      const pod = pods.find((p) => matchesLabels(s.spec.selector, p.labels));
      if (!s.spec.selector || !pod) { v.push(`Service/${s.metadata.name}: selector matches no pod`); continue; }
      for (const port of s.spec.ports ?? []) {
        const ok = pod.spec.containers.some((c) => resolvePort(c, port.targetPort ?? port.port) !== undefined);
        if (!ok) v.push(`Service/${s.metadata.name}: targetPort ${port.targetPort} is not a container port`);
      }
    }
    return v;
  },

  // The admin port (full /metrics, the build's commit, auth failures by reason) is reached by
  // Prometheus through the headless metrics Service only; the Services that carry API traffic
  // (the stable and canary ones behind the Ingress or Gateway) expose the service port alone.
  'services: the public Services expose the service port only, the metrics Service the admin port only': (docs) => {
    const v = [];
    const c = apiPod(docs)?.spec.containers?.find((x) => x.name === APP.container);
    if (!c) return ['api container missing'];
    const sm = byKind(docs, 'ServiceMonitor')[0];
    for (const s of byKind(docs, 'Service')) {
      if (!matchesLabels(s.spec.selector ?? {}, APP_LABELS)) continue;
      const targets = (s.spec.ports ?? []).map((p) => resolvePort(c, p.targetPort ?? p.port));
      const scraped = sm && matchesLabels(sm.spec.selector?.matchLabels, s.metadata.labels);
      const want = scraped ? APP.adminPort : APP.port;
      if (!targets.length || targets.some((t) => t !== want))
        v.push(`Service/${s.metadata.name}: targets ${targets} must be ${want} only${scraped ? ' (metrics Service)' : ' (public Service: no admin port)'}`);
    }
    return v;
  },

  'ingress: TLS, body limit, API paths only': (docs) => {
    const v = [];
    const ings = byKind(docs, 'Ingress');
    if (!ings.length && !byKind(docs, 'HTTPRoute').length) v.push('no Ingress and no HTTPRoute');
    for (const ing of ings) {
      const hosts = (ing.spec.rules ?? []).map((r) => r.host);
      const tlsHosts = (ing.spec.tls ?? []).flatMap((t) => t.hosts ?? []);
      for (const h of hosts) if (!h || !tlsHosts.includes(h)) v.push(`host ${h} has no TLS`);
      if (!(ing.spec.tls ?? []).every((t) => t.secretName)) v.push('tls entries need a secretName');
      if (!ing.spec.ingressClassName) v.push('ingressClassName missing');
      const a = ing.metadata.annotations ?? {};
      if (a['nginx.ingress.kubernetes.io/force-ssl-redirect'] !== 'true') v.push('force-ssl-redirect must be "true"');
      const body = nginxSize(a['nginx.ingress.kubernetes.io/proxy-body-size']);
      if (!(body > 0 && body <= 64 * 1024)) v.push('proxy-body-size must be set and at most 64k (the service limit)');
      if (Object.keys(a).some((k) => /snippet/.test(k))) v.push('snippet annotations are not allowed');
      // D1: ingress-nginx caps concurrent connections per client address.
      const conns = a['nginx.ingress.kubernetes.io/limit-connections'];
      if (!/^[1-9]\d*$/.test(String(conns ?? '')) || Number(conns) > 100) v.push(`limit-connections must be set to an integer in 1..100 (per client address), got ${conns}`);
      for (const r of ing.spec.rules ?? []) {
        for (const p of r.http?.paths ?? []) {
          for (const internal of ['/metrics', '/healthz', '/readyz']) {
            const exposes = p.pathType === 'Exact' ? p.path === internal : internal === p.path || internal.startsWith(p.path.endsWith('/') ? p.path : `${p.path}/`) || p.path === '/';
            if (exposes) v.push(`path ${p.path} (${p.pathType}) exposes ${internal}`);
          }
          if (!['Exact', 'Prefix'].includes(p.pathType)) v.push(`path ${p.path}: pathType must be Exact or Prefix`);
          const svc = findDoc(docs, 'Service', p.backend?.service?.name);
          if (!svc) v.push(`path ${p.path}: backend service missing`);
          else if (!svc.spec.ports.some((sp) => sp.name === p.backend.service.port?.name || sp.port === p.backend.service.port?.number)) v.push(`path ${p.path}: backend port missing`);
        }
      }
    }
    return v;
  },

  // Issue 14: Gateway API path for the canary (overlays/prod-gateway).
  'gateway: HTTPRoute on the TLS listener, API paths only, stable and canary backends': (docs) => {
    const v = [];
    const canary = findDoc(docs, 'Rollout', APP.name)?.spec.strategy?.canary ?? {};
    for (const r of byKind(docs, 'HTTPRoute')) {
      const where = `HTTPRoute/${r.metadata.name}`;
      const parents = r.spec.parentRefs ?? [];
      if (!parents.length) v.push(`${where}: no parentRefs`);
      for (const p of parents) if (p.kind !== 'Gateway' || !p.namespace || p.sectionName !== 'https') v.push(`${where}: parentRef must name a Gateway, its namespace and the TLS listener sectionName https`);
      if (!(r.spec.hostnames ?? []).length) v.push(`${where}: hostnames required (no catch-all route)`);
      for (const rule of r.spec.rules ?? []) {
        if (!(rule.matches ?? []).length) v.push(`${where}: a rule without matches routes every path`);
        for (const m of rule.matches ?? []) {
          const p = m.path ?? { type: 'PathPrefix', value: '/' };
          for (const internal of ['/metrics', '/healthz', '/readyz']) {
            const exposes = p.type === 'Exact' ? p.value === internal : p.value === '/' || internal === p.value || internal.startsWith(`${p.value.replace(/\/$/, '')}/`);
            if (exposes || p.type === 'RegularExpression') v.push(`${where}: path ${p.type} ${p.value} exposes ${internal}`);
          }
        }
        const names = (rule.backendRefs ?? []).map((b) => b.name).sort();
        if (JSON.stringify(names) !== JSON.stringify([canary.canaryService, canary.stableService].sort())) v.push(`${where}: backendRefs ${names} must be exactly the stable and canary Services (the plugin shifts their weights)`);
        for (const b of rule.backendRefs ?? []) {
          const svc = findDoc(docs, 'Service', b.name);
          if (!svc?.spec.ports.some((sp) => sp.port === b.port)) v.push(`${where}: backend ${b.name}:${b.port} is not a Service port`);
        }
      }
    }
    return v;
  },

  'autoscaling and disruption budget': (docs, ctx) => {
    const v = [];
    const hpa = byKind(docs, 'HorizontalPodAutoscaler')[0];
    if (!hpa) v.push('no HPA');
    else {
      const t = hpa.spec.scaleTargetRef;
      const target = findDoc(docs, 'Rollout', t.name);
      if (t.kind !== 'Rollout' || t.apiVersion !== 'argoproj.io/v1alpha1' || !target) v.push('HPA must target the Rollout');
      // Issue 14: a fixed spec.replicas applied server-side on every release resets
      // what the HPA scaled to; the HPA alone owns the count.
      else if (target.spec.replicas !== undefined) v.push(`Rollout/${t.name} sets spec.replicas (${target.spec.replicas}) although HPA/${hpa.metadata.name} scales it: remove replicas`);
      if (!(hpa.spec.minReplicas <= hpa.spec.maxReplicas)) v.push('HPA minReplicas > maxReplicas');
      if (ctx.overlay === 'prod' && !(hpa.spec.minReplicas >= 2)) v.push('prod HPA minReplicas must be >= 2');
    }
    const pdb = byKind(docs, 'PodDisruptionBudget').find((p) => matchesLabels(p.spec.selector?.matchLabels, APP_LABELS));
    if (!pdb) v.push('no PodDisruptionBudget selecting the api pods');
    else if (pdb.spec.maxUnavailable === undefined && pdb.spec.minAvailable === undefined) v.push('PDB needs maxUnavailable or minAvailable');
    return v;
  },

  'network policies: default deny, exact ingress and egress ports': (docs, ctx) => {
    const v = [];
    const nps = byKind(docs, 'NetworkPolicy');
    const deny = nps.find((n) => Object.keys(n.spec.podSelector ?? {}).length === 0 && !n.spec.podSelector?.matchExpressions);
    if (!deny || !['Ingress', 'Egress'].every((t) => deny.spec.policyTypes?.includes(t)) || deny.spec.ingress || deny.spec.egress)
      v.push('a default-deny policy (podSelector {}, Ingress+Egress, no rules) is required');
    const selects = (np, labels) => matchesLabels(np.spec.podSelector?.matchLabels ?? {}, labels);
    const portsOf = (rules) => new Set(rules.flatMap((r) => (r.ports ?? [{ port: 'ANY' }]).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`)));
    for (const pod of podTemplates(docs)) {
      const applied = nps.filter((n) => selects(n, pod.labels));
      const ingress = applied.flatMap((n) => n.spec.ingress ?? []);
      const egress = applied.flatMap((n) => n.spec.egress ?? []);
      for (const r of [...ingress, ...egress]) {
        if (!r.ports?.length) v.push(`${pod.owner}: a rule without ports allows every port`);
        const peers = r.from ?? r.to;
        if (!peers?.length) v.push(`${pod.owner}: a rule without peers allows everyone`);
        for (const peer of peers ?? []) if (peer.ipBlock?.cidr === '0.0.0.0/0') v.push(`${pod.owner}: ipBlock 0.0.0.0/0`);
      }
      const isApi = matchesLabels(APP_LABELS, pod.labels);
      const wantIn = isApi ? ['8000/TCP', '9090/TCP'] : ['6379/TCP'];
      const wantOut = isApi ? ['53/TCP', '53/UDP', '6379/TCP'] : [];
      const gotIn = [...portsOf(ingress)].sort();
      const gotOut = [...portsOf(egress)].sort();
      if (JSON.stringify(gotIn) !== JSON.stringify(wantIn)) v.push(`${pod.owner}: ingress ports ${gotIn} must be exactly ${wantIn}`);
      if (JSON.stringify(gotOut) !== JSON.stringify(wantOut)) v.push(`${pod.owner}: egress ports ${gotOut} must be exactly ${wantOut}`);
      if (isApi) {
        const sources = ingress.flatMap((r) => r.from ?? []).map((f) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']).sort();
        const edge = ctx.edgeNamespace ?? 'ingress-nginx';
        if (JSON.stringify(sources) !== JSON.stringify([edge, 'monitoring'].sort())) v.push(`api ingress sources ${sources} must be ${edge} and monitoring`);
        // Each port from its own peer: API traffic from the edge only, the admin port from Prometheus only.
        const sourcesOf = (port) => ingress.filter((r) => r.ports?.some((p) => p.port === port))
          .flatMap((r) => r.from ?? []).map((f) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']);
        if (JSON.stringify(sourcesOf(APP.adminPort)) !== JSON.stringify(['monitoring'])) v.push(`admin port ${APP.adminPort} ingress must come from monitoring only (got ${sourcesOf(APP.adminPort)})`);
        if (JSON.stringify(sourcesOf(APP.port)) !== JSON.stringify([edge])) v.push(`service port ${APP.port} ingress must come from ${edge} only (got ${sourcesOf(APP.port)})`);
        if (!ingress.flatMap((r) => r.from ?? []).every((f) => f.podSelector?.matchLabels)) v.push('api ingress peers must also select pods');
        const dns = egress.filter((r) => r.ports?.some((p) => p.port === 53));
        if (!dns.every((r) => r.to?.every((t) => t.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'kube-system' && t.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns')))
          v.push('DNS egress must go to kube-dns in kube-system only');
      } else {
        const from = ingress.flatMap((r) => r.from ?? []);
        if (!from.every((f) => matchesLabels(APP_LABELS, f.podSelector?.matchLabels ?? {}) && !f.namespaceSelector)) v.push(`${pod.owner}: only api pods may connect`);
      }
    }
    if (ctx.expectedRedisCidrs) {
      const cidrs = nps.flatMap((n) => (n.spec.egress ?? []).flatMap((r) => r.to ?? []).map((t) => t.ipBlock?.cidr).filter(Boolean)).sort();
      if (JSON.stringify(cidrs) !== JSON.stringify([...ctx.expectedRedisCidrs].sort())) v.push(`Redis egress ipBlocks ${cidrs} must equal Terraform data_subnet_cidrs ${ctx.expectedRedisCidrs}`);
    }
    return v;
  },

  'monitoring: ServiceMonitor scrapes /metrics of every pod once; rules and dashboard rendered': (docs) => {
    const v = [];
    const sm = byKind(docs, 'ServiceMonitor')[0];
    if (!sm) return ['no ServiceMonitor'];
    const svcs = byKind(docs, 'Service').filter((s) => matchesLabels(sm.spec.selector?.matchLabels, s.metadata.labels));
    if (svcs.length !== 1) v.push(`ServiceMonitor must select exactly one Service (got ${svcs.map((s) => s.metadata.name)})`);
    const canary = findDoc(docs, 'Rollout', APP.name)?.spec.strategy?.canary ?? {};
    if (svcs.some((s) => [canary.stableService, canary.canaryService].includes(s.metadata.name))) v.push('ServiceMonitor must not select a Service that Argo Rollouts rewrites');
    const c = apiPod(docs)?.spec.containers?.find((x) => x.name === APP.container);
    for (const ep of sm.spec.endpoints ?? []) {
      if (ep.path !== '/metrics') v.push('endpoint path must be /metrics');
      const port = svcs[0]?.spec.ports.find((p) => p.name === ep.port);
      if (!port) v.push(`endpoint port ${ep.port} not on the Service`);
      else if (c && resolvePort(c, port.targetPort ?? port.port) !== APP.adminPort) v.push(`endpoint port ${ep.port} must reach the admin port ${APP.adminPort} (the public port answers /metrics 404)`);
    }
    if (!(sm.spec.podTargetLabels ?? []).includes('rollouts-pod-template-hash')) v.push('podTargetLabels must include rollouts-pod-template-hash (canary analysis)');
    if (!byKind(docs, 'PrometheusRule').length) v.push('no PrometheusRule');
    const dash = byKind(docs, 'ConfigMap').find((c) => c.metadata.labels?.grafana_dashboard === '1');
    if (!dash || !Object.keys(dash.data ?? {}).some((k) => k.endsWith('.json'))) v.push('no Grafana dashboard ConfigMap (label grafana_dashboard=1)');
    return v;
  },

  'kyverno: exact signer identity and SBOM attestation for the image': (docs, ctx) => {
    const v = [];
    const pol = byKind(docs, 'ClusterPolicy').find((p) => p.spec.rules?.some((r) => r.verifyImages));
    if (!pol) return ['no Kyverno ClusterPolicy with verifyImages'];
    const expectedSubject = ctx.expectedSubject;
    const checkAttestors = (attestors, where) => {
      if (!attestors?.length) v.push(`${where}: no attestors`);
      for (const set of attestors ?? []) {
        if (!set.entries?.length) v.push(`${where}: empty attestor set`);
        for (const e of set.entries ?? []) {
          const k = e.keyless;
          if (!k) { v.push(`${where}: attestor must be keyless (Sigstore/OIDC)`); continue; }
          if (k.subjectRegExp || k.issuerRegExp) v.push(`${where}: regular-expression identities are not allowed`);
          if (!k.subject || /[*?]/.test(k.subject)) v.push(`${where}: subject must be exact, got ${k.subject}`);
          if (expectedSubject && k.subject !== expectedSubject) v.push(`${where}: subject ${k.subject} != ${expectedSubject} (Terraform github_repository/github_branch)`);
          if (k.issuer !== GITHUB_ISSUER) v.push(`${where}: issuer must be ${GITHUB_ISSUER}`);
        }
      }
    };
    const verifies = pol.spec.rules.flatMap((r) => r.verifyImages ?? []);
    verifies.forEach((vi, i) => {
      const where = `verifyImages[${i}]`;
      if ((vi.failureAction ?? pol.spec.validationFailureAction) !== 'Enforce') v.push(`${where}: failureAction must be Enforce`);
      if (vi.required !== true || vi.verifyDigest !== true) v.push(`${where}: required and verifyDigest must be true`);
      checkAttestors(vi.attestors, where);
      const sbom = (vi.attestations ?? []).filter((a) => ['https://spdx.dev/Document', 'https://cyclonedx.org/bom'].includes(a.type ?? a.predicateType));
      if (!sbom.length) v.push(`${where}: an SBOM attestation (SPDX or CycloneDX) is required`);
      for (const a of sbom) checkAttestors(a.attestors, `${where} attestation ${a.type}`);
    });
    for (const r of pol.spec.rules) {
      const ns = r.match?.any?.flatMap((m) => m.resources?.namespaces ?? []) ?? [];
      if (!ns.includes(APP.namespace)) v.push(`rule ${r.name} must match the ${APP.namespace} namespace`);
    }
    const api = apiPod(docs)?.spec.containers?.find((c) => c.name === APP.container)?.image ?? '';
    if (!verifies.some((vi) => (vi.imageReferences ?? []).some((ref) => globMatch(ref, api)))) v.push(`api image ${api} is not covered by any verifyImages imageReferences`);
    const restrict = pol.spec.rules.find((r) => r.validate?.pattern?.spec);
    if (!restrict) v.push('a rule restricting every image in the namespace is required');
    else {
      const pat = restrict.validate.pattern.spec;
      for (const p of podTemplates(docs)) {
        for (const [field, key] of [['containers', 'containers'], ['initContainers', '=(initContainers)']]) {
          const allowed = pat[key]?.[0]?.image;
          for (const c of p.spec[field] ?? []) if (!allowed || !globAlternatives(allowed, c.image)) v.push(`${p.owner} ${field} image ${c.image} would be rejected by ${restrict.name}`);
        }
      }
    }
    return v;
  },
};

// Kyverno wildcard semantics: '*' any run, '?' one character; '|' separates alternatives.
export function globMatch(pattern, value) {
  const re = new RegExp(`^${pattern.trim().split('').map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
  return re.test(value);
}
const globAlternatives = (pattern, value) => pattern.split('|').some((p) => globMatch(p, value));

export function evaluate(docs, ctx) {
  return Object.entries(rules).map(([name, fn]) => {
    let violations;
    try {
      violations = fn(docs, ctx);
    } catch (err) {
      violations = [`threw: ${err.stack ?? err}`];
    }
    return { name, violations };
  });
}
