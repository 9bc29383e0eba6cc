// The Checkov and Trivy (misconfiguration) rules that the CI `iac` job applies to this
// tree, encoded offline (neither scanner can run here: both need downloads). Each rule
// carries the scanner IDs it stands for and works on what the scanners read: the RAW
// YAML files under deploy/ (not the kustomize render) and the parsed Terraform model.
// Pure functions returning violations, so tests/deploy/iac.mjs can plant defects.
import { resources, resource, one } from './terraform-model.mjs';

const WORKLOADS = new Set(['Pod', 'Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterPolicy', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);
const podSpec = (d) => (d.kind === 'Pod' ? d.spec : d.kind === 'CronJob' ? d.spec?.jobTemplate?.spec?.template?.spec : d.spec?.template?.spec) ?? {};

// [ids, description, (container, pod, doc) -> violation | null]
const CONTAINER_RULES = [
  ['CKV_K8S_43', 'image by digest', (c) => (/@sha256:[0-9a-f]{64}$/.test(c.image ?? '') ? null : `image ${c.image} not by digest`)],
  ['CKV_K8S_14 AVD-KSV-0013', 'image tag fixed, not latest', (c) => (/:latest(@|$)/.test(c.image ?? '') || !/[:@]/.test((c.image ?? '').split('/').pop()) ? `image ${c.image} has no fixed tag` : null)],
  ['CKV_K8S_15', 'imagePullPolicy Always', (c) => (c.imagePullPolicy === 'Always' ? null : `imagePullPolicy ${c.imagePullPolicy}`)],
  ['CKV_K8S_20 AVD-KSV-0001', 'allowPrivilegeEscalation false', (c) => (c.securityContext?.allowPrivilegeEscalation === false ? null : 'allowPrivilegeEscalation not false')],
  ['CKV_K8S_16 AVD-KSV-0017', 'not privileged', (c) => (c.securityContext?.privileged ? 'privileged' : null)],
  ['CKV_K8S_22 AVD-KSV-0014', 'read-only root filesystem', (c) => (c.securityContext?.readOnlyRootFilesystem === true ? null : 'readOnlyRootFilesystem not true')],
  ['CKV_K8S_23 AVD-KSV-0012', 'runAsNonRoot', (c, p) => ((c.securityContext?.runAsNonRoot ?? p.securityContext?.runAsNonRoot) === true ? null : 'runAsNonRoot not true')],
  ['CKV_K8S_40 AVD-KSV-0020', 'runAsUser > 10000', (c, p) => ((c.securityContext?.runAsUser ?? p.securityContext?.runAsUser) > 10000 ? null : `runAsUser ${c.securityContext?.runAsUser ?? p.securityContext?.runAsUser} <= 10000`)],
  ['AVD-KSV-0021', 'runAsGroup > 10000', (c, p) => ((c.securityContext?.runAsGroup ?? p.securityContext?.runAsGroup) > 10000 ? null : 'runAsGroup <= 10000')],
  ['CKV_K8S_28 CKV_K8S_37 AVD-KSV-0003 AVD-KSV-0106', 'capabilities drop ALL, none added', (c) => ((c.securityContext?.capabilities?.drop ?? []).includes('ALL') && !(c.securityContext?.capabilities?.add ?? []).length ? null : 'capabilities not drop ALL')],
  ['CKV_K8S_31 AVD-KSV-0030 AVD-KSV-0104', 'seccomp RuntimeDefault', (c, p) => ((c.securityContext?.seccompProfile?.type ?? p.securityContext?.seccompProfile?.type) === 'RuntimeDefault' ? null : 'seccompProfile not RuntimeDefault')],
  ['CKV_K8S_10 CKV_K8S_11 CKV_K8S_12 CKV_K8S_13 AVD-KSV-0011 AVD-KSV-0015 AVD-KSV-0016 AVD-KSV-0018', 'cpu/memory requests and limits',
    (c) => (['requests', 'limits'].every((k) => c.resources?.[k]?.cpu && c.resources?.[k]?.memory) ? null : 'cpu/memory requests or limits missing')],
  ['CKV_K8S_8', 'liveness probe', (c) => (c.livenessProbe ? null : 'no livenessProbe')],
  ['CKV_K8S_9', 'readiness probe', (c) => (c.readinessProbe ? null : 'no readinessProbe')],
  ['CKV_K8S_35', 'Secrets as files, not env', (c) => ((c.env ?? []).some((e) => e.valueFrom?.secretKeyRef) || (c.envFrom ?? []).some((e) => e.secretRef) ? 'Secret in env' : null)],
  ['CKV_K8S_26 AVD-KSV-0024', 'no hostPort', (c) => ((c.ports ?? []).some((p) => p.hostPort) ? 'hostPort' : null)],
];
const POD_RULES = [
  ['CKV_K8S_38', 'no service account token', (p) => (p.automountServiceAccountToken === false ? null : 'automountServiceAccountToken not false')],
  ['CKV_K8S_17 CKV_K8S_18 CKV_K8S_19 AVD-KSV-0008 AVD-KSV-0009 AVD-KSV-0010', 'no host PID/IPC/network', (p) => (p.hostPID || p.hostIPC || p.hostNetwork ? 'host namespace shared' : null)],
  ['CKV_K8S_27 AVD-KSV-0023', 'no hostPath', (p) => ((p.volumes ?? []).some((v) => v.hostPath) ? 'hostPath volume' : null)],
  ['CKV_K8S_41', 'not the default service account', (p) => (!p.serviceAccountName || p.serviceAccountName === 'default' ? 'default service account' : null)],
];
const RBAC_FORBIDDEN = {
  'AVD-KSV-0041': ['secrets'], 'AVD-KSV-0050': ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'],
  'AVD-KSV-0053': ['pods/exec'], 'AVD-KSV-0056': ['services', 'endpoints', 'endpointslices', 'networkpolicies', 'ingresses'],
};

export const IAC_RULE_IDS = [
  ...CONTAINER_RULES, ...POD_RULES,
].flatMap(([ids]) => ids.split(' ')).concat(['CKV_K8S_21', 'AVD-KSV-0110', 'CKV_K8S_49', 'AVD-KSV-0044', 'AVD-KSV-0045', 'AVD-KSV-0046',
  'CKV_K8S_157', 'CKV_K8S_158', ...Object.keys(RBAC_FORBIDDEN)]);

// docs: [{ file, doc }] of raw YAML documents.
export function kubernetesViolations(docs) {
  const v = [];
  for (const { file, doc: d } of docs) {
    const where = `${file} ${d.kind}/${d.metadata?.name}`;
    if (!CLUSTER_SCOPED.has(d.kind) && (!d.metadata?.namespace || d.metadata.namespace === 'default'))
      v.push(`CKV_K8S_21 AVD-KSV-0110 ${where}: metadata.namespace must be set (not default)`);
    if (WORKLOADS.has(d.kind)) {
      const p = podSpec(d);
      for (const [ids, , rule] of POD_RULES) { const msg = rule(p); if (msg) v.push(`${ids} ${where}: ${msg}`); }
      for (const c of [...(p.initContainers ?? []), ...(p.containers ?? [])])
        for (const [ids, , rule] of CONTAINER_RULES) { const msg = rule(c, p, d); if (msg) v.push(`${ids} ${where} container ${c.name}: ${msg}`); }
    }
    if (d.kind === 'Role' || d.kind === 'ClusterRole') {
      for (const r of d.rules ?? []) {
        const all = [...(r.apiGroups ?? []), ...(r.resources ?? []), ...(r.verbs ?? [])];
        if (all.includes('*')) v.push(`CKV_K8S_49 AVD-KSV-0044 AVD-KSV-0045 AVD-KSV-0046 ${where}: wildcard`);
        for (const verb of ['bind', 'escalate', 'impersonate']) if ((r.verbs ?? []).includes(verb)) v.push(`CKV_K8S_157 CKV_K8S_158 ${where}: verb ${verb}`);
        for (const [id, res] of Object.entries(RBAC_FORBIDDEN)) for (const x of r.resources ?? []) if (res.includes(x)) v.push(`${id} ${where}: grants ${x}`);
      }
    }
  }
  return v;
}

// Terraform rules with their IDs; model = merged hcl2json of deploy/terraform.
const tfRules = [
  ['CKV_AWS_51 AVD-AWS-0031', (m) => resources(m, 'aws_ecr_repository').filter(([, r]) => r.image_tag_mutability !== 'IMMUTABLE').map(([n]) => `aws_ecr_repository.${n}: tags mutable`)],
  ['CKV_AWS_163 AVD-AWS-0030', (m) => resources(m, 'aws_ecr_repository').filter(([, r]) => one(r.image_scanning_configuration)?.scan_on_push !== true).map(([n]) => `aws_ecr_repository.${n}: scan_on_push off`)],
  ['CKV_AWS_136 AVD-AWS-0033', (m) => resources(m, 'aws_ecr_repository').filter(([, r]) => one(r.encryption_configuration)?.encryption_type !== 'KMS' || !one(r.encryption_configuration)?.kms_key).map(([n]) => `aws_ecr_repository.${n}: no customer KMS key`)],
  ['CKV_AWS_39 AVD-AWS-0040', (m) => resources(m, 'aws_eks_cluster').filter(([, c]) => one(c.vpc_config)?.endpoint_public_access !== false).map(([n]) => `aws_eks_cluster.${n}: public endpoint`)],
  ['CKV_AWS_58 AVD-AWS-0039', (m) => resources(m, 'aws_eks_cluster').filter(([, c]) => !one(c.encryption_config)?.resources?.includes('secrets')).map(([n]) => `aws_eks_cluster.${n}: Secrets not encrypted`)],
  ['CKV_AWS_37 AVD-AWS-0038', (m) => resources(m, 'aws_eks_cluster').filter(([, c]) => (c.enabled_cluster_log_types ?? []).length < 5).map(([n]) => `aws_eks_cluster.${n}: control-plane logs incomplete`)],
  ['CKV_AWS_7 AVD-AWS-0065', (m) => resources(m, 'aws_kms_key').filter(([, k]) => k.enable_key_rotation !== true).map(([n]) => `aws_kms_key.${n}: no rotation`)],
  ['CKV_AWS_158 AVD-AWS-0017', (m) => resources(m, 'aws_cloudwatch_log_group').filter(([, g]) => !g.kms_key_id).map(([n]) => `aws_cloudwatch_log_group.${n}: not KMS-encrypted`)],
  ['CKV_AWS_338', (m) => resources(m, 'aws_cloudwatch_log_group').filter(([, g]) => !(g.retention_in_days === '${var.log_retention_days}' || g.retention_in_days >= 365)).map(([n]) => `aws_cloudwatch_log_group.${n}: retention < 1 year`)],
  ['CKV_AWS_79 CKV_AWS_341 AVD-AWS-0028', (m) => resources(m, 'aws_launch_template').filter(([, t]) => one(t.metadata_options)?.http_tokens !== 'required' || one(t.metadata_options)?.http_put_response_hop_limit !== 1).map(([n]) => `aws_launch_template.${n}: IMDSv2/hop limit`)],
  ['CKV_AWS_29 CKV_AWS_30 CKV_AWS_31 CKV_AWS_191 AVD-AWS-0045 AVD-AWS-0051', (m) => resources(m, 'aws_elasticache_replication_group').filter(([, r]) => r.at_rest_encryption_enabled !== true || r.transit_encryption_enabled !== true || !r.auth_token || !r.kms_key_id).map(([n]) => `aws_elasticache_replication_group.${n}: encryption/AUTH`)],
  ['CKV2_AWS_11 AVD-AWS-0178', (m) => (resources(m, 'aws_flow_log').length ? [] : ['no VPC flow log'])],
  ['CKV2_AWS_12', (m) => (resources(m, 'aws_default_security_group').some(([, g]) => !g.ingress && !g.egress) ? [] : ['default security group not closed'])],
  ['AVD-AWS-0104 AVD-AWS-0107 CKV_AWS_24 CKV_AWS_260', (m) => [...resources(m, 'aws_vpc_security_group_ingress_rule'), ...resources(m, 'aws_vpc_security_group_egress_rule'), ...resources(m, 'aws_security_group_rule')]
    .filter(([, r]) => r.cidr_ipv4 === '0.0.0.0/0' || r.cidr_ipv6 === '::/0' || (r.cidr_blocks ?? []).includes('0.0.0.0/0')).map(([n]) => `security group rule ${n} open to the internet`)],
  ['AVD-AWS-0124 CKV_AWS_23', (m) => [...resources(m, 'aws_vpc_security_group_ingress_rule'), ...resources(m, 'aws_security_group')].filter(([, r]) => !r.description).map(([n]) => `${n}: security group (rule) without description`)],
];
export const TF_RULE_IDS = tfRules.flatMap(([ids]) => ids.split(' '));

// suppressed: Set of "ID resourceType.name" accepted (inline suppressions).
export function terraformViolations(model, suppressed) {
  return tfRules.flatMap(([ids, rule]) => rule(model)
    .filter((msg) => !ids.split(' ').some((id) => suppressed.has(`${id} ${msg.split(':')[0]}`)))
    .map((msg) => `${ids} ${msg}`));
}

// Inline suppressions in .tf text: [{ tool, id, block, reason }].
export function inlineSuppressions(file, text) {
  const lines = text.split('\n');
  const out = [];
  const header = (l) => /^(resource|data) "(\w+)" "(\w+)"/.exec(l);
  lines.forEach((line, i) => {
    const ck = /#checkov:skip=([A-Z0-9_]+):(.*)$/.exec(line);
    if (ck) {
      let j = i; while (j >= 0 && !header(lines[j])) j -= 1;
      const h = header(lines[j] ?? '');
      out.push({ tool: 'checkov', id: ck[1], file, block: h ? `${h[2]}.${h[3]}` : '?', reason: ck[2].trim() });
    }
    const tv = /^#trivy:ignore:(AVD-[A-Z]+-\d+)\s*$/.exec(line.trim());
    if (tv) {
      const h = header(lines[i + 1] ?? '');
      const prev = (lines[i - 1] ?? '').trim();
      out.push({ tool: 'trivy', id: tv[1], file, block: h ? `${h[2]}.${h[3]}` : '?', reason: prev.startsWith('#') && !prev.startsWith('#trivy') ? prev.replace(/^#\s*/, '') : '' });
    }
  });
  return out;
}
