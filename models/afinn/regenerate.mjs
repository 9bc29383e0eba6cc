#!/usr/bin/env node
// Regenerates the AFINN model data committed next to this script from the pinned npm package
// sentiment@5.0.2 (no network). The files hold exactly what the package scores with:
//
//   afinn_165_words.tsv   languages/en/labels.json   word<TAB>score, the package's order
//   emoji_scores.tsv      build/emoji.json           emoji<TAB>score, the package's order
//   negators.txt          languages/en/negators.json one word a line
//
//   node models/afinn/regenerate.mjs [node_modules dir]   (default: <repo>/node_modules)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nodeModules = resolve(process.argv[2] ?? join(here, '..', '..', 'node_modules'));
const packageDir = join(nodeModules, 'sentiment');

function requireVersion(expected) {
  const meta = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  if (meta.version !== expected) throw new Error(`sentiment is ${meta.version}, expected ${expected}`);
}

// JSON.parse is how the package reads these files (require()), so a repeated key would keep
// its last value in the position of its first appearance; Object.entries() reproduces that.
function readJson(relative) {
  return JSON.parse(readFileSync(join(packageDir, relative), 'utf8'));
}

// The C++ side reads one entry per line split at the TAB, so neither may occur in a key;
// scores must be integers (AFINN's scale is -5..+5, the emoji scores are floor(5 * x)).
function scoreLines(table, source) {
  return Object.entries(table).map(([key, score]) => {
    if (key === '' || /[\t\n\r]/.test(key)) throw new Error(`${source}: unusable key ${JSON.stringify(key)}`);
    if (!Number.isInteger(score) || score < -5 || score > 5) {
      throw new Error(`${source}: ${JSON.stringify(key)} has score ${score}`);
    }
    return `${key}\t${score}\n`;
  }).join('');
}

// The scoring strategy only asks whether negators[previousToken] is truthy.
function negatorLines(table) {
  return Object.entries(table).map(([word, flag]) => {
    if (flag !== 1 || /[\t\n\r ]/.test(word)) throw new Error(`negators: unexpected ${word}: ${flag}`);
    return `${word}\n`;
  }).join('');
}

requireVersion('5.0.2');
const words = readJson('languages/en/labels.json');
const emoji = readJson('build/emoji.json');
// lib/language-processor.js does Object.assign(labels, emoji): an emoji would replace a word.
// None does in 5.0.2; the C++ model would apply the same precedence if one did.
const shared = Object.keys(emoji).filter((key) => Object.hasOwn(words, key));
if (shared.length) console.warn('keys in both tables (emoji wins):', shared);

writeFileSync(join(here, 'afinn_165_words.tsv'), scoreLines(words, 'labels.json'));
writeFileSync(join(here, 'emoji_scores.tsv'), scoreLines(emoji, 'emoji.json'));
writeFileSync(join(here, 'negators.txt'), negatorLines(readJson('languages/en/negators.json')));
console.log(`wrote ${Object.keys(words).length} words, ${Object.keys(emoji).length} emoji, negators in ${here}`);
