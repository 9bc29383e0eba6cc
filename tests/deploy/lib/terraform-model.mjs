// Parses every .tf file under deploy/terraform with @cdktf/hcl2json and merges
// them into one object: { resource, data, variable, output, terraform, locals }.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { repoPath } from './common.mjs';

const require = createRequire(import.meta.url);
const hcl2json = require('@cdktf/hcl2json');

export const terraformDir = repoPath('deploy', 'terraform');

export function terraformFiles() {
  return readdirSync(terraformDir).filter((f) => f.endsWith('.tf')).sort();
}

function mergeInto(target, source) {
  for (const [key, value] of Object.entries(source)) {
    if (Array.isArray(value)) target[key] = [...(target[key] ?? []), ...value];
    else if (value && typeof value === 'object') mergeInto((target[key] ??= {}), value);
    else target[key] = value;
  }
}

// Returns { model, errors }: a file that does not parse is an error, not a throw.
export async function loadTerraform() {
  const model = {};
  const errors = [];
  for (const file of terraformFiles()) {
    try {
      const json = await hcl2json.parse(file, readFileSync(`${terraformDir}/${file}`, 'utf8'));
      mergeInto(model, json);
    } catch (err) {
      errors.push(`${file}: ${err.message ?? err}`);
    }
  }
  return { model, errors };
}

// hcl2json yields each block as [ {...} ]; resources as { type: { name: [ {...} ] } }.
export const one = (blocks) => (Array.isArray(blocks) ? blocks[0] : blocks);
export const resource = (model, type, name) => one(model.resource?.[type]?.[name]);
export const resources = (model, type) =>
  Object.entries(model.resource?.[type] ?? {}).map(([name, blocks]) => [name, one(blocks)]);
export const dataBlock = (model, type, name) => one(model.data?.[type]?.[name]);
export const variableDefault = (model, name) => one(model.variable?.[name])?.default;
