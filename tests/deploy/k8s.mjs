// Renders every Kustomize overlay offline, validates each document against
// the Kubernetes / Argo Rollouts / Prometheus Operator / Kyverno schemas
// (npm kubernetes-models), asserts the hardening policy (lib/k8s-policy.mjs)
// on each overlay, cross-checks values shared with Terraform, and finally
// proves the policy can fail by mutating a good render.
import { execFileSync } from 'node:child_process';
import { Checks, requireTool, renderOverlay, clone, findDoc, parseYamlDocs, repoPath } from './lib/common.mjs';
import { evaluate, apiConfig, apiPod } from './lib/k8s-policy.mjs';
import { loadTerraform, variableDefault } from './lib/terraform-model.mjs';
import { unknownFields } from './lib/strict-fields.mjs';
import { readFileSync } from 'node:fs';

// The CA bundle the image carries (deploy/docker/stage-rootfs.sh), which the prod overlay
// points --redis-tls-ca-file at.
const IMAGE_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const stageRootfs = readFileSync(repoPath('deploy/docker/stage-rootfs.sh'), 'utf8');

requireTool('kubectl');
const OVERLAYS = ['dev', 'prod', 'prod-gateway'];
// Namespace of the edge proxy each overlay admits API traffic from.
const EDGE = { dev: 'ingress-nginx', prod: 'ingress-nginx', 'prod-gateway': 'gateway-system' };

const SCHEMA_MODULES = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'argoproj.io/v1alpha1': '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
  'kyverno.io/v1': '@kubernetes-models/kyverno/kyverno.io/v1',
  'gateway.networking.k8s.io/v1': '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1',
};
// Kinds allowed to go without an offline schema, each with its reason. Any other kind
// without one fails the schema check (no silent skip). Empty: every rendered kind has one.
const NO_SCHEMA = new Map([]);

async function schemaViolations(docs) {
  const v = [];
  for (const d of docs) {
    const id = `${d.apiVersion} ${d.kind}/${d.metadata?.name}`;
    const modName = SCHEMA_MODULES[d.apiVersion];
    if (!modName) {
      if (!NO_SCHEMA.has(`${d.apiVersion}/${d.kind}`)) v.push(`${id}: no offline schema for ${d.apiVersion}`);
      continue;
    }
    let mod;
    try {
      mod = await import(`${modName}/${d.kind}`); // per-kind module: much faster than the index
    } catch {
      v.push(`${id}: unknown kind in ${modName}`);
      continue;
    }
    try {
      new mod[d.kind](d).validate();
    } catch (err) {
      v.push(`${id}: ${err.message}`);
    }
  }
  return v;
}

const { model: tf, errors: tfErrors } = await loadTerraform();
const tfRepo = variableDefault(tf, 'github_repository');
const tfBranch = variableDefault(tf, 'github_branch');
const expectedSubject = `https://github.com/${tfRepo}/.github/workflows/release.yml@refs/heads/${tfBranch}`;
const deployGroup = variableDefault(tf, 'deploy_kubernetes_group');

const checks = new Checks('k8s');
checks.run('terraform variables readable for cross-checks', () => [...tfErrors, ...(tfRepo && tfBranch ? [] : ['github_repository/github_branch defaults missing'])]);

const rendered = {};
for (const overlay of OVERLAYS) {
  let docs;
  checks.run(`${overlay}: kubectl kustomize renders`, () => {
    docs = renderOverlay(overlay);
    return docs.length ? [] : ['rendered nothing'];
  });
  if (!docs) continue;
  rendered[overlay] = docs;
  const schema = await schemaViolations(docs);
  checks.run(`${overlay}: ${docs.length} documents validate against their schemas`, () => schema);
  checks.run(`${overlay}: no unknown (misspelled) fields`, () =>
    docs.flatMap((d) => (SCHEMA_MODULES[d.apiVersion] ? unknownFields(d, SCHEMA_MODULES[d.apiVersion]) : [])));
  const ctx = {
    overlay,
    expectedSubject,
    deployGroup,
    edgeNamespace: EDGE[overlay],
    expectedRedisCidrs: overlay.startsWith('prod') ? variableDefault(tf, 'data_subnet_cidrs') : undefined,
  };
  for (const { name, violations } of evaluate(docs, ctx)) checks.run(`${overlay}: ${name}`, () => violations);
}

// The cluster and observability kustomizations on their own (what an admin applies and
// what the base includes): every document has a schema and validates.
for (const dir of ['deploy/k8s/cluster', 'deploy/observability']) {
  let docs = [];
  checks.run(`${dir}: kubectl kustomize renders`, () => {
    docs = parseYamlDocs(execFileSync('kubectl', ['kustomize', repoPath(dir)], { encoding: 'utf8' }));
    return docs.length ? [] : ['rendered nothing'];
  });
  const schema = await schemaViolations(docs);
  checks.run(`${dir}: ${docs.length} documents validate against their schemas, no unknown fields`, () => [
    ...schema,
    ...docs.flatMap((d) => (SCHEMA_MODULES[d.apiVersion] ? unknownFields(d, SCHEMA_MODULES[d.apiVersion]) : [])),
  ]);
}

if (rendered.prod) {
  checks.run('prod: trusted proxies are the Terraform node/pod subnets', () => {
    const got = (apiConfig(rendered.prod)?.SMLAPI_TRUSTED_PROXIES ?? '').split(',').sort();
    const want = [...(variableDefault(tf, 'private_subnet_cidrs') ?? [])].sort();
    return JSON.stringify(got) === JSON.stringify(want) ? [] : [`SMLAPI_TRUSTED_PROXIES ${got} != private_subnet_cidrs ${want}`];
  });
  checks.run('prod: the service speaks TLS to the ElastiCache primary endpoint itself (no sidecar)', () => {
    const pod = apiPod(rendered.prod);
    const cfg = apiConfig(rendered.prod) ?? {};
    const v = [];
    if (!/^master\.[a-z0-9-]+\.[a-z0-9]+\.[a-z0-9]+\.cache\.amazonaws\.com$/.test(cfg.SMLAPI_REDIS_HOST ?? ''))
      v.push(`SMLAPI_REDIS_HOST ${cfg.SMLAPI_REDIS_HOST} must be the ElastiCache primary endpoint (terraform output redis_primary_endpoint)`);
    if (cfg.SMLAPI_REDIS_TLS !== 'on') v.push('SMLAPI_REDIS_TLS must be on (ElastiCache in-transit encryption)');
    if (cfg.SMLAPI_REDIS_TLS_CA_FILE !== IMAGE_CA_BUNDLE) v.push(`SMLAPI_REDIS_TLS_CA_FILE must be ${IMAGE_CA_BUNDLE}, the bundle the image carries`);
    if (!stageRootfs.includes(IMAGE_CA_BUNDLE)) v.push(`deploy/docker/stage-rootfs.sh does not stage ${IMAGE_CA_BUNDLE}`);
    if (cfg.SMLAPI_REDIS_TLS_SERVER_NAME && cfg.SMLAPI_REDIS_TLS_SERVER_NAME !== cfg.SMLAPI_REDIS_HOST) v.push('SMLAPI_REDIS_TLS_SERVER_NAME must be the endpoint name (or unset)');
    if (!cfg.SMLAPI_REDIS_PASSWORD_FILE) v.push('SMLAPI_REDIS_PASSWORD_FILE must be set (ElastiCache AUTH token)');
    if (cfg.SMLAPI_REDIS_PORT !== '6379') v.push('SMLAPI_REDIS_PORT must be 6379 (the port redis-egress.yaml allows)');
    if ((pod?.spec.initContainers ?? []).length) v.push(`no init or sidecar containers expected: ${pod.spec.initContainers.map((c) => c.name)}`);
    if ((pod?.spec.containers ?? []).length !== 1) v.push(`the API pod must run the API container only: ${pod?.spec.containers.map((c) => c.name)}`);
    return v;
  });
}
if (rendered.dev) {
  checks.run('dev: Redis requires a password from the Secret, persists nothing', () => {
    const redis = findDoc(rendered.dev, 'Deployment', 'redis');
    const conf = rendered.dev.find((d) => d.kind === 'ConfigMap' && d.metadata.name.startsWith('redis-config'))?.data?.['redis.conf'] ?? '';
    const c = redis?.spec.template.spec.containers[0];
    const v = [];
    const script = (c?.command ?? []).join(' ');
    if (!/requirepass "\$\(cat \/run\/secrets\/redis\/password\)"/.test(script)) v.push('requirepass must be read from the mounted Secret');
    if (!/exec redis-server/.test(script)) v.push('redis-server must be exec-ed (PID 1 receives SIGTERM)');
    if (/^\s*requirepass/m.test(conf)) v.push('redis.conf must not contain the password');
    for (const line of ['protected-mode yes', 'save ""', 'appendonly no', 'rename-command CONFIG ""'])
      if (!conf.includes(line)) v.push(`redis.conf lacks "${line}"`);
    const vol = redis?.spec.template.spec.volumes.find((x) => x.secret);
    if (vol?.secret?.secretName !== 'smlapi-redis') v.push('password must come from Secret smlapi-redis');
    return v;
  });
}

// Self-test: each mutation breaks one rule on the good prod render; the
// policy must report it. Without this, a rule that can never fail would pass.
const MUTATIONS = [
  ['readOnlyRootFilesystem false', /readOnlyRootFilesystem/, (d) => { apiPod(d).spec.containers[0].securityContext.readOnlyRootFilesystem = false; }],
  ['liveness probe on /health', /livenessProbe path/, (d) => { apiPod(d).spec.containers[0].livenessProbe.httpGet.path = '/health'; }],
  ['readiness probe on port 8080', /readinessProbe port/, (d) => { apiPod(d).spec.containers[0].readinessProbe.httpGet.port = 8080; }],
  ['NetworkPolicy on port 8080', /ingress ports/, (d) => { findDoc(d, 'NetworkPolicy', 'secure-ml-api-ingress').spec.ingress[0].ports[0].port = 8080; }],
  ['egress to anywhere', /without peers|egress ports/, (d) => { findDoc(d, 'NetworkPolicy', 'secure-ml-api-dns-egress').spec.egress.push({ ports: [{ port: 443 }] }); }],
  ['PSA enforce baseline', /enforce must be "restricted"/, (d) => { findDoc(d, 'Namespace', 'secure-ml-api').metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline'; }],
  ['token automount', /automountServiceAccountToken/, (d) => { apiPod(d).spec.automountServiceAccountToken = true; }],
  ['no memory limit', /limits\.memory/, (d) => { delete apiPod(d).spec.containers[0].resources.limits.memory; }],
  ['capabilities kept', /drop must include ALL/, (d) => { apiPod(d).spec.containers[0].securityContext.capabilities.drop = []; }],
  ['short grace period', /terminationGracePeriodSeconds/, (d) => { apiPod(d).spec.terminationGracePeriodSeconds = 10; }],
  ['no zone spread', /zone/, (d) => { apiPod(d).spec.topologySpreadConstraints = []; }],
  ['/metrics on the Ingress', /exposes \/metrics/, (d) => { const i = findDoc(d, 'Ingress', 'secure-ml-api'); i.spec.rules[0].http.paths.push({ ...clone(i.spec.rules[0].http.paths[0]), path: '/metrics' }); }],
  ['catch-all Ingress path', /exposes/, (d) => { const i = findDoc(d, 'Ingress', 'secure-ml-api'); i.spec.rules[0].http.paths[0] = { ...i.spec.rules[0].http.paths[0], path: '/', pathType: 'Prefix' }; }],
  ['wildcard signer', /subject must be exact|regular-expression/, (d) => { const k = d.find((x) => x.kind === 'ClusterPolicy').spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless; delete k.subject; k.subjectRegExp = '.*'; }],
  ['no SBOM attestation', /SBOM attestation/, (d) => { delete d.find((x) => x.kind === 'ClusterPolicy').spec.rules[0].verifyImages[0].attestations; }],
  ['image by tag', /sha256/, (d) => { apiPod(d).spec.containers[0].image = 'ghcr.io/diler-m/secure-ml-api:1.0.0'; }],
  ['analysis removed', /no analysis/, (d) => { delete findDoc(d, 'Rollout', 'secure-ml-api').spec.strategy.canary.analysis; }],
  ['misspelled env var', /not a serve flag/, (d) => { d.find((x) => x.kind === 'ConfigMap' && x.data?.SMLAPI_PORT).data.SMLAPI_PROT = '8000'; }],
  ['Secret volume world-readable', /Secret volume signing-keys defaultMode 0444 grants more than 0440/, (d) => { apiPod(d).spec.volumes.find((x) => x.name === 'signing-keys').secret.defaultMode = 0o444; }],
  ['Secret volume without defaultMode', /Secret volume users defaultMode must be set/, (d) => { delete apiPod(d).spec.volumes.find((x) => x.name === 'users').secret.defaultMode; }],
  ['Secret item mode widened', /items password mode 0644/, (d) => { apiPod(d).spec.volumes.find((x) => x.name === 'redis-auth').secret.items[0].mode = 0o644; }],
  ['fsGroup removed', /fsGroup must be set/, (d) => { delete apiPod(d).spec.securityContext.fsGroup; }],
  ['fsGroup of another group', /fsGroup must be 65532|must equal runAsGroup/, (d) => { apiPod(d).spec.securityContext.fsGroup = 1000; }],
  ['Secret as an env var', /secretKeyRef/, (d) => { apiPod(d).spec.containers[0].env = [{ name: 'SMLAPI_REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'smlapi-redis', key: 'password' } } }]; }],
  ['Secret mount writable', /Secret mount users must be readOnly/, (d) => { apiPod(d).spec.containers[0].volumeMounts.find((m) => m.name === 'users').readOnly = false; }],
  ['no connection limit at the Ingress', /limit-connections/, (d) => { delete findDoc(d, 'Ingress', 'secure-ml-api').metadata.annotations['nginx.ingress.kubernetes.io/limit-connections']; }],
  ['unbounded connection limit at the Ingress', /limit-connections/, (d) => { findDoc(d, 'Ingress', 'secure-ml-api').metadata.annotations['nginx.ingress.kubernetes.io/limit-connections'] = '0'; }],
  ['Ingress body limit above the service\'s', /proxy-body-size/, (d) => { findDoc(d, 'Ingress', 'secure-ml-api').metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size'] = '1m'; }],
  ['HPA removed', /no HPA/, (d) => { d.splice(d.findIndex((x) => x.kind === 'HorizontalPodAutoscaler'), 1); }],
  ['RoleBinding for the api ServiceAccount', /binds ClusterRole\/edit to ServiceAccount secure-ml-api/, (d) => { d.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'api-edit', namespace: 'secure-ml-api' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'ServiceAccount', name: 'secure-ml-api' }] }); }],
  ['ClusterRoleBinding for every service account', /binds ClusterRole\/view to Group system:serviceaccounts/, (d) => { d.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'all-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'system:serviceaccounts', apiGroup: 'rbac.authorization.k8s.io' }] }); }],
  ['fixed replicas beside the HPA', /sets spec.replicas \(3\) although HPA/, (d) => { findDoc(d, 'Rollout', 'secure-ml-api').spec.replicas = 3; }],
  ['deploy Role misses PrometheusRule', /does not allow get,create,patch on monitoring.coreos.com\/prometheusrules/, (d) => { findDoc(d, 'Role', 'secure-ml-api-deployer').rules.find((r) => r.resources.includes('prometheusrules')).resources = ['servicemonitors']; }],
  ['deploy Role cannot create Rollouts', /does not allow create on argoproj.io\/rollouts/, (d) => { findDoc(d, 'Role', 'secure-ml-api-deployer').rules.find((r) => r.resources.includes('analysistemplates')).verbs = ['get', 'patch']; }],
  ['deploy Role with a wildcard', /wildcard/, (d) => { findDoc(d, 'Role', 'secure-ml-api-deployer').rules.push({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }); }],
  ['deploy Role reads Secrets', /grants get on \/secrets|KSV041/, (d) => { findDoc(d, 'Role', 'secure-ml-api-deployer').rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }); }],
  ['deploy Role may delete', /grants delete on/, (d) => { findDoc(d, 'Role', 'secure-ml-api-deployer').rules[0].verbs.push('delete'); }],
  ['pipeline applies a NetworkPolicy', /would apply NetworkPolicy\/default-deny-all/, (d) => { delete findDoc(d, 'NetworkPolicy', 'default-deny-all').metadata.labels; }],
  ['deploy Role bound to another group', /subjects must be exactly Group/, (d) => { findDoc(d, 'RoleBinding', 'secure-ml-api-deployer').subjects[0].name = 'system:masters'; }],
  ['deploy rights as a ClusterRole', /nothing cluster-wide/, (d) => { d.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'deployer' }, rules: [] }); }],
  ['TLS sidecar image back in the pod', /initContainers image docker\.io\/ghostunnel\/ghostunnel:v1\.11\.3-distroless would be rejected by restrict-image-sources/, (d) => { apiPod(d).spec.initContainers = [{ name: 'redis-tls', image: 'docker.io/ghostunnel/ghostunnel:v1.11.3-distroless', restartPolicy: 'Always' }]; }],
  ['admin port on the public Service', /public Service: no admin port/, (d) => { findDoc(d, 'Service', 'secure-ml-api').spec.ports.push({ name: 'admin', port: 9090, targetPort: 'admin', protocol: 'TCP' }); }],
  ['ServiceMonitor scrapes the service port', /must reach the admin port|metrics Service/, (d) => { findDoc(d, 'Service', 'secure-ml-api-metrics').spec.ports[0].targetPort = 'http'; }],
  ['admin port open to the ingress controller', /admin port 9090 ingress must come from monitoring only/, (d) => { findDoc(d, 'NetworkPolicy', 'secure-ml-api-ingress').spec.ingress[0].ports.push({ port: 9090, protocol: 'TCP' }); }],
  ['admin listener off in the pod', /SMLAPI_ADMIN_PORT must be 9090/, (d) => { delete d.find((x) => x.kind === 'ConfigMap' && x.data?.SMLAPI_PORT).data.SMLAPI_ADMIN_PORT; }],
  ['liveness probe on the public port', /livenessProbe port/, (d) => { apiPod(d).spec.containers[0].livenessProbe.httpGet.port = 'http'; }],
  ['Redis egress to another subnet', /ipBlocks/, (d) => { findDoc(d, 'NetworkPolicy', 'secure-ml-api-redis-egress').spec.egress[0].to[0].ipBlock.cidr = '10.99.0.0/16'; }],
];
if (rendered.prod) {
  const ctx = { overlay: 'prod', expectedSubject, deployGroup, expectedRedisCidrs: variableDefault(tf, 'data_subnet_cidrs') };
  checks.run(`self-test: policy detects ${MUTATIONS.length} deliberate defects`, () => {
    const missed = [];
    for (const [label, expected, mutate] of MUTATIONS) {
      const docs = clone(rendered.prod);
      mutate(docs);
      const found = evaluate(docs, ctx).flatMap((r) => r.violations);
      if (!found.some((msg) => expected.test(msg))) missed.push(`${label}: not detected`);
    }
    return missed;
  });
}
if (rendered['prod-gateway']) {
  const ctx = { overlay: 'prod-gateway', expectedSubject, deployGroup, edgeNamespace: 'gateway-system', expectedRedisCidrs: variableDefault(tf, 'data_subnet_cidrs') };
  const GATEWAY_MUTATIONS = [
    ['HTTPRoute exposes /metrics', /exposes \/metrics/, (d) => { findDoc(d, 'HTTPRoute', 'secure-ml-api').spec.rules[0].matches.push({ path: { type: 'PathPrefix', value: '/' } }); }],
    ['HTTPRoute without the canary backend', /backendRefs .* must be exactly/, (d) => { findDoc(d, 'HTTPRoute', 'secure-ml-api').spec.rules[0].backendRefs.pop(); }],
    ['HTTPRoute on the plain-HTTP listener', /sectionName https/, (d) => { findDoc(d, 'HTTPRoute', 'secure-ml-api').spec.parentRefs[0].sectionName = 'http'; }],
    ['plugin names a missing HTTPRoute', /httpRoute api not rendered/, (d) => { findDoc(d, 'Rollout', 'secure-ml-api').spec.strategy.canary.trafficRouting.plugins['argoproj-labs/gatewayAPI'].httpRoute = 'api'; }],
    ['API traffic still from ingress-nginx', /must be gateway-system and monitoring/, (d) => { findDoc(d, 'NetworkPolicy', 'secure-ml-api-ingress').spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'] = 'ingress-nginx'; }],
  ];
  checks.run(`self-test: policy detects ${GATEWAY_MUTATIONS.length} deliberate Gateway API defects`, () => GATEWAY_MUTATIONS.flatMap(([label, expected, mutate]) => {
    const docs = clone(rendered['prod-gateway']);
    mutate(docs);
    return evaluate(docs, ctx).flatMap((r) => r.violations).some((msg) => expected.test(msg)) ? [] : [`${label}: not detected`];
  }));
}
if (rendered.prod) {
  const broken = clone(rendered.prod);
  findDoc(broken, 'Rollout', 'secure-ml-api').spec.revisionHistoryLimit = 'five';
  findDoc(broken, 'NetworkPolicy', 'default-deny-all').spec.policyTypes = ['Sideways'];
  broken.push({ apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'no-schema', namespace: 'secure-ml-api' } });
  const schemaFound = await schemaViolations(broken);
  const typo = clone(rendered.prod);
  const r = findDoc(typo, 'Rollout', 'secure-ml-api');
  r.spec.selectr = r.spec.selector;
  r.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
  const typoFound = unknownFields(r, SCHEMA_MODULES[r.apiVersion]);
  checks.run('self-test: unknown-field check catches misspelled fields', () =>
    typoFound.length === 2 ? [] : [`expected 2 unknown fields, got: ${typoFound.join('; ') || 'none'}`]);
  checks.run('self-test: schema validation rejects a wrong type, a bad enum and a kind without schema', () =>
    schemaFound.length === 3 ? [] : [`expected 3 schema errors, got: ${schemaFound.join('; ') || 'none'}`]);
}
checks.finish();
