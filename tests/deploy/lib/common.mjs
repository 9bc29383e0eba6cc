// Shared helpers for the offline deployment checks: repository paths, tool
// lookup (exit 77 = CTest SKIP when an optional tool is missing), kustomize
// rendering, and a small check runner that prints one line per check.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const SKIP = 77;
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const repoPath = (...parts) => path.join(repoRoot, ...parts);

export function hasTool(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function requireTool(name, { optional = false } = {}) {
  if (hasTool(name)) return;
  if (optional) {
    console.log(`SKIP: ${name} not found on PATH`);
    process.exit(SKIP);
  }
  console.error(`FAIL: required tool ${name} not found on PATH`);
  process.exit(1);
}

export function renderOverlay(overlay) {
  const dir = repoPath('deploy', 'k8s', 'overlays', overlay);
  if (!existsSync(dir)) throw new Error(`overlay not found: ${dir}`);
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 32 << 20 });
  return parseYamlDocs(out);
}

export function parseYamlDocs(text) {
  return YAML.parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(d.errors.map(String).join('\n'));
      return d.toJS();
    })
    .filter((d) => d != null);
}

// Runs named checks, each returning a list of violation strings.
export class Checks {
  constructor(title) {
    this.title = title;
    this.failed = 0;
    this.passed = 0;
  }
  run(name, fn) {
    let violations;
    try {
      violations = fn() ?? [];
    } catch (err) {
      violations = [`threw: ${err.stack ?? err}`];
    }
    if (violations.length === 0) {
      this.passed += 1;
      console.log(`ok   ${this.title}: ${name}`);
    } else {
      this.failed += 1;
      console.log(`FAIL ${this.title}: ${name}`);
      for (const v of violations) console.log(`       - ${v}`);
    }
  }
  finish() {
    console.log(`${this.title}: ${this.passed} passed, ${this.failed} failed`);
    process.exit(this.failed === 0 ? 0 : 1);
  }
}

export const byKind = (docs, kind) => docs.filter((d) => d.kind === kind);
export const findDoc = (docs, kind, name) => docs.find((d) => d.kind === kind && d.metadata?.name === name);
export const clone = (x) => structuredClone(x);
