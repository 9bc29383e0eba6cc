// Offline supply-chain policy tests for the CI/CD workflows, the Dockerfile and Dependabot.
// Run from anywhere: node tests/delivery/policy.test.mjs   (exit 77 = skipped: no `yaml`)
// Each rule is checked twice: the real files must comply, and a deliberately insecure
// fixture must be flagged, so a rule that silently stops matching fails here.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

let YAML;
try {
  YAML = createRequire(join(repo, 'package.json'))('yaml');
} catch {
  console.log('SKIP: npm package `yaml` not installed (run npm ci in the repository root)');
  process.exit(77);
}

const { test } = await import('node:test');
const assert = await import('node:assert/strict');
const { checkWorkflow, checkDockerfile, checkDependabot, EXPECTED_CERT_IDENTITY } = await import('./policy.mjs');

const read = (...parts) => readFileSync(join(...parts), 'utf8');
const workflowDir = join(repo, '.github', 'workflows');
const workflowFiles = readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f));

function expectFlagged(violations, pattern) {
  assert.ok(
    violations.some((v) => pattern.test(v)),
    `expected a violation matching ${pattern}, got:\n  ${violations.join('\n  ')}`,
  );
}

test('the repository has the expected workflows', () => {
  for (const name of ['ci.yml', 'codeql.yml', 'release.yml']) assert.ok(workflowFiles.includes(name), name);
});

for (const file of workflowFiles) {
  test(`workflow ${file} follows the hardening policy`, () => {
    const text = read(workflowDir, file);
    assert.deepEqual(checkWorkflow(YAML.parse(text), text), []);
  });
}

test('release.yml verifies signature, both SBOMs and provenance before deploying', () => {
  const text = read(workflowDir, 'release.yml');
  const workflow = YAML.parse(text);
  assert.equal(workflow.env.CERT_IDENTITY, EXPECTED_CERT_IDENTITY);
  const verifyScripts = workflow.jobs.verify.steps.map((s) => s.run ?? '').join('\n');
  assert.match(verifyScripts, /cosign verify "\$\{IMAGE_REF\}"/);
  assert.match(verifyScripts, /for type in spdxjson cyclonedx/);
  assert.match(verifyScripts, /--predicate-type https:\/\/slsa\.dev\/provenance\/v1/);
  const needs = [workflow.jobs.deploy.needs].flat();
  assert.ok(needs.includes('verify'), 'deploy must need verify');
  assert.ok(workflow.jobs['sign-attest'].needs === 'build');
});

test('release.yml separates the read-only plan role from the deploy role, each in an environment', () => {
  const workflow = YAML.parse(read(workflowDir, 'release.yml'));
  const roleOf = (job) =>
    job.steps.find((s) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@')).with['role-to-assume'];
  const plan = workflow.jobs['infra-drift'];
  const deploy = workflow.jobs.deploy;
  assert.equal(roleOf(plan), '${{ vars.AWS_PLAN_ROLE_ARN }}');
  assert.equal(roleOf(deploy), '${{ vars.AWS_DEPLOY_ROLE_ARN }}');
  assert.equal(plan.environment, 'production-plan');
  assert.equal(deploy.environment.name, 'production');
  assert.deepEqual(Object.keys(deploy.permissions).sort(), ['contents', 'id-token']);
});

test('an insecure workflow is flagged by every workflow rule', () => {
  const text = read(here, 'fixtures', 'insecure-workflow.yml');
  const violations = checkWorkflow(YAML.parse(text), text);
  for (const pattern of [
    /write-all/,
    /pull_request_target/,
    /reads secrets AWS_ACCESS_KEY_ID/,
    /no concurrency group/,
    /top-level permissions must be/,
    /job build: no permissions block/,
    /job build: no numeric timeout-minutes/,
    /container image not pinned by digest/,
    /not pinned to a full commit SHA: actions\/checkout@v4/,
    /lacks a '# vX.Y.Z' comment: actions\/setup-node/,
    /docker action not pinned by digest/,
    /checkout without persist-credentials/,
    /pipes a download into a shell/,
    /without 'sha256sum --check'/,
    /static AWS access keys/,
    /without role-to-assume/,
    /without id-token: write/,
    /identity given as a pattern/,
    /--certificate-identity must be exactly/,
    /--certificate-oidc-issuer must be exactly/,
    /--cert-identity must be exactly/,
  ]) {
    expectFlagged(violations, pattern);
  }
});

test('deploy/docker/Dockerfile follows the image policy', () => {
  assert.deepEqual(checkDockerfile(read(repo, 'deploy', 'docker', 'Dockerfile')), []);
});

test('the Dockerfile pins its Debian base by digest on a literal FROM line (Dependabot-visible)', () => {
  const text = read(repo, 'deploy', 'docker', 'Dockerfile');
  assert.match(text, /^FROM docker\.io\/library\/debian:bookworm-slim@sha256:[0-9a-f]{64} AS \S+$/m);
  assert.match(text, /^ARG BUILDER_IMAGE=\S+$/m);
});

test('an insecure Dockerfile is flagged by every Dockerfile rule', () => {
  const violations = checkDockerfile(read(here, 'fixtures', 'insecure.Dockerfile'));
  for (const pattern of [
    /FROM debian:latest is not pinned/,
    /FROM uses :latest/,
    /FROM python:3.11-slim is not pinned/,
    /ADD of a URL/,
    /RUN pipes a download into a shell/,
    /final stage is not FROM scratch/,
    /USER must be 65532:65532, got app/,
    /no exec-form HEALTHCHECK/,
    /no exec-form ENTRYPOINT/,
    /does not EXPOSE 8000/,
    /lacks label org.opencontainers.image.revision/,
    /final stage runs commands/,
  ]) {
    expectFlagged(violations, pattern);
  }
});

test('dependabot updates actions, the Docker base image and npm', () => {
  assert.deepEqual(checkDependabot(YAML.parse(read(repo, '.github', 'dependabot.yml'))), []);
  const violations = checkDependabot(YAML.parse(read(here, 'fixtures', 'insecure-dependabot.yml')));
  expectFlagged(violations, /github-actions/);
  expectFlagged(violations, /docker/);
});
