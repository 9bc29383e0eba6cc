// Unknown-field check. kubernetes-models' validate() accepts misspelled or
// invented fields (`spec.selectr` passes), which Kubernetes would silently drop
// (client-side) or reject (server-side strict validation). This walks each
// document along the TypeScript declarations shipped with the same packages and
// reports every key the type does not declare.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoPath } from './common.mjs';

const NODE_MODULES = repoPath('node_modules');
// Fields newer than the Kubernetes 1.27 schemas in kubernetes-models 5.1.
const NEWER_FIELDS = new Map([
  ['Container', new Set(['restartPolicy'])], // native sidecars, 1.28+
]);
const cache = new Map();

function resolveDts(fromFile, spec) {
  if (spec.startsWith('.')) return path.resolve(path.dirname(fromFile), spec.replace(/\.js$/, '.d.ts'));
  const parts = spec.split('/');
  const pkgLen = spec.startsWith('@') ? 2 : 1;
  const file = path.join(NODE_MODULES, ...parts.slice(0, pkgLen), ...parts.slice(pkgLen)) + '.d.ts';
  return existsSync(file) ? file : null;
}

// Returns { name, props: Map<key, {file, array}|null> } for the first
// interface declared in a .d.ts file, or null when the type is opaque.
function loadType(file) {
  if (cache.has(file)) return cache.get(file);
  let result = null;
  if (file && existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    const imports = new Map();
    for (const m of text.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";/gm))
      for (const name of m[1].split(',').map((s) => s.trim())) imports.set(name, m[2]);
    // The class declaration lists every property, inherited ones included.
    const iface = /^export declare class (\w+) extends [^{]+\{\n([\s\S]*?)\n\}/m.exec(text);
    if (iface) {
      const props = new Map();
      for (const p of iface[2].matchAll(/^ {4}"([^"]+)"\??: (.+?);?$/gm)) {
        const typeText = p[2];
        const arr = /^Array<(\w+)>$/.exec(typeText);
        const ref = arr ? arr[1] : /^\w+$/.test(typeText) ? typeText : null;
        const spec = ref && imports.get(ref);
        props.set(p[1], spec ? { file: resolveDts(file, spec), array: Boolean(arr) } : null);
      }
      result = { name: iface[1], props };
    }
  }
  cache.set(file, result);
  return result;
}

function walk(value, file, where, out) {
  const type = loadType(file);
  if (!type || value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const newer = NEWER_FIELDS.get(type.name) ?? new Set();
  for (const [key, child] of Object.entries(value)) {
    if (!type.props.has(key)) {
      if (!newer.has(key)) out.push(`${where}.${key}: unknown field (not in ${type.name})`);
      continue;
    }
    const ref = type.props.get(key);
    if (!ref?.file) continue;
    if (ref.array && Array.isArray(child)) child.forEach((c, i) => walk(c, ref.file, `${where}.${key}[${i}]`, out));
    else walk(child, ref.file, `${where}.${key}`, out);
  }
}

// modulePath: e.g. 'kubernetes-models/v1' (same table as the schema check).
export function unknownFields(doc, modulePath) {
  const file = resolveDts(path.join(NODE_MODULES, 'x'), `${modulePath}/${doc.kind}`);
  if (!file) return [`${doc.kind}: no type declarations under ${modulePath}`];
  const out = [];
  walk(doc, file, `${doc.kind}/${doc.metadata?.name}`, out);
  return out;
}
