// Security properties of deploy/terraform, asserted on the HCL parsed to JSON.
// Pure functions (model) -> [violations], so terraform.mjs can mutate the
// model and prove each rule can fail. What this cannot see (provider schema,
// computed values, module graph) is listed in docs/deployment.md.
import { resource, resources, dataBlock, one } from './terraform-model.mjs';

const refName = (expr, type) => new RegExp(`\\$\\{${type}\\.([a-z0-9_]+)\\.`).exec(String(expr ?? ''))?.[1];
// Substitutes ${local.x} references whose value is a plain string.
const localValue = (m, name) => (m.locals ?? []).map(one).find((l) => l && name in l)?.[name];
const expand = (m, expr) => String(expr ?? '').replace(/\$\{local\.([a-z0-9_]+)\}/g, (all, name) => {
  const val = localValue(m, name);
  return typeof val === 'string' ? val : all;
});
const statements = (doc) => [
  ...(doc?.statement ?? []),
  ...(doc?.dynamic?.statement ?? []).flatMap((d) => d.content ?? []),
];
const actionsOf = (doc) => statements(doc).flatMap((s) => s.actions ?? []);
// The data "aws_iam_policy_document" behind an aws_iam_role_policy / role trust.
const policyDocFor = (model, expr) => dataBlock(model, 'aws_iam_policy_document', refName(expr, 'data.aws_iam_policy_document'));
const inlinePolicies = (model, roleName) =>
  resources(model, 'aws_iam_role_policy')
    .filter(([, p]) => refName(p.role, 'aws_iam_role') === roleName)
    .map(([name, p]) => ({ name, doc: policyDocFor(model, p.policy) }));

const ECR_READ = new Set(['ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:GetDownloadUrlForLayer']);

export const VALIDATED_VARIABLES = [
  'region', 'environment', 'name', 'vpc_cidr', 'availability_zones', 'private_subnet_cidrs', 'public_subnet_cidrs',
  'data_subnet_cidrs', 'kubernetes_version', 'cluster_endpoint_allowed_cidrs', 'cluster_admin_principal_arns',
  'node_instance_types', 'node_group_size', 'node_volume_size_gib', 'log_retention_days', 'redis_node_type',
  'redis_engine_version', 'github_repository', 'github_branch', 'github_plan_environment', 'github_deploy_environment',
  'app_namespace', 'state_bucket_name', 'state_kms_key_arn', 'deploy_kubernetes_group', 'kyverno_namespace',
  'kyverno_admission_service_account',
];

export const rules = {
  'providers pinned to exact versions, Terraform version bounded': (m) => {
    const v = [];
    const tf = (m.terraform ?? []).find((t) => t.required_providers);
    if (!tf?.required_version) v.push('required_version missing');
    const providers = one(tf?.required_providers) ?? {};
    if (!Object.keys(providers).length) v.push('required_providers missing');
    for (const [name, p] of Object.entries(providers))
      if (!/^\d+\.\d+\.\d+$/.test(p.version ?? '')) v.push(`provider ${name} version "${p.version}" is not an exact pin`);
    return v;
  },

  'remote state in S3 with encryption and locking': (m) => {
    const s3 = (m.terraform ?? []).map((t) => one(t.backend?.s3)).find(Boolean);
    if (!s3) return ['backend "s3" missing'];
    const v = [];
    if (s3.encrypt !== true) v.push('backend encrypt must be true');
    if (s3.use_lockfile !== true && !s3.dynamodb_table) v.push('backend needs locking (use_lockfile = true or dynamodb_table)');
    return v;
  },

  'variables are described, typed and validated': (m) => {
    const v = [];
    for (const [name, blocks] of Object.entries(m.variable ?? {})) {
      const b = one(blocks);
      if (!b.description) v.push(`variable ${name}: description missing`);
      if (!b.type) v.push(`variable ${name}: type missing`);
    }
    for (const name of VALIDATED_VARIABLES) if (!one(m.variable?.[name])?.validation) v.push(`variable ${name}: validation missing`);
    const retention = one(m.variable?.log_retention_days)?.default;
    if (!(retention >= 365)) v.push('log_retention_days default must be >= 365');
    if (!((one(m.variable?.availability_zones)?.default ?? []).length >= 2)) v.push('availability_zones default needs two zones');
    return v;
  },

  'EKS: private endpoint only, Secrets encrypted with a rotating key, all control-plane logs': (m) => {
    const clusters = resources(m, 'aws_eks_cluster');
    if (!clusters.length) return ['no aws_eks_cluster'];
    const v = [];
    for (const [name, c] of clusters) {
      const vpc = one(c.vpc_config) ?? {};
      if (vpc.endpoint_public_access !== false) v.push(`${name}: endpoint_public_access must be false`);
      if (vpc.endpoint_private_access !== true) v.push(`${name}: endpoint_private_access must be true`);
      if (!String(vpc.subnet_ids).includes('aws_subnet.private')) v.push(`${name}: control plane ENIs must use the private subnets`);
      const enc = one(c.encryption_config);
      if (!enc?.resources?.includes('secrets')) v.push(`${name}: encryption_config for secrets missing`);
      const key = resource(m, 'aws_kms_key', refName(one(enc?.provider)?.key_arn, 'aws_kms_key'));
      if (!key) v.push(`${name}: secrets key must be a customer-managed aws_kms_key of this configuration`);
      else if (key.enable_key_rotation !== true) v.push(`${name}: secrets key must rotate`);
      const logs = c.enabled_cluster_log_types ?? [];
      for (const t of ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']) if (!logs.includes(t)) v.push(`${name}: log type ${t} missing`);
      if (one(c.access_config)?.authentication_mode !== 'API') v.push(`${name}: authentication_mode must be API (access entries, no aws-auth)`);
    }
    for (const [name, r] of resources(m, 'aws_vpc_security_group_ingress_rule'))
      if (r.cidr_ipv4 === '0.0.0.0/0' || r.cidr_ipv6 === '::/0') v.push(`security group rule ${name} open to the internet`);
    if (!/enableNetworkPolicy/.test(JSON.stringify(resource(m, 'aws_eks_addon', 'vpc_cni') ?? {}))) v.push('vpc-cni addon must enable the network policy agent');
    return v;
  },

  'KMS keys rotate; log groups are KMS-encrypted with long retention': (m) => {
    const v = [];
    for (const [name, k] of resources(m, 'aws_kms_key')) {
      if (k.enable_key_rotation !== true) v.push(`aws_kms_key.${name}: enable_key_rotation must be true`);
      if (!(k.deletion_window_in_days >= 7)) v.push(`aws_kms_key.${name}: deletion_window_in_days must be set (>= 7)`);
    }
    for (const [name, g] of resources(m, 'aws_cloudwatch_log_group')) {
      if (!refName(g.kms_key_id, 'aws_kms_key')) v.push(`log group ${name}: kms_key_id must reference a KMS key`);
      const r = g.retention_in_days;
      if (!(r === '${var.log_retention_days}' || r >= 365)) v.push(`log group ${name}: retention must be >= 365 days`);
    }
    return v;
  },

  'VPC: two or more zones, flow logs of all traffic, no public IPs, closed default SG': (m) => {
    const v = [];
    const vpcs = resources(m, 'aws_vpc');
    if (!vpcs.length) return ['no aws_vpc'];
    for (const [name] of vpcs) {
      const flow = resources(m, 'aws_flow_log').find(([, f]) => refName(f.vpc_id, 'aws_vpc') === name);
      if (!flow) { v.push(`aws_vpc.${name}: no flow log`); continue; }
      const f = flow[1];
      if (f.traffic_type !== 'ALL') v.push('flow log traffic_type must be ALL');
      if (f.log_destination_type !== 'cloud-watch-logs') v.push('flow logs must go to CloudWatch Logs');
      const group = resource(m, 'aws_cloudwatch_log_group', refName(f.log_destination, 'aws_cloudwatch_log_group'));
      if (!group?.kms_key_id) v.push('flow log group must be KMS-encrypted');
      if (!resources(m, 'aws_default_security_group').some(([, g]) => refName(g.vpc_id, 'aws_vpc') === name && !g.ingress && !g.egress))
        v.push(`aws_vpc.${name}: default security group must be managed with no rules`);
    }
    for (const [name, s] of resources(m, 'aws_subnet')) {
      if (s.map_public_ip_on_launch === true) v.push(`subnet ${name} assigns public IPs`);
      if (!String(s.count ?? '').includes('zone_count')) v.push(`subnet ${name} must be created once per zone`);
    }
    for (const kind of ['private', 'data']) if (!resource(m, 'aws_subnet', kind)) v.push(`${kind} subnets missing`);
    const dataRoutes = resource(m, 'aws_route_table', 'data');
    if (!dataRoutes || dataRoutes.route) v.push('data subnets must have no routes beyond the VPC');
    return v;
  },

  'nodes: managed group in private subnets, IMDSv2 with hop limit 1, encrypted volumes': (m) => {
    const v = [];
    const groups = resources(m, 'aws_eks_node_group');
    if (!groups.length) return ['no aws_eks_node_group'];
    for (const [name, g] of groups) {
      if (!String(g.subnet_ids).includes('aws_subnet.private')) v.push(`node group ${name} must use the private subnets`);
      const lt = resource(m, 'aws_launch_template', refName(one(g.launch_template)?.id, 'aws_launch_template'));
      if (!lt) { v.push(`node group ${name} must use a launch template of this configuration`); continue; }
      const md = one(lt.metadata_options) ?? {};
      if (md.http_tokens !== 'required') v.push('launch template: http_tokens must be "required" (IMDSv2)');
      if (md.http_put_response_hop_limit !== 1) v.push('launch template: http_put_response_hop_limit must be 1 (pods cannot reach IMDS)');
      const bdms = lt.block_device_mappings ?? [];
      if (!bdms.length) v.push('launch template: root volume mapping missing');
      for (const b of bdms) {
        const ebs = one(b.ebs) ?? {};
        if (ebs.encrypted !== true) v.push('launch template: EBS volumes must be encrypted');
        if (!refName(ebs.kms_key_id, 'aws_kms_key')) v.push('launch template: EBS volumes must use the customer-managed key');
      }
    }
    return v;
  },

  'ElastiCache: TLS required, AUTH, encryption at rest, Multi-AZ, isolated subnets': (m) => {
    const v = [];
    const groups = resources(m, 'aws_elasticache_replication_group');
    if (!groups.length) return ['no aws_elasticache_replication_group'];
    for (const [name, r] of groups) {
      if (r.transit_encryption_enabled !== true) v.push(`${name}: transit_encryption_enabled must be true`);
      if (r.transit_encryption_mode !== 'required') v.push(`${name}: transit_encryption_mode must be "required"`);
      if (r.at_rest_encryption_enabled !== true) v.push(`${name}: at_rest_encryption_enabled must be true`);
      if (!refName(r.kms_key_id, 'aws_kms_key')) v.push(`${name}: kms_key_id must reference a customer-managed key`);
      if (!r.auth_token) v.push(`${name}: auth_token missing`);
      if (r.automatic_failover_enabled !== true || r.multi_az_enabled !== true) v.push(`${name}: Multi-AZ with automatic failover required`);
      const sg = resource(m, 'aws_elasticache_subnet_group', refName(r.subnet_group_name, 'aws_elasticache_subnet_group'));
      if (!String(sg?.subnet_ids).includes('aws_subnet.data')) v.push(`${name}: must live in the data subnets`);
      const sgName = refName(r.security_group_ids?.[0], 'aws_security_group');
      const ingress = resources(m, 'aws_vpc_security_group_ingress_rule').filter(([, i]) => refName(i.security_group_id, 'aws_security_group') === sgName);
      if (!ingress.length || ingress.some(([, i]) => i.from_port !== 6379 || i.to_port !== 6379 || !i.referenced_security_group_id))
        v.push(`${name}: security group must admit 6379 from the cluster security group only`);
    }
    for (const [name, o] of Object.entries(m.output ?? {}))
      if (/random_password|auth_token|secret_string/.test(JSON.stringify(one(o).value))) v.push(`output ${name} exposes a secret`);
    return v;
  },

  'ECR: immutable tags, scan on push, KMS': (m) => {
    const v = [];
    const repos = resources(m, 'aws_ecr_repository');
    if (!repos.length) return ['no aws_ecr_repository'];
    for (const [name, r] of repos) {
      const isSignatureStore = String(r.name).endsWith('-signatures');
      if (r.image_tag_mutability !== 'IMMUTABLE' && !isSignatureStore) v.push(`ECR ${name}: tags must be IMMUTABLE`);
      if (one(r.image_scanning_configuration)?.scan_on_push !== true) v.push(`ECR ${name}: scan_on_push must be true (Checkov CKV_AWS_163, Trivy AVD-AWS-0030)`);
      if (one(r.encryption_configuration)?.encryption_type !== 'KMS') v.push(`ECR ${name}: KMS encryption required`);
    }
    return v;
  },

  'GitHub OIDC: each CI role trusts one exact subject of this repository': (m) => {
    const v = [];
    const provider = resource(m, 'aws_iam_openid_connect_provider', 'github');
    if (expand(m, provider?.url) !== 'https://token.actions.githubusercontent.com') v.push('GitHub OIDC provider url wrong or missing');
    if (JSON.stringify(provider?.client_id_list) !== '["sts.amazonaws.com"]') v.push('OIDC audience must be sts.amazonaws.com only');
    const expected = {
      github_plan: 'repo:${var.github_repository}:environment:${var.github_plan_environment}',
      github_deploy: 'repo:${var.github_repository}:environment:${var.github_deploy_environment}',
      github_ecr_push: 'repo:${var.github_repository}:ref:refs/heads/${var.github_branch}',
    };
    const federated = resources(m, 'aws_iam_role').filter(([, r]) =>
      statements(policyDocFor(m, r.assume_role_policy)).some((s) => (s.actions ?? []).includes('sts:AssumeRoleWithWebIdentity')));
    for (const [name] of federated) if (!(name in expected)) v.push(`unexpected OIDC-trusting role ${name}`);
    for (const [roleName, subject] of Object.entries(expected)) {
      const role = resource(m, 'aws_iam_role', roleName);
      if (!role) { v.push(`role ${roleName} missing`); continue; }
      const sts = statements(policyDocFor(m, role.assume_role_policy));
      if (!sts.length) v.push(`${roleName}: trust policy must be an aws_iam_policy_document`);
      for (const s of sts) {
        if (JSON.stringify(s.actions) !== '["sts:AssumeRoleWithWebIdentity"]') v.push(`${roleName}: trust must allow AssumeRoleWithWebIdentity only`);
        const conds = s.condition ?? [];
        const aud = conds.find((c) => expand(m, c.variable) === 'token.actions.githubusercontent.com:aud');
        const sub = conds.find((c) => expand(m, c.variable) === 'token.actions.githubusercontent.com:sub');
        if (aud?.test !== 'StringEquals' || JSON.stringify(aud.values) !== '["sts.amazonaws.com"]') v.push(`${roleName}: aud must be StringEquals sts.amazonaws.com`);
        if (!sub) { v.push(`${roleName}: sub condition missing`); continue; }
        if (sub.test !== 'StringEquals') v.push(`${roleName}: sub must use StringEquals (got ${sub.test})`);
        const values = (sub.values ?? []).map((x) => expand(m, x));
        for (const val of values) if (/[*?]/.test(val)) v.push(`${roleName}: wildcard in subject ${val}`);
        if (JSON.stringify(values) !== JSON.stringify([subject])) v.push(`${roleName}: subjects ${values} must be exactly [${subject}]`);
      }
      if (resources(m, 'aws_iam_role_policy_attachment').some(([, a]) => refName(a.role, 'aws_iam_role') === roleName)) v.push(`${roleName}: no managed policies may be attached`);
    }
    return v;
  },

  'ECR push role: its two repositories only, no wildcard actions': (m) => {
    const v = [];
    const pols = inlinePolicies(m, 'github_ecr_push');
    if (!pols.length) return ['github_ecr_push has no inline policy'];
    for (const { name, doc } of pols) {
      for (const s of statements(doc)) {
        for (const a of s.actions ?? []) {
          if (a.includes('*')) v.push(`${name}: wildcard action ${a}`);
          if (!/^(ecr|kms):/.test(a)) v.push(`${name}: action ${a} outside ECR/KMS`);
          if (/^ecr:(Delete|Set|Put(Lifecycle|Registry|Replication)|BatchDelete)/.test(a)) v.push(`${name}: ${a} can change or delete repositories`);
        }
        const star = (s.resources ?? []).includes('*');
        if (star && JSON.stringify(s.actions) !== '["ecr:GetAuthorizationToken"]') v.push(`${name}: resource "*" only for ecr:GetAuthorizationToken`);
      }
    }
    return v;
  },

  // Issue 14: the deploy role reads the ECR image it verifies and deploys; inside
  // Kubernetes it is a plain group bound to a namespaced Role (no EKS access policy:
  // AmazonEKSEditPolicy does not cover Rollouts, AnalysisTemplates, ServiceMonitors).
  'deploy role: EKS describe + ECR read only, no wildcards; Kubernetes rights through a group, no access policy': (m) => {
    const v = [];
    const pols = inlinePolicies(m, 'github_deploy');
    if (!pols.length) return ['github_deploy has no inline policy'];
    const allowed = new Set(['eks:DescribeCluster', ...ECR_READ]);
    for (const { name, doc } of pols) {
      for (const s of statements(doc)) {
        if (s.effect && s.effect !== 'Allow') continue;
        for (const a of s.actions ?? []) {
          if (a.includes('*')) v.push(`${name}: wildcard action ${a}`);
          else if (!allowed.has(a)) v.push(`${name}: action ${a} outside EKS describe / ECR read`);
        }
        if ((s.resources ?? []).includes('*') && JSON.stringify(s.actions) !== '["ecr:GetAuthorizationToken"]') v.push(`${name}: resource "*" (only for ecr:GetAuthorizationToken)`);
        if (s.not_actions || s.not_resources) v.push(`${name}: NotAction/NotResource not allowed`);
      }
    }
    const entry = resources(m, 'aws_eks_access_entry').find(([, a]) => refName(a.principal_arn, 'aws_iam_role') === 'github_deploy');
    if (!entry) v.push('github_deploy needs an EKS access entry');
    else if (JSON.stringify(entry[1].kubernetes_groups) !== '["${var.deploy_kubernetes_group}"]') v.push('github_deploy access entry must map to kubernetes_groups = [var.deploy_kubernetes_group] (RBAC Role in deploy/k8s/cluster/deploy-rbac.yaml)');
    for (const [, a] of resources(m, 'aws_eks_access_policy_association').filter(([, x]) => refName(x.principal_arn, 'aws_iam_role') === 'github_deploy'))
      v.push(`github_deploy must get no EKS access policy (${a.policy_arn}): its RBAC Role lists exactly what it applies`);
    return v;
  },

  'Kyverno reads ECR through EKS Pod Identity: agent add-on, exact association, read-only role': (m) => {
    const v = [];
    const addons = Object.fromEntries(resources(m, 'aws_eks_addon').map(([, a]) => [a.addon_name, a]));
    if (!addons['eks-pod-identity-agent']) v.push('eks-pod-identity-agent add-on missing');
    const assoc = resources(m, 'aws_eks_pod_identity_association').find(([, a]) => a.namespace === '${var.kyverno_namespace}');
    if (!assoc) return [...v, 'no aws_eks_pod_identity_association for Kyverno'];
    const a = assoc[1];
    if (a.service_account !== '${var.kyverno_admission_service_account}') v.push('association must name the admission controller service account');
    const roleName = refName(a.role_arn, 'aws_iam_role');
    const role = resource(m, 'aws_iam_role', roleName);
    if (!role) return [...v, 'association role is not a role of this configuration'];
    for (const s of statements(policyDocFor(m, role.assume_role_policy))) {
      if (JSON.stringify(one(s.principals)?.identifiers) !== '["pods.eks.amazonaws.com"]') v.push(`${roleName}: trust must be pods.eks.amazonaws.com only`);
      const tags = (s.condition ?? []).filter((c) => c.test === 'StringEquals').map((c) => c.variable);
      for (const t of ['aws:RequestTag/eks-cluster-arn', 'aws:RequestTag/kubernetes-namespace', 'aws:RequestTag/kubernetes-service-account'])
        if (!tags.includes(t)) v.push(`${roleName}: trust must pin ${t}`);
    }
    const pols = inlinePolicies(m, roleName);
    if (!pols.length) v.push(`${roleName}: no inline policy`);
    for (const { name, doc } of pols) {
      for (const s of statements(doc)) {
        for (const act of s.actions ?? []) if (!ECR_READ.has(act) && act !== 'ecr:ListImages') v.push(`${name}: ${act} is not ECR read`);
        if ((s.resources ?? []).includes('*') && JSON.stringify(s.actions) !== '["ecr:GetAuthorizationToken"]') v.push(`${name}: resource "*" (only for ecr:GetAuthorizationToken)`);
        const repos = (s.resources ?? []).filter((r) => r !== '*').map((r) => refName(r, 'aws_ecr_repository')).sort();
        if (repos.length && JSON.stringify(repos) !== '["signatures","this"]') v.push(`${name}: must read the image and signatures repositories (got ${repos})`);
      }
    }
    if (resources(m, 'aws_iam_role_policy_attachment').some(([, x]) => refName(x.role, 'aws_iam_role') === roleName)) v.push(`${roleName}: no managed policies`);
    return v;
  },

  'EKS add-ons: VPC CNI enforces NetworkPolicy (overwrite on create), metrics-server for the HPA': (m) => {
    const v = [];
    const addons = Object.fromEntries(resources(m, 'aws_eks_addon').map(([, a]) => [a.addon_name, a]));
    const cni = addons['vpc-cni'];
    if (!cni) return ['vpc-cni add-on missing'];
    if (cni.resolve_conflicts_on_create !== 'OVERWRITE') v.push('vpc-cni: resolve_conflicts_on_create must be OVERWRITE (else the self-managed CNI config stays and NetworkPolicies are not enforced)');
    if (!/enableNetworkPolicy\W+true/.test(JSON.stringify(cni.configuration_values ?? ''))) v.push('vpc-cni: configuration_values must set enableNetworkPolicy = "true"');
    if (!addons['metrics-server']) v.push('metrics-server add-on missing (the HPA needs resource metrics)');
    return v;
  },

  'plan role: read-only verbs; the only writes are the state lock object': (m) => {
    const v = [];
    const pols = inlinePolicies(m, 'github_plan');
    if (!pols.length) return ['github_plan has no inline policy'];
    for (const { name, doc } of pols) {
      for (const s of statements(doc)) {
        for (const a of s.actions ?? []) {
          if (a === '*' || a.endsWith(':*')) v.push(`${name}: unrestricted action ${a}`);
          const verb = a.split(':')[1] ?? '';
          const readOnly = /^(Describe|Get|List)/.test(verb);
          const lockWrite = ['s3:PutObject', 's3:DeleteObject'].includes(a) && (s.resources ?? []).every((r) => r.endsWith('.tflock'));
          const stateKey = ['kms:Decrypt', 'kms:GenerateDataKey'].includes(a) && !(s.resources ?? []).includes('*');
          if (!readOnly && !lockWrite && !stateKey) v.push(`${name}: ${a} is not read-only`);
          if (a === 'secretsmanager:GetSecretValue' && (s.resources ?? []).includes('*')) v.push(`${name}: GetSecretValue on every secret`);
          if (a === 's3:GetObject' && (s.resources ?? []).includes('*')) v.push(`${name}: GetObject on every bucket`);
        }
      }
    }
    return v;
  },
};

export function evaluate(model) {
  return Object.entries(rules).map(([name, fn]) => {
    let violations;
    try {
      violations = fn(model);
    } catch (err) {
      violations = [`threw: ${err.stack ?? err}`];
    }
    return { name, violations };
  });
}
