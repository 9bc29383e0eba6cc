// The `iac` CI job (Trivy config + Checkov) must pass on this tree by construction.
// Neither scanner runs here (both download their engines/policies), so the rules they
// apply are encoded in lib/iac-rules.mjs and asserted on the files they read: the raw
// YAML under deploy/k8s and deploy/observability, and deploy/terraform. Every
// suppression is inline at its one resource, has a reason, and is listed in the iac job
// of .github/workflows/ci.yml (and vice versa). The checkov-action pin must be a current
// release (Checkov 3). Planted defects prove each family fires.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { Checks, repoPath, clone } from './lib/common.mjs';
import { loadTerraform, terraformDir, terraformFiles, resource, one } from './lib/terraform-model.mjs';
import { kubernetesViolations, terraformViolations, inlineSuppressions, IAC_RULE_IDS, TF_RULE_IDS } from './lib/iac-rules.mjs';

const checks = new Checks('iac');

function yamlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'tests' ? [] : yamlFiles(full);
    return /\.ya?ml$/.test(name) && !/^kustomization/.test(name) && !full.includes('kustomizeconfig') ? [full] : [];
  });
}
const rawDocs = [repoPath('deploy', 'k8s'), repoPath('deploy', 'observability')].flatMap(yamlFiles).flatMap((file) =>
  YAML.parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS()).filter((doc) => doc?.kind && doc?.apiVersion)
    .map((doc) => ({ file: path.relative(repoPath(), file), doc })));

checks.run(`${rawDocs.length} raw Kubernetes documents satisfy ${new Set(IAC_RULE_IDS).size} Checkov/Trivy Kubernetes rules`, () => kubernetesViolations(rawDocs));

const { model } = await loadTerraform();
const inline = terraformFiles().flatMap((f) => inlineSuppressions(`deploy/terraform/${f}`, readFileSync(path.join(terraformDir, f), 'utf8')));
const suppressed = new Set(inline.map((s) => `${s.id} ${s.block}`));
checks.run(`Terraform satisfies ${new Set(TF_RULE_IDS).size} Checkov/Trivy AWS rules (inline suppressions honoured)`, () => terraformViolations(model, suppressed));

const ci = readFileSync(repoPath('.github', 'workflows', 'ci.yml'), 'utf8');
const listed = [...ci.matchAll(/^\s*#\s+(checkov|trivy) (\S+) (\S+) (\S+): (.+)$/gm)].map((m) => ({ tool: m[1], id: m[2], file: m[3], block: m[4], reason: m[5] }));
const key = (s) => `${s.tool} ${s.id} ${s.file} ${s.block}`;
function suppressionViolations(inlineList, listedList) {
  const v = [];
  for (const s of inlineList) {
    if (!s.reason) v.push(`${key(s)}: inline suppression without a reason`);
    if (s.block === '?') v.push(`${key(s)}: suppression not attached to a resource/data block`);
    if (!listedList.some((l) => key(l) === key(s))) v.push(`${key(s)}: not listed in the iac job of .github/workflows/ci.yml`);
  }
  for (const l of listedList) if (!inlineList.some((s) => key(s) === key(l))) v.push(`${key(l)}: listed in ci.yml but not in the tree`);
  return v;
}
checks.run(`${inline.length} suppressions: inline, with reasons, listed in the iac job`, () => suppressionViolations(inline, listed));

const CHECKOV_ACTION = /uses: bridgecrewio\/checkov-action@([0-9a-f]{40}) # v12\.(\d+)\.\d+/g;
function checkovPinViolations(text) {
  const pins = [...text.matchAll(/uses: bridgecrewio\/checkov-action@\S+.*$/gm)].map((m) => m[0]);
  const good = [...text.matchAll(CHECKOV_ACTION)];
  const v = [];
  if (!pins.length) v.push('no checkov-action step');
  if (good.length !== pins.length) v.push(`checkov-action pins must be a commit SHA with a # v12.N.M comment: ${pins.join(' | ')}`);
  for (const m of good) if (Number(m[2]) < 3000) v.push(`checkov-action v12.${m[2]} is too old (the 2022 v12 line runs Checkov 2); pin a current release`);
  return v;
}
checks.run('checkov-action pinned to a current release by commit SHA', () => checkovPinViolations(ci));

// ---- self-tests: planted defects
const find = (docs, kind, name) => docs.find((x) => x.doc.kind === kind && x.doc.metadata?.name === name).doc;
const redis = (docs) => find(docs, 'Deployment', 'redis').spec.template.spec;
const K8S_MUTATIONS = [
  ['dev Redis by tag', /CKV_K8S_43 .*redis/, (d) => { redis(d).containers[0].image = 'docker.io/library/redis:7.2.5-alpine'; }],
  ['dev Redis as uid 999', /CKV_K8S_40 .*runAsUser 999/, (d) => { redis(d).containers[0].securityContext.runAsUser = 999; redis(d).securityContext.runAsUser = 999; }],
  ['dev Redis pulled IfNotPresent', /CKV_K8S_15 .*IfNotPresent/, (d) => { redis(d).containers[0].imagePullPolicy = 'IfNotPresent'; }],
  ['raw object without namespace', /CKV_K8S_21 AVD-KSV-0110 .*Service\/secure-ml-api:/, (d) => { delete find(d, 'Service', 'secure-ml-api').metadata.namespace; }],
  ['writable root filesystem', /AVD-KSV-0014/, (d) => { redis(d).containers[0].securityContext.readOnlyRootFilesystem = false; }],
  ['no memory limit', /AVD-KSV-0018/, (d) => { delete redis(d).containers[0].resources.limits.memory; }],
  ['Role wildcard', /CKV_K8S_49/, (d) => { find(d, 'Role', 'secure-ml-api-deployer').rules[0].verbs = ['*']; }],
  ['Role manages Services', /AVD-KSV-0056/, (d) => { find(d, 'Role', 'secure-ml-api-deployer').rules[0].resources.push('services'); }],
  ['Role reads Secrets', /AVD-KSV-0041/, (d) => { find(d, 'Role', 'secure-ml-api-deployer').rules[0].resources.push('secrets'); }],
];
checks.run(`self-test: Kubernetes rules detect ${K8S_MUTATIONS.length} deliberate defects`, () => K8S_MUTATIONS.flatMap(([label, expected, mutate]) => {
  const docs = clone(rawDocs);
  mutate(docs);
  return kubernetesViolations(docs).some((m) => expected.test(m)) ? [] : [`${label}: not detected`];
}));
const TF_MUTATIONS = [
  ['signatures repository without scan on push', /AVD-AWS-0030 aws_ecr_repository.signatures/, (m) => { one(resource(m, 'aws_ecr_repository', 'signatures').image_scanning_configuration).scan_on_push = false; }],
  ['image repository with mutable tags', /AVD-AWS-0031 aws_ecr_repository.this/, (m) => { resource(m, 'aws_ecr_repository', 'this').image_tag_mutability = 'MUTABLE'; }],
  ['public EKS endpoint', /AVD-AWS-0040/, (m) => { one(resource(m, 'aws_eks_cluster', 'this').vpc_config).endpoint_public_access = true; }],
  ['IMDS hop limit 2', /CKV_AWS_341/, (m) => { one(resource(m, 'aws_launch_template', 'node').metadata_options).http_put_response_hop_limit = 2; }],
  ['API open to the internet', /AVD-AWS-0107/, (m) => { m.resource.aws_vpc_security_group_ingress_rule.open = [{ cidr_ipv4: '0.0.0.0/0', description: 'x' }]; }],
];
checks.run(`self-test: Terraform rules detect ${TF_MUTATIONS.length} deliberate defects`, () => TF_MUTATIONS.flatMap(([label, expected, mutate]) => {
  const m = clone(model);
  mutate(m);
  return terraformViolations(m, suppressed).some((msg) => expected.test(msg)) ? [] : [`${label}: not detected`];
}));
checks.run('self-test: an unlisted, unexplained or stale suppression is detected', () => {
  const v = [];
  const extra = [...inline, { tool: 'checkov', id: 'CKV_AWS_39', file: 'deploy/terraform/eks.tf', block: 'aws_eks_cluster.this', reason: '' }];
  const found = suppressionViolations(extra, listed);
  if (!found.some((x) => /CKV_AWS_39 .*without a reason/.test(x))) v.push('suppression without reason not detected');
  if (!found.some((x) => /CKV_AWS_39 .*not listed/.test(x))) v.push('unlisted suppression not detected');
  if (!suppressionViolations(inline.slice(1), listed).some((x) => /listed in ci.yml but not in the tree/.test(x))) v.push('stale listing not detected');
  if (!terraformViolations(model, new Set()).some((x) => /AVD-AWS-0031 aws_ecr_repository.signatures/.test(x))) v.push('removing the inline suppression does not fail');
  return v;
});
checks.run('self-test: the 2022 checkov-action pin is rejected', () =>
  (checkovPinViolations('      uses: bridgecrewio/checkov-action@b02e3023dd487a0200da3d1b6e17de5bc0945fa3 # v12\n').length ? [] : ['old pin accepted']));
checks.finish();
