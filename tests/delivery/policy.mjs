// Supply-chain policy for the delivery artefacts, as pure functions returning the list of
// violations (empty = compliant). Used by policy.test.mjs on the real files and on
// deliberately broken fixtures, so each rule is shown to fire.
//
// Workflows (.github/workflows/*.yml):
//   - every non-local `uses:` is pinned to a 40-hex commit SHA with a `# version` comment;
//     docker:// actions are pinned by @sha256 digest; job containers by digest too
//   - top-level `permissions` is `{}` or read-only; every job declares `permissions`;
//     `write-all` appears nowhere
//   - no pull_request_target; workflows that run on pull_request read no secrets
//   - every job has timeout-minutes; the workflow has a concurrency group
//   - every actions/checkout sets persist-credentials: false
//   - no `curl | sh`; a run step that downloads a file verifies it with `sha256sum --check`
//   - cosign / gh attestation verification uses the exact identity of this repository's
//     release workflow and GitHub's OIDC issuer: no regexp, no wildcard
//   - AWS access only through configure-aws-credentials with role-to-assume (OIDC), never
//     access keys; a job using it has id-token: write
// Dockerfile: digest-pinned bases, final stage FROM scratch, numeric USER 65532:65532,
// exec-form HEALTHCHECK / ENTRYPOINT, OCI labels, no ADD of URLs, no curl | sh.
// Dependabot: github-actions, docker (deploy/docker), npm and terraform (deploy/terraform) are all updated.

export const EXPECTED_CERT_IDENTITY =
  'https://github.com/${{ github.repository }}/.github/workflows/release.yml@${{ github.ref }}';
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

const SHA_PINNED_ACTION = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const DIGEST_PINNED_IMAGE = /@sha256:[0-9a-f]{64}$/;
const PIPE_TO_SHELL = /\b(curl|wget)\b[^\n]*\|\s*(sudo\s+)?(ba|z|da|k)?sh\b|\b(ba)?sh\s+<\(\s*(curl|wget)\b/;
const DOWNLOAD = /\b(curl|wget)\b/;
const CHECKSUM_VERIFIED = /sha256sum\s+(--check|-c)\b/;

function jobsOf(workflow) {
  return Object.entries(workflow?.jobs ?? {});
}

function stepsOf(job) {
  return Array.isArray(job?.steps) ? job.steps : [];
}

function triggersOf(workflow) {
  const on = workflow?.on;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on;
  return Object.keys(on ?? {});
}

// The source line of each `uses:` value, to find its trailing `# version` comment.
function usesLine(text, uses) {
  return text.split('\n').find((line) => line.includes(`uses: ${uses}`)) ?? '';
}

function checkUses(uses, where, text, out) {
  if (uses.startsWith('./')) return;
  if (uses.startsWith('docker://')) {
    if (!DIGEST_PINNED_IMAGE.test(uses)) out.push(`${where}: docker action not pinned by digest: ${uses}`);
    return;
  }
  if (!SHA_PINNED_ACTION.test(uses)) {
    out.push(`${where}: action not pinned to a full commit SHA: ${uses}`);
  } else if (!/#\s*v?\d/.test(usesLine(text, uses))) {
    out.push(`${where}: pinned action lacks a '# vX.Y.Z' comment: ${uses}`);
  }
}

function isReadOnlyPermissions(permissions) {
  if (permissions === 'read-all') return true;
  if (permissions === null || typeof permissions !== 'object') return false;
  return Object.values(permissions).every((level) => level === 'read' || level === 'none');
}

function checkPermissions(workflow, jobs, out) {
  if (!('permissions' in (workflow ?? {}))) {
    out.push('workflow: no top-level permissions (defaults may be write-all)');
  } else if (!isReadOnlyPermissions(workflow.permissions)) {
    out.push(`workflow: top-level permissions must be {} or read-only, got ${JSON.stringify(workflow.permissions)}`);
  }
  for (const [name, job] of jobs) {
    if (!('permissions' in job)) out.push(`job ${name}: no permissions block`);
  }
}

// Each cosign / gh attestation verify command (continuation lines joined).
function verifyCommands(script) {
  return script
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => /\bcosign\s+verify(-attestation)?\b|\bgh\s+attestation\s+verify\b/.test(line));
}

// The identity value a command passes, resolving "${VAR}"/"$VAR" through the job and
// workflow env (where the exact string must then be written literally).
function identityOf(command, flag, env) {
  const match = command.match(new RegExp(`${flag}[ =]("[^"]*"|'[^']*'|\\S+)`));
  if (!match) return undefined;
  const raw = match[1].replace(/^["']|["']$/g, '');
  const variable = raw.match(/^\$\{?([A-Z_][A-Z0-9_]*)\}?$/);
  return variable ? env[variable[1]] : raw;
}

function checkVerification(script, env, where, out) {
  for (const command of verifyCommands(script)) {
    const isGh = /\bgh\s+attestation\b/.test(command);
    const identityFlag = isGh ? '--cert-identity' : '--certificate-identity';
    const issuerFlag = isGh ? '--cert-oidc-issuer' : '--certificate-oidc-issuer';
    if (/identity-regexp|identity-regex\b|--signer-workflow/.test(command)) {
      out.push(`${where}: signer identity given as a pattern (must be exact): ${command.trim()}`);
    }
    const identity = identityOf(command, identityFlag, env);
    if (identity !== EXPECTED_CERT_IDENTITY) {
      out.push(`${where}: ${identityFlag} must be exactly ${EXPECTED_CERT_IDENTITY}, got ${identity}`);
    }
    const issuer = identityOf(command, issuerFlag, env);
    if (issuer !== GITHUB_OIDC_ISSUER) {
      out.push(`${where}: ${issuerFlag} must be exactly ${GITHUB_OIDC_ISSUER}, got ${issuer}`);
    }
  }
}

function checkRunScript(script, where, out) {
  if (PIPE_TO_SHELL.test(script)) out.push(`${where}: pipes a download into a shell`);
  if (DOWNLOAD.test(script) && !CHECKSUM_VERIFIED.test(script)) {
    out.push(`${where}: downloads with curl/wget without 'sha256sum --check'`);
  }
}

function checkStep(step, name, index, env, text, out) {
  const where = `job ${name} step ${step.name ?? step.uses ?? index + 1}`;
  if (typeof step.uses === 'string') {
    checkUses(step.uses, where, text, out);
    if (step.uses.startsWith('actions/checkout@') && step.with?.['persist-credentials'] !== false) {
      out.push(`${where}: actions/checkout without persist-credentials: false`);
    }
    if (step.uses.startsWith('aws-actions/configure-aws-credentials@')) {
      if (!step.with?.['role-to-assume']) out.push(`${where}: AWS credentials without role-to-assume (OIDC)`);
      if (step.with?.['aws-access-key-id'] || step.with?.['aws-secret-access-key']) {
        out.push(`${where}: static AWS access keys`);
      }
    }
  }
  if (typeof step.run === 'string') {
    checkRunScript(step.run, where, out);
    checkVerification(step.run, { ...env, ...(step.env ?? {}) }, where, out);
  }
}

function checkJob(name, job, workflow, text, out) {
  if (typeof job['timeout-minutes'] !== 'number') out.push(`job ${name}: no numeric timeout-minutes`);
  if (typeof job.uses === 'string') checkUses(job.uses, `job ${name}`, text, out);
  const image = typeof job.container === 'string' ? job.container : job.container?.image;
  if (image !== undefined && !DIGEST_PINNED_IMAGE.test(image)) {
    out.push(`job ${name}: container image not pinned by digest: ${image}`);
  }
  const env = { ...(workflow.env ?? {}), ...(job.env ?? {}) };
  const steps = stepsOf(job);
  steps.forEach((step, index) => checkStep(step, name, index, env, text, out));
  const usesAws = steps.some((step) => String(step.uses ?? '').startsWith('aws-actions/configure-aws-credentials@'));
  if (usesAws && job.permissions?.['id-token'] !== 'write') {
    out.push(`job ${name}: assumes an AWS role without id-token: write (OIDC)`);
  }
}

export function checkWorkflow(workflow, text) {
  const out = [];
  const jobs = jobsOf(workflow);
  const triggers = triggersOf(workflow);
  if (jobs.length === 0) out.push('workflow: no jobs');
  if (/\bwrite-all\b/.test(text)) out.push('workflow: uses write-all');
  if (triggers.includes('pull_request_target')) out.push('workflow: pull_request_target runs fork code with secrets');
  if (triggers.includes('pull_request')) {
    const secrets = [...text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]).filter((s) => s !== 'GITHUB_TOKEN');
    if (secrets.length > 0) out.push(`workflow: runs on pull_request but reads secrets ${secrets.join(', ')}`);
  }
  if (!workflow?.concurrency && !jobs.every(([, job]) => job.concurrency)) out.push('workflow: no concurrency group');
  checkPermissions(workflow, jobs, out);
  for (const [name, job] of jobs) checkJob(name, job, workflow, text, out);
  return out;
}

// --- Dockerfile ----------------------------------------------------------------------------

// Instructions with continuation lines joined and comments dropped: [{keyword, args, line}].
export function parseDockerfile(text) {
  const instructions = [];
  let pending = null;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === null && (line === '' || line.startsWith('#'))) return;
    if (pending !== null && line.startsWith('#')) return;
    const body = line.endsWith('\\') ? line.slice(0, -1) : line;
    if (pending === null) pending = { text: body, line: index + 1 };
    else pending.text += ` ${body}`;
    if (!line.endsWith('\\')) {
      const [keyword, ...rest] = pending.text.trim().split(/\s+/);
      instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: pending.line });
      pending = null;
    }
  });
  return instructions;
}

function globalArgs(instructions) {
  const args = {};
  for (const { keyword, args: value } of instructions) {
    if (keyword === 'FROM') break;
    if (keyword === 'ARG') {
      const [name, ...def] = value.split('=');
      args[name.trim()] = def.join('=').trim();
    }
  }
  return args;
}

function checkFromLines(instructions, out) {
  const args = globalArgs(instructions);
  const stages = new Set();
  const froms = instructions.filter((i) => i.keyword === 'FROM');
  for (const from of froms) {
    const words = from.args.split(/\s+/).filter((w) => !w.startsWith('--platform'));
    let image = words[0];
    const variable = image.match(/^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/);
    if (variable) image = args[variable[1]] ?? '';
    const pinned = image === 'scratch' || stages.has(image) || DIGEST_PINNED_IMAGE.test(image);
    if (!pinned) out.push(`line ${from.line}: FROM ${words[0]} is not pinned by @sha256 digest`);
    if (/:latest(@|$)/.test(image)) out.push(`line ${from.line}: FROM uses :latest`);
    if (words[1]?.toUpperCase() === 'AS') stages.add(words[2]);
  }
  return froms;
}

function finalStage(instructions) {
  const start = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  return instructions.slice(start);
}

function checkFinalStage(stage, out) {
  const [from] = stage;
  if (!from || from.args.split(/\s+/)[0] !== 'scratch') out.push('final stage is not FROM scratch');
  const users = stage.filter((i) => i.keyword === 'USER');
  const user = users.at(-1)?.args;
  if (user !== '65532:65532') out.push(`final stage USER must be 65532:65532, got ${user}`);
  const healthcheck = stage.find((i) => i.keyword === 'HEALTHCHECK');
  if (!healthcheck || !/\bCMD\s+\[\s*"\/usr\/local\/bin\/secure-ml-api"\s*,\s*"healthcheck"\s*\]/.test(healthcheck.args)) {
    out.push('final stage has no exec-form HEALTHCHECK running "secure-ml-api healthcheck"');
  }
  const entrypoint = stage.find((i) => i.keyword === 'ENTRYPOINT');
  if (!entrypoint || !entrypoint.args.startsWith('[')) out.push('final stage has no exec-form ENTRYPOINT');
  if (!stage.some((i) => i.keyword === 'EXPOSE' && /\b8000\b/.test(i.args))) out.push('final stage does not EXPOSE 8000');
  const labels = stage.filter((i) => i.keyword === 'LABEL').map((i) => i.args).join(' ');
  for (const key of ['source', 'revision', 'version', 'licenses', 'created']) {
    if (!labels.includes(`org.opencontainers.image.${key}=`)) out.push(`final stage lacks label org.opencontainers.image.${key}`);
  }
  if (stage.some((i) => i.keyword === 'RUN')) out.push('final stage runs commands (FROM scratch has no shell)');
}

export function checkDockerfile(text) {
  const out = [];
  const instructions = parseDockerfile(text);
  if (checkFromLines(instructions, out).length < 2) out.push('not a multi-stage build');
  for (const { keyword, args, line } of instructions) {
    if (keyword === 'ADD' && /https?:\/\//.test(args)) out.push(`line ${line}: ADD of a URL (unverified download)`);
    if (keyword === 'RUN' && PIPE_TO_SHELL.test(args)) out.push(`line ${line}: RUN pipes a download into a shell`);
    if (keyword === 'MAINTAINER') out.push(`line ${line}: deprecated MAINTAINER`);
  }
  checkFinalStage(finalStage(instructions), out);
  return out;
}

// --- Dependabot ----------------------------------------------------------------------------

export function checkDependabot(config) {
  const out = [];
  if (config?.version !== 2) out.push('dependabot: version must be 2');
  const updates = Array.isArray(config?.updates) ? config.updates : [];
  const has = (ecosystem, directory) =>
    updates.some((u) => u['package-ecosystem'] === ecosystem && u.directory === directory && u.schedule?.interval);
  if (!has('github-actions', '/')) out.push('dependabot: github-actions (/) not updated');
  if (!has('docker', '/deploy/docker')) out.push('dependabot: docker (/deploy/docker) not updated');
  if (!has('npm', '/')) out.push('dependabot: npm (/) not updated');
  if (!has('terraform', '/deploy/terraform')) out.push('dependabot: terraform (/deploy/terraform) not updated');
  return out;
}
