// Parses every deploy/terraform/*.tf with @cdktf/hcl2json (a syntax error
// fails the test), asserts the security properties of lib/terraform-policy.mjs
// and proves with mutations that each family of rules can fail.
// `terraform fmt` runs separately (terraform-fmt.sh); `terraform validate`,
// tflint and Checkov need provider downloads and run in the pipeline only.
import { Checks, clone } from './lib/common.mjs';
import { loadTerraform, terraformFiles, resource, dataBlock, one } from './lib/terraform-model.mjs';
import { evaluate } from './lib/terraform-policy.mjs';

const checks = new Checks('terraform');
const { model, errors } = await loadTerraform();
checks.run(`${terraformFiles().length} .tf files parse`, () => errors);
for (const { name, violations } of evaluate(model)) checks.run(name, () => violations);

const MUTATIONS = [
  ['public endpoint', /endpoint_public_access/, (m) => { one(resource(m, 'aws_eks_cluster', 'this').vpc_config).endpoint_public_access = true; }],
  ['IMDSv1 allowed', /http_tokens/, (m) => { one(resource(m, 'aws_launch_template', 'node').metadata_options).http_tokens = 'optional'; }],
  ['unencrypted node volume', /encrypted/, (m) => { one(resource(m, 'aws_launch_template', 'node').block_device_mappings[0].ebs).encrypted = false; }],
  ['key rotation off', /rotat/, (m) => { resource(m, 'aws_kms_key', 'eks_secrets').enable_key_rotation = false; }],
  ['no secrets encryption', /encryption_config/, (m) => { delete resource(m, 'aws_eks_cluster', 'this').encryption_config; }],
  ['flow logs removed', /flow log/, (m) => { delete m.resource.aws_flow_log; }],
  ['Redis without TLS', /transit_encryption/, (m) => { resource(m, 'aws_elasticache_replication_group', 'this').transit_encryption_enabled = false; }],
  ['wildcard deploy action', /wildcard action eks:\*/, (m) => { dataBlock(m, 'aws_iam_policy_document', 'deploy').statement[0].actions.push('eks:*'); }],
  ['deploy role reaches S3', /outside EKS describe \/ ECR read/, (m) => { dataBlock(m, 'aws_iam_policy_document', 'deploy').statement[0].actions.push('s3:GetObject'); }],
  ['StringLike wildcard subject', /StringEquals|wildcard in subject/, (m) => { const c = dataBlock(m, 'aws_iam_policy_document', 'deploy_assume').statement[0].condition.find((x) => x.variable.endsWith(':sub')); c.test = 'StringLike'; c.values = ['repo:${var.github_repository}:*']; }],
  ['deploy role trusted from any branch', /must be exactly/, (m) => { dataBlock(m, 'aws_iam_policy_document', 'deploy_assume').statement[0].condition.find((x) => x.variable.endsWith(':sub')).values = ['${local.github_branch_subject}']; }],
  ['ECR push on every repository', /resource "\*"/, (m) => { dataBlock(m, 'aws_iam_policy_document', 'ecr_push').statement[1].resources = ['*']; }],
  ['plan role can write', /not read-only/, (m) => { dataBlock(m, 'aws_iam_policy_document', 'plan').statement[0].actions.push('ec2:RunInstances'); }],
  ['mutable image tags', /IMMUTABLE/, (m) => { resource(m, 'aws_ecr_repository', 'this').image_tag_mutability = 'MUTABLE'; }],
  ['unpinned provider', /exact pin/, (m) => { one(m.terraform.find((t) => t.required_providers).required_providers).aws.version = '~> 5.0'; }],
  ['no state locking', /locking/, (m) => { delete one(m.terraform.find((t) => t.backend).backend.s3).use_lockfile; }],
  ['deploy role bound to AmazonEKSEditPolicy', /must get no EKS access policy/, (m) => { m.resource.aws_eks_access_policy_association ??= {}; m.resource.aws_eks_access_policy_association.github_deploy = [{ principal_arn: '${aws_iam_role.github_deploy.arn}', policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy' }]; }],
  ['deploy role without Kubernetes group', /kubernetes_groups/, (m) => { delete resource(m, 'aws_eks_access_entry', 'github_deploy').kubernetes_groups; }],
  ['deploy role pushes to ECR', /ecr:PutImage is outside|outside EKS describe/, (m) => { dataBlock(m, 'aws_iam_policy_document', 'deploy').statement[2].actions.push('ecr:PutImage'); }],
  ['no Pod Identity for Kyverno', /pod_identity_association for Kyverno/, (m) => { delete m.resource.aws_eks_pod_identity_association; }],
  ['no Pod Identity agent', /eks-pod-identity-agent/, (m) => { delete m.resource.aws_eks_addon.pod_identity_agent; }],
  ['Kyverno role trusted by any pod of the cluster', /must pin aws:RequestTag\/kubernetes-service-account/, (m) => { const st = dataBlock(m, 'aws_iam_policy_document', 'kyverno_assume').statement[0]; st.condition = st.condition.filter((c) => !c.variable.endsWith('service-account')); }],
  ['Kyverno role can push', /ecr:PutImage is not ECR read/, (m) => { dataBlock(m, 'aws_iam_policy_document', 'kyverno').statement[1].actions.push('ecr:PutImage'); }],
  ['VPC CNI without overwrite on create', /resolve_conflicts_on_create/, (m) => { delete resource(m, 'aws_eks_addon', 'vpc_cni').resolve_conflicts_on_create; }],
  ['VPC CNI without network policy', /enableNetworkPolicy/, (m) => { resource(m, 'aws_eks_addon', 'vpc_cni').configuration_values = '${jsonencode({})}'; }],
  ['no metrics-server', /metrics-server/, (m) => { delete m.resource.aws_eks_addon.metrics_server; }],
  ['signatures repository not scanned', /ECR signatures: scan_on_push/, (m) => { one(resource(m, 'aws_ecr_repository', 'signatures').image_scanning_configuration).scan_on_push = false; }],
  ['short log retention', /retention/, (m) => { resource(m, 'aws_cloudwatch_log_group', 'eks').retention_in_days = 30; }],
];
checks.run(`self-test: policy detects ${MUTATIONS.length} deliberate defects`, () => {
  const missed = [];
  for (const [label, expected, mutate] of MUTATIONS) {
    const m = clone(model);
    mutate(m);
    const found = evaluate(m).flatMap((r) => r.violations);
    if (!found.some((msg) => expected.test(msg))) missed.push(`${label}: not detected`);
  }
  return missed;
});
checks.finish();
