// Release-pipeline logic, as pure functions over the parsed release workflow returning
// violations (empty = compliant). Issue 14: the delivery chain must be able to reach a
// real cluster. release-pipeline.test.mjs runs them on .github/workflows/release.yml,
// on the pre-issue-14 workflow (fixtures/release-before-issue14.yml) and on planted
// defects, so each rule is shown to fire.
//
//   drift      infra-drift plans with a committed -var-file that sets every variable whose
//              default is empty (else plan always reports changes, exit 2, and no release
//              reaches deploy), -detailed-exitcode, and init -lockfile=readonly
//   rollout    the deploy job waits with `kubectl argo rollouts status <name> --timeout T`
//              (follows the NEW revision) with T > the canary's pauses + analysis delay +
//              margin, aborts on failure, and never uses `kubectl wait` (times out on
//              every good canary, or passes at once on the previous revision's Healthy)
//   registry   the deploy job verifies exactly the reference it deploys: same registry,
//              same digest, never a tag
//   guard      a placeholder guard runs before the first AWS call of each AWS job
//              (and with --tfvars before terraform)

const MIN_MARGIN_SECONDS = 5 * 60;

export const jobRuns = (job) => (job?.steps ?? []).map((s) => s.run ?? '').join('\n');
const joinLines = (script) => script.replace(/\\\n\s*/g, ' ');

export function seconds(text) {
  const m = /^(\d+)(s|m|h)?$/.exec(String(text ?? '').trim());
  if (!m) return NaN;
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] ?? 's']);
}

// Resolves "${VAR}" / "$VAR" through env (one level; GitHub expressions stay literal).
export function resolve(text, env) {
  return String(text ?? '').replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (all, name) => (name in env ? String(env[name]) : all));
}

// --- drift check ----------------------------------------------------------------------------

// tfVariables: { name: defaultValue } from deploy/terraform; tfvarsFiles: { relativePath: parsedObject }.
export function checkDriftPlan(workflow, { tfVariables, tfvarsFiles }) {
  const out = [];
  const job = workflow?.jobs?.['infra-drift'];
  if (!job) return ['release: no infra-drift job'];
  const script = joinLines(jobRuns(job));
  const plan = script.split('\n').find((l) => /\bterraform\s+plan\b/.test(l));
  if (!plan) return ['infra-drift: no terraform plan'];
  if (!/-detailed-exitcode\b/.test(plan)) out.push('infra-drift: plan without -detailed-exitcode (drift would pass unnoticed)');
  const init = script.split('\n').find((l) => /\bterraform\s+init\b/.test(l)) ?? '';
  if (!/-lockfile=readonly|"\$\{lockfile\[@\]\}"/.test(init) || !/-lockfile=readonly/.test(script)) out.push('infra-drift: terraform init without -lockfile=readonly');
  const varFiles = [...plan.matchAll(/-var-file[= ]("?)([^\s"]+)\1/g)].map((m) => m[2]);
  const tfVarsEnv = Object.keys({ ...(workflow.env ?? {}), ...(job.env ?? {}) }).filter((k) => k.startsWith('TF_VAR_'));
  if (!varFiles.length && !tfVarsEnv.length) {
    out.push('infra-drift: terraform plan without -var-file or TF_VAR_* (plans on the defaults: always drift, exit 2)');
    return out;
  }
  const set = new Set(tfVarsEnv.map((k) => k.slice('TF_VAR_'.length)));
  for (const file of varFiles) {
    const parsed = tfvarsFiles[file];
    if (!parsed) { out.push(`infra-drift: var file ${file} is not committed under deploy/terraform`); continue; }
    for (const key of Object.keys(parsed)) {
      if (!(key in tfVariables)) out.push(`infra-drift: ${file} sets undeclared variable ${key}`);
      set.add(key);
    }
  }
  const empty = (v) => v === '' || (Array.isArray(v) && v.length === 0);
  for (const [name, def] of Object.entries(tfVariables))
    if (empty(def) && !set.has(name)) out.push(`infra-drift: variable ${name} has an empty default and is not set for plan`);
  return out;
}

// --- rollout wait ---------------------------------------------------------------------------

// Sum of the canary's pause durations plus the analysis' longest initialDelay (seconds).
export function canaryBudget(rollout, analysisTemplates) {
  const steps = rollout?.spec?.strategy?.canary?.steps ?? [];
  const pauses = steps.reduce((sum, s) => sum + (s.pause ? seconds(s.pause.duration ?? 'Infinity') : 0), 0);
  const delays = analysisTemplates.flatMap((t) => (t.spec?.metrics ?? []).map((m) => seconds(m.initialDelay ?? '0')));
  return pauses + Math.max(0, ...delays);
}

export function checkRolloutWait(workflow, { rolloutName, budgetSeconds }) {
  const out = [];
  const job = workflow?.jobs?.deploy;
  if (!job) return ['release: no deploy job'];
  const env = { ...(workflow.env ?? {}), ...(job.env ?? {}) };
  const script = resolve(joinLines(jobRuns(job)), env);
  if (/\bkubectl\b[^\n]*\bwait\b/.test(script)) out.push('deploy: `kubectl wait` on a Rollout (times out on a good canary or passes on the old revision); use `kubectl argo rollouts status`');
  const status = script.split('\n').find((l) => /\bkubectl\s+argo\s+rollouts\s+status\b/.test(l));
  if (!status) {
    out.push('deploy: no `kubectl argo rollouts status` wait for the new revision');
  } else {
    const name = /\bstatus\s+"?([a-z0-9-]+)"?/.exec(status)?.[1];
    if (name !== rolloutName) out.push(`deploy: waits for rollout ${name}, not ${rolloutName}`);
    const timeout = seconds(/--timeout[= ]"?([0-9]+[smh]?)"?/.exec(status)?.[1]);
    if (!(timeout >= budgetSeconds + MIN_MARGIN_SECONDS))
      out.push(`deploy: rollout timeout ${timeout}s must be >= canary pauses + analysis delay ${budgetSeconds}s + ${MIN_MARGIN_SECONDS}s margin`);
    if (!(job['timeout-minutes'] * 60 > timeout)) out.push(`deploy: job timeout-minutes ${job['timeout-minutes']} must exceed the rollout timeout`);
  }
  if (!/\bkubectl\s+argo\s+rollouts\s+abort\b/.test(script)) out.push('deploy: a failed or timed-out rollout is not aborted (`kubectl argo rollouts abort`)');
  return out;
}

// --- verify what is deployed ----------------------------------------------------------------

const verifiedRefs = (script) =>
  joinLines(script).split('\n')
    .map((l) => /\bcosign\s+verify(?:-attestation)?\s+("[^"]+"|\S+)/.exec(l)?.[1]?.replace(/^"|"$/g, ''))
    .filter(Boolean);

export function checkVerifiedIsDeployed(workflow) {
  const out = [];
  const job = workflow?.jobs?.deploy;
  if (!job) return ['release: no deploy job'];
  const env = { ...(workflow.env ?? {}), ...(job.env ?? {}) };
  // Two rounds: DEPLOY_IMAGE may itself name other variables.
  const full = (text) => resolve(resolve(text, env), env);
  const script = jobRuns(job);
  const verified = verifiedRefs(script).map(full);
  if (!verified.length) out.push('deploy: does not verify the image it deploys (cosign verify)');
  const edit = /yq -i '([^']*)'\s+deploy\/k8s\/overlays\/prod\/kustomization\.yaml/.exec(joinLines(script))?.[1];
  if (!edit) return [...out, 'deploy: does not set the image of the prod overlay'];
  if (/newTag|:sha-|:latest/.test(edit)) out.push('deploy: sets an image tag; deploy by digest only');
  const newName = /\.newName\s*=\s*strenv\(([A-Z_]+)\)/.exec(edit)?.[1];
  const digest = /\.digest\s*=\s*strenv\(([A-Z_]+)\)/.exec(edit)?.[1];
  if (!digest) out.push('deploy: the overlay digest is not set from the build digest');
  if (!newName) out.push('deploy: the overlay registry (newName) is not set by the pipeline: what is verified may not be what is deployed');
  if (digest && newName) {
    const deployed = full(`${env[newName]}@${env[digest]}`);
    if (!/\bneeds\.build\.outputs\.digest\b/.test(String(env[digest]))) out.push(`deploy: ${digest} is not the build job's digest`);
    for (const v of verified) if (v !== deployed) out.push(`deploy: verifies ${v} but deploys ${deployed}`);
    if (!/rendered[^\n]*!=[^\n]*DEPLOY_IMAGE|DEPLOY_IMAGE[^\n]*!=[^\n]*rendered/.test(script)) out.push('deploy: the rendered image is not compared with the verified reference before apply');
  }
  return out;
}

// --- placeholder guard ----------------------------------------------------------------------

export function checkPlaceholderGuard(workflow) {
  const out = [];
  const guard = (s) => /\bdeploy\/check-placeholders\.sh\b/.test(s.run ?? '');
  const awsStep = (s) => String(s.uses ?? '').startsWith('aws-actions/configure-aws-credentials@');
  for (const [name, job] of Object.entries(workflow?.jobs ?? {})) {
    const steps = job.steps ?? [];
    const firstAws = steps.findIndex(awsStep);
    if (firstAws < 0) continue;
    const g = steps.findIndex(guard);
    if (g < 0) out.push(`job ${name}: no placeholder guard (deploy/check-placeholders.sh) before AWS`);
    else if (g > firstAws) out.push(`job ${name}: placeholder guard runs after the AWS credentials step`);
    if (name === 'deploy' && g >= 0 && !/--env\b/.test(steps[g].run)) out.push('job deploy: placeholder guard must check the repository variables (--env)');
    if (name === 'infra-drift' && g >= 0 && !/--tfvars\b/.test(steps[g].run)) out.push('job infra-drift: placeholder guard must check prod.tfvars (--tfvars)');
  }
  if (!workflow?.jobs?.deploy) out.push('release: no deploy job');
  return out;
}

// --- what the deploy role applies -----------------------------------------------------------

// The deploy job must apply the app namespace minus the admin-owned objects: the same
// set tests/deploy/lib/k8s-policy.mjs (deploySet) checks the deploy Role against.
export function checkDeploySelector(workflow, { adminLabel }) {
  const job = workflow?.jobs?.deploy;
  const apply = joinLines(jobRuns(job)).split('\n').find((l) => /\bkubectl\s+apply\b/.test(l)) ?? '';
  const script = joinLines(jobRuns(job));
  const out = [];
  if (!/kubectl apply --server-side/.test(script)) out.push('deploy: kubectl apply must be server-side');
  if (!script.includes('.metadata.namespace == strenv(APP_NAMESPACE)')) out.push('deploy: applies objects outside the app namespace');
  if (!script.includes(`.metadata.labels["${adminLabel}"] != "cluster-admin"`)) out.push(`deploy: applies admin-owned objects (label ${adminLabel}=cluster-admin): the deploy Role does not cover them`);
  if (!apply) out.push('deploy: no kubectl apply');
  return out;
}
