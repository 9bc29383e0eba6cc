// Release-pipeline logic tests (issue 14): the real release workflow passes every rule of
// pipeline.mjs, the pre-issue-14 workflow fails each defect class, and each rule fires on a
// defect planted into the real workflow.
// Run: node tests/delivery/release-pipeline.test.mjs   (needs node_modules and kubectl)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { createRequire } from 'node:module';
import { repoPath, renderOverlay, findDoc, byKind, clone } from '../deploy/lib/common.mjs';
import { loadTerraform, terraformDir } from '../deploy/lib/terraform-model.mjs';
import { checkDependabot } from './policy.mjs';
import { ADMIN_LABEL } from '../deploy/lib/k8s-policy.mjs';
import {
  checkDeploySelector, canaryBudget, checkDriftPlan, checkPlaceholderGuard, checkRolloutWait, checkVerifiedIsDeployed,
} from './pipeline.mjs';

const hcl2json = createRequire(import.meta.url)('@cdktf/hcl2json');
const read = (...p) => readFileSync(repoPath(...p), 'utf8');
const release = YAML.parse(read('.github', 'workflows', 'release.yml'));
const before = YAML.parse(read('tests', 'delivery', 'fixtures', 'release-before-issue14.yml'));

const { model } = await loadTerraform();
const tfVariables = Object.fromEntries(Object.entries(model.variable ?? {}).map(([k, v]) => [k, v[0]?.default]));
const tfvarsFiles = {};
for (const f of readdirSync(terraformDir).filter((x) => x.endsWith('.tfvars'))) {
  tfvarsFiles[f] = await hcl2json.parse(f, readFileSync(join(terraformDir, f), 'utf8'));
}
const drift = { tfVariables, tfvarsFiles };
const prod = renderOverlay('prod');
const rolloutCtx = { rolloutName: 'secure-ml-api', budgetSeconds: canaryBudget(findDoc(prod, 'Rollout', 'secure-ml-api'), byKind(prod, 'AnalysisTemplate')) };

function flagged(violations, pattern) {
  assert.ok(violations.some((v) => pattern.test(v)), `expected a violation matching ${pattern}, got:\n  ${violations.join('\n  ') || '(none)'}`);
}
const deployStep = (wf, re) => wf.jobs.deploy.steps.find((s) => re.test(s.run ?? ''));

test('the canary budget is read from the rendered Rollout (3 x 5m pauses + 1m analysis delay)', () => {
  assert.equal(rolloutCtx.budgetSeconds, 16 * 60);
});

test('release.yml passes every pipeline rule', () => {
  assert.deepEqual(checkDriftPlan(release, drift), []);
  assert.deepEqual(checkRolloutWait(release, rolloutCtx), []);
  assert.deepEqual(checkVerifiedIsDeployed(release), []);
  assert.deepEqual(checkPlaceholderGuard(release), []);
  assert.deepEqual(checkDeploySelector(release, { adminLabel: ADMIN_LABEL }), []);
});

test('the pre-issue-14 release workflow fails each defect class', () => {
  flagged(checkDriftPlan(before, drift), /without -var-file or TF_VAR_/);
  flagged(checkDriftPlan(before, drift), /without -lockfile=readonly/);
  flagged(checkRolloutWait(before, rolloutCtx), /`kubectl wait` on a Rollout/);
  flagged(checkRolloutWait(before, rolloutCtx), /no `kubectl argo rollouts status`/);
  flagged(checkRolloutWait(before, rolloutCtx), /not aborted/);
  flagged(checkVerifiedIsDeployed(before), /registry \(newName\) is not set|verifies .* but deploys/);
  flagged(checkPlaceholderGuard(before), /job deploy: no placeholder guard/);
  flagged(checkPlaceholderGuard(before), /job infra-drift: no placeholder guard/);
});

test('planted: drift plan defects', () => {
  const noVars = clone(release);
  const plan = noVars.jobs['infra-drift'].steps.find((s) => /terraform plan/.test(s.run ?? ''));
  plan.run = plan.run.replace(' -var-file=prod.tfvars', '');
  flagged(checkDriftPlan(noVars, drift), /without -var-file/);
  const partial = { ...drift, tfvarsFiles: { 'prod.tfvars': { region: 'eu-west-1' } } };
  flagged(checkDriftPlan(release, partial), /cluster_admin_principal_arns has an empty default/);
  const missing = clone(release);
  const p2 = missing.jobs['infra-drift'].steps.find((s) => /terraform plan/.test(s.run ?? ''));
  p2.run = p2.run.replace('prod.tfvars', 'staging.tfvars');
  flagged(checkDriftPlan(missing, drift), /staging.tfvars is not committed/);
  const noExit = clone(release);
  const p3 = noExit.jobs['infra-drift'].steps.find((s) => /terraform plan/.test(s.run ?? ''));
  p3.run = p3.run.replace(' -detailed-exitcode', '');
  flagged(checkDriftPlan(noExit, drift), /without -detailed-exitcode/);
});

test('planted: rollout wait defects', () => {
  const short = clone(release);
  short.jobs.deploy.env.ROLLOUT_TIMEOUT = '15m';
  flagged(checkRolloutWait(short, rolloutCtx), /rollout timeout 900s must be >=/);
  const wait = clone(release);
  const s = deployStep(wait, /argo rollouts status/);
  s.run = 'kubectl -n "${APP_NAMESPACE}" wait rollout/secure-ml-api --for=jsonpath=\'{.status.phase}\'=Healthy --timeout=25m';
  flagged(checkRolloutWait(wait, rolloutCtx), /`kubectl wait`/);
  flagged(checkRolloutWait(wait, rolloutCtx), /not aborted/);
  const noAbort = clone(release);
  const s2 = deployStep(noAbort, /argo rollouts status/);
  s2.run = s2.run.replace(/kubectl argo rollouts abort[^\n]*\n/, '');
  flagged(checkRolloutWait(noAbort, rolloutCtx), /not aborted/);
  const jobShort = clone(release);
  jobShort.jobs.deploy['timeout-minutes'] = 20;
  flagged(checkRolloutWait(jobShort, rolloutCtx), /job timeout-minutes 20 must exceed/);
});

test('planted: verify one registry, deploy another; deploy a tag', () => {
  const ghcr = clone(release);
  ghcr.jobs.deploy.env.DEPLOY_IMAGE = '${{ needs.build.outputs.image }}@${{ needs.build.outputs.digest }}';
  flagged(checkVerifiedIsDeployed(ghcr), /verifies \$\{\{ needs.build.outputs.image \}\}@.* but deploys \$\{\{ vars.ECR_REPOSITORY_URL \}\}@/);
  const tag = clone(release);
  const s = deployStep(tag, /yq -i/);
  s.run = s.run.replace('.digest = strenv(DIGEST)', '.newTag = "sha-" + strenv(GITHUB_SHA)');
  flagged(checkVerifiedIsDeployed(tag), /sets an image tag/);
  flagged(checkVerifiedIsDeployed(tag), /digest is not set/);
  const otherDigest = clone(release);
  otherDigest.jobs.deploy.env.DIGEST = '${{ vars.PINNED_DIGEST }}';
  flagged(checkVerifiedIsDeployed(otherDigest), /DIGEST is not the build job's digest/);
  const noCompare = clone(release);
  const s3 = deployStep(noCompare, /yq -i/);
  s3.run = s3.run.replace(/if \[\[ "\$rendered"[\s\S]*?fi\n/, '');
  flagged(checkVerifiedIsDeployed(noCompare), /rendered image is not compared/);
});

test('planted: placeholder guard missing or late', () => {
  const none = clone(release);
  none.jobs.deploy.steps = none.jobs.deploy.steps.filter((s) => !/check-placeholders/.test(s.run ?? ''));
  flagged(checkPlaceholderGuard(none), /job deploy: no placeholder guard/);
  const late = clone(release);
  const steps = late.jobs.deploy.steps;
  const [g] = steps.splice(steps.findIndex((s) => /check-placeholders/.test(s.run ?? '')), 1);
  steps.push(g);
  flagged(checkPlaceholderGuard(late), /runs after the AWS credentials step/);
  const noTfvars = clone(release);
  const gd = noTfvars.jobs['infra-drift'].steps.find((s) => /check-placeholders/.test(s.run ?? ''));
  gd.run = gd.run.replace(' --tfvars', '');
  flagged(checkPlaceholderGuard(noTfvars), /must check prod.tfvars/);
});

test('dependabot also updates the Terraform providers (deploy/terraform)', () => {
  const config = YAML.parse(read('.github', 'dependabot.yml'));
  assert.deepEqual(checkDependabot(config), []);
  const without = clone(config);
  without.updates = without.updates.filter((u) => u['package-ecosystem'] !== 'terraform');
  flagged(checkDependabot(without), /terraform/);
});

test('planted: the deploy job applies admin-owned objects its Role does not cover', () => {
  flagged(checkDeploySelector(before, { adminLabel: ADMIN_LABEL }), /applies admin-owned objects/);
  const all = clone(release);
  const s = deployStep(all, /yq -i/);
  s.run = s.run.replace(' and .metadata.labels["secure-ml-api.io/applied-by"] != "cluster-admin"', '');
  flagged(checkDeploySelector(all, { adminLabel: ADMIN_LABEL }), /applies admin-owned objects/);
});
