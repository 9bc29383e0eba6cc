// The placeholder guard (deploy/check-placeholders.sh, run by release.yml before any AWS
// call) fails on this tree, whose account, ElastiCache host, hostnames, signatures
// repository and state key are examples, and passes on a copy with real-looking values;
// each planted placeholder in the copy or the job environment makes it fail again.
// Run: node tests/delivery/placeholders.test.mjs   (needs bash and kubectl)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { repoPath } from '../deploy/lib/common.mjs';

const script = repoPath('deploy', 'check-placeholders.sh');
const REAL = {
  ECR_REPOSITORY: '444455556666.dkr.ecr.eu-west-1.amazonaws.com/secure-ml-api',
  COSIGN_REPOSITORY: '444455556666.dkr.ecr.eu-west-1.amazonaws.com/secure-ml-api-signatures',
  EKS_CLUSTER: 'secure-ml-api-prod',
  ARGO_ROLLOUTS_SHA256: 'ab'.repeat(32),
};

function guard(root, args, env = {}) {
  try {
    const out = execFileSync('bash', [script, '--root', root, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
    return { code: 0, out };
  } catch (err) {
    return { code: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

const work = mkdtempSync(join(tmpdir(), 'smlapi-placeholders-'));
after(() => rmSync(work, { recursive: true, force: true }));
const copy = join(work, 'repo');
mkdirSync(join(copy, 'deploy', 'terraform'), { recursive: true });
for (const dir of ['k8s', 'observability']) cpSync(repoPath('deploy', dir), join(copy, 'deploy', dir), { recursive: true });
cpSync(repoPath('deploy', 'terraform', 'prod.tfvars'), join(copy, 'deploy', 'terraform', 'prod.tfvars'));
const realise = (text) => text
  .replaceAll('111122223333', '444455556666')
  .replaceAll('.abc123.', '.q7x2kd.')
  .replaceAll('example.com', 'secure-ml.acme.io')
  .replaceAll('00000000-0000-0000-0000-000000000000', '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60');
const files = [
  'deploy/k8s/overlays/prod/kustomization.yaml', 'deploy/k8s/cluster/kyverno-verify-images.yaml',
  'deploy/k8s/base/ingress.yaml', 'deploy/k8s/base/kustomization.yaml', 'deploy/terraform/prod.tfvars',
  'deploy/k8s/components/gateway-api/httproute.yaml',
];
for (const f of files) {
  try { writeFileSync(join(copy, f), realise(readFileSync(join(copy, f), 'utf8'))); } catch { /* optional file */ }
}

test('the committed tree still holds example values: the guard fails and names each', () => {
  const { code, out } = guard(repoPath(), ['--env', '--tfvars'], {});
  assert.equal(code, 1, out);
  for (const pattern of [/abc123/, /111122223333\.dkr\.ecr[^\n]*secure-ml-api@/, /secure-ml-api-signatures/, /api\.example\.com/,
    /ECR_REPOSITORY is empty/, /COSIGN_REPOSITORY is empty/, /prod\.tfvars:[^\n]*111122223333/, /prod\.tfvars:[^\n]*00000000-0000/]) {
    assert.match(out, pattern);
  }
});

test('real-looking values pass, for both deployable overlays', () => {
  for (const overlay of ['prod', 'prod-gateway']) {
    const { code, out } = guard(copy, ['--env', '--tfvars'], { ...REAL, DEPLOY_OVERLAY: overlay });
    assert.equal(code, 0, `${overlay}: ${out}`);
  }
  const gw = join(copy, 'deploy/k8s/components/gateway-api/httproute.yaml');
  const good = readFileSync(gw, 'utf8');
  writeFileSync(gw, good.replace('api.secure-ml.acme.io', 'api.example.com'));
  const { code, out } = guard(copy, [], { DEPLOY_OVERLAY: 'prod-gateway' });
  writeFileSync(gw, good);
  assert.equal(code, 1, out);
  assert.match(out, /prod-gateway renders an example value: - api\.example\.com/);
});

test('planted: each placeholder alone fails the guard', () => {
  const cases = [
    [{ ...REAL, ECR_REPOSITORY: '' }, /ECR_REPOSITORY is empty/],
    [{ ...REAL, ECR_REPOSITORY: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/secure-ml-api' }, /ECR_REPOSITORY is an example/],
    [{ ...REAL, ECR_REPOSITORY: '444455556666.dkr.ecr.eu-west-1.amazonaws.com/other' }, /!= prod overlay image/],
    [{ ...REAL, COSIGN_REPOSITORY: '444455556666.dkr.ecr.eu-west-1.amazonaws.com/secure-ml-api' }, /!= Kyverno signature repository/],
    [{ ...REAL, EKS_CLUSTER: '' }, /EKS_CLUSTER is empty/],
    [{ ...REAL, ARGO_ROLLOUTS_SHA256: '0'.repeat(64) }, /all-zero placeholder/],
  ];
  for (const [env, pattern] of cases) {
    const { code, out } = guard(copy, ['--env'], env);
    assert.equal(code, 1, `${pattern}: ${out}`);
    assert.match(out, pattern);
  }
  const overlay = join(copy, 'deploy/k8s/overlays/prod/kustomization.yaml');
  const good = readFileSync(overlay, 'utf8');
  writeFileSync(overlay, good.replace('.q7x2kd.', '.abc123.'));
  const { code, out } = guard(copy, [], {});
  writeFileSync(overlay, good);
  assert.equal(code, 1, out);
  assert.match(out, /SMLAPI_REDIS_HOST[^\n]*abc123/);
  const tfvars = join(copy, 'deploy/terraform/prod.tfvars');
  const goodVars = readFileSync(tfvars, 'utf8');
  writeFileSync(tfvars, goodVars.replace('444455556666:role', '111122223333:role'));
  const r2 = guard(copy, ['--tfvars'], {});
  writeFileSync(tfvars, goodVars);
  assert.equal(r2.code, 1, r2.out);
});
