// Structural check of the Falco rules (no Falco binary exists for Debian 12):
// item shapes, priorities, balanced conditions, every smlapi_* macro/list
// defined, fields from known Falco field classes, and coverage of the four
// behaviours issue 8 asks for. The real `falco --validate` runs in the
// pipeline image (docs/deployment.md).
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { Checks, repoPath } from './lib/common.mjs';

// SMLAPI_FALCO_RULES lets a reviewer point the check at another file.
const FILE = process.env.SMLAPI_FALCO_RULES ?? repoPath('deploy', 'falco', 'secure-ml-api-rules.yaml');
const PRIORITIES = ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFORMATIONAL', 'INFO', 'DEBUG'];
const ITEM_KEYS = ['rule', 'macro', 'list', 'required_engine_version', 'required_plugin_versions'];
const FIELD_CLASSES = ['evt', 'proc', 'fd', 'container', 'k8s', 'user', 'group', 'thread', 'fs', 'fdlist', 'syslog'];
const OPERATORS = new Set(['and', 'or', 'not', 'in', 'intersects', 'pmatch', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'exists', 'bcontains', 'bstartswith']);

const checks = new Checks('falco');
let items = [];
checks.run('file parses as a YAML list', () => {
  items = YAML.parse(readFileSync(FILE, 'utf8'));
  return Array.isArray(items) && items.length ? [] : ['top level must be a non-empty list'];
});

const rules = items.filter((i) => i.rule);
const macros = new Map(items.filter((i) => i.macro).map((i) => [i.macro, i]));
const lists = new Map(items.filter((i) => i.list).map((i) => [i.list, i]));

checks.run('every item is exactly one of rule, macro, list, required_*_version', () =>
  items.flatMap((item, n) => {
    const kinds = ITEM_KEYS.filter((k) => k in item);
    return kinds.length === 1 ? [] : [`item ${n}: has ${kinds.join(', ') || 'none'} of ${ITEM_KEYS.join(', ')}`];
  }));

checks.run('rules have desc, condition, output, valid priority, tags', () =>
  rules.flatMap((r) => [
    ...['desc', 'condition', 'output'].filter((k) => typeof r[k] !== 'string' || !r[k].trim()).map((k) => `${r.rule}: ${k} missing`),
    ...(PRIORITIES.includes(String(r.priority).toUpperCase()) ? [] : [`${r.rule}: priority ${r.priority} invalid`]),
    ...(Array.isArray(r.tags) && r.tags.length ? [] : [`${r.rule}: tags missing`]),
    ...(/%container\.id/.test(r.output) && /%k8s\.pod\.name/.test(r.output) ? [] : [`${r.rule}: output must name the pod and container`]),
  ]));

checks.run('macros have conditions, lists have items; names unique', () => {
  const v = [];
  for (const m of macros.values()) if (typeof m.condition !== 'string') v.push(`macro ${m.macro}: condition missing`);
  for (const l of lists.values()) if (!Array.isArray(l.items) || !l.items.length) v.push(`list ${l.list}: items missing`);
  const names = items.map((i) => i.rule ?? i.macro ?? i.list).filter(Boolean);
  for (const n of new Set(names)) if (names.filter((x) => x === n).length > 1) v.push(`duplicate name ${n}`);
  return v;
});

const conditions = [...rules.map((r) => [`rule ${r.rule}`, r.condition]), ...[...macros.values()].map((m) => [`macro ${m.macro}`, m.condition])];
checks.run('conditions: balanced parentheses, defined macros/lists, known field classes', () => {
  const v = [];
  for (const [where, cond] of conditions) {
    let depth = 0;
    for (const ch of cond.replace(/"[^"]*"/g, '')) {
      depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
      if (depth < 0) break;
    }
    if (depth !== 0) v.push(`${where}: unbalanced parentheses`);
    for (const [, name] of cond.matchAll(/\b(smlapi_[a-z0-9_]+)\b/g))
      if (!macros.has(name) && !lists.has(name)) v.push(`${where}: ${name} is not defined in this file`);
    const bare = cond.replace(/"[^"]*"/g, ' ');
    for (const [, field] of bare.matchAll(/\b([a-z][a-z0-9_]*\.[a-z0-9_.]+)/g)) {
      if (/^\d/.test(field) || field.startsWith('/')) continue;
      if (!FIELD_CLASSES.includes(field.split('.')[0])) v.push(`${where}: unknown field ${field}`);
    }
    for (const [, word] of bare.matchAll(/(?:^|[\s(])([a-z_]+)\s+\(/g))
      if (!OPERATORS.has(word) && !macros.has(word) && !lists.has(word) && !/^(execve|execveat|open|openat|openat2|creat)$/.test(word)) v.push(`${where}: unexpected word before "(": ${word}`);
  }
  return v;
});

// Macros expanded textually so coverage checks see the full condition.
const expand = (cond, depth = 0) => (depth > 5 ? cond : cond.replace(/\b(smlapi_[a-z0-9_]+)\b/g, (n) => (macros.has(n) ? `(${expand(macros.get(n).condition, depth + 1)})` : n)));
checks.run('rules cover shells/processes, writes, outbound traffic, secret reads — for this container only', () => {
  const full = rules.map((r) => ({ name: r.rule, cond: expand(r.condition) }));
  const want = {
    'shell or unexpected process': (c) => /execve/.test(c) && /proc\.name/.test(c),
    'filesystem write': (c) => /evt\.is_open_write = true/.test(c),
    'outbound connection except DNS/Redis': (c) => /evt\.type = connect/.test(c) && /smlapi_allowed_ports/.test(c),
    'secret read by another process': (c) => /\/etc\/smlapi|smlapi_secret_dirs/.test(c) && /not proc\.name in \(smlapi_binaries\)/.test(c),
  };
  const v = Object.entries(want).filter(([, ok]) => !full.some((r) => ok(r.cond))).map(([what]) => `no rule for ${what}`);
  for (const r of full) if (!/k8s\.ns\.name = "secure-ml-api"/.test(r.cond)) v.push(`${r.name}: not scoped to the secure-ml-api container`);
  const ports = lists.get('smlapi_allowed_ports')?.items ?? [];
  if (JSON.stringify([...ports].sort()) !== JSON.stringify([53, 6379])) v.push(`smlapi_allowed_ports must be exactly [53, 6379], got ${ports}`);
  const secretDirs = lists.get('smlapi_secret_dirs')?.items ?? [];
  if (!secretDirs.includes('/etc/smlapi/keys')) v.push('signing key directory /etc/smlapi/keys must be watched');
  return v;
});

checks.run('watched secret paths match the Kubernetes mounts', () => {
  const rollout = readFileSync(repoPath('deploy', 'k8s', 'base', 'rollout.yaml'), 'utf8');
  const mounts = [...rollout.matchAll(/mountPath: (\/etc\/smlapi\/[a-z]+)/g)].map((m) => m[1]).sort();
  const watched = [...(lists.get('smlapi_secret_dirs')?.items ?? [])].sort();
  return JSON.stringify(mounts) === JSON.stringify(watched) ? [] : [`Secret mounts ${mounts} != watched ${watched}`];
});
checks.finish();
