#!/usr/bin/env node
// The oracle of tests/unit/afinn/parity_test.cc: runs sentiment@5.0.2 (node_modules) over a
// corpus and prints one JSON object per text on stdout:
//   {"text", "score", "comparative", "tokens", "words", "positive", "negative",
//    "calculation": [[word, score], ...]}
// preceded by one header line {"reference", "node", "unicode", "texts"}.
//
//   node reference_scores.mjs vectors <vectors.tsv>   every text of the shared VADER vectors
//   node reference_scores.mjs adversarial             the generated corpus below (deterministic)
//
// Exit status 2 means the environment is not the one the C++ side reproduces (wrong package
// version, or an assumption about JavaScript objects that no longer holds).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nodeModules = join(here, '..', '..', '..', 'node_modules');
const require = createRequire(join(nodeModules, 'noop.js'));

function fail(message) {
  process.stderr.write(`reference_scores: ${message}\n`);
  process.exit(2);
}

const meta = JSON.parse(readFileSync(join(nodeModules, 'sentiment', 'package.json'), 'utf8'));
if (meta.version !== '5.0.2') fail(`sentiment is ${meta.version}, expected 5.0.2`);
const Sentiment = require('sentiment');
const tokenize = require('sentiment/lib/tokenize');
const sentiment = new Sentiment();

// The negation rule reads negators[previousToken] from a plain object, so an inherited
// Object.prototype property whose name survives tokenisation acts as a negator. The C++ side
// (src/afinn/negation_rule.cc) hard-codes the one such name; check it is still the only one.
const inherited = Object.getOwnPropertyNames(Object.prototype).filter((name) => {
  const tokens = tokenize(name);
  return tokens.length === 1 && tokens[0] === name;
});
if (JSON.stringify(inherited) !== '["constructor"]') {
  fail(`inherited property names that are tokens: ${JSON.stringify(inherited)}`);
}

// ---- corpora --------------------------------------------------------------------------------

function vectorTexts(path) {
  const bytes = readFileSync(path);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const texts = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split('\t');
    // Same escapes as tests/unit/vader/reference_vectors_test.cc.
    const escaped = fields.slice(4).join('\t');
    texts.push(escaped.replace(/\\(.)/gs, (_, c) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c)));
  }
  return texts;
}

// mulberry32: small, fast, and the same sequence on every machine.
function randomSource(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n) => Math.floor(next() * n);
  return { next, below, pick: (items) => items[below(items.length)] };
}

const labels = Object.keys(require('sentiment/languages/en/labels.json'));
const emoji = Object.keys(require('sentiment/build/emoji.json'));
const negators = Object.keys(require('sentiment/languages/en/negators.json'));
const jsWhitespace = [];
for (let cp = 0; cp <= 0xffff; cp++) if (/\s/.test(String.fromCharCode(cp))) jsWhitespace.push(String.fromCharCode(cp));
const asciiPunctuation = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
// Whitespace elsewhere (Python, Unicode White_Space) but not to JavaScript's \s, and invisibles.
const notJsWhitespace = ['\u0085', '\u180e', '\u200b', '\u200c', '\u200d', '\u2060', '\u00ad', '\u0000', '\u001c', '\u001f'];
const unicodeLetters = [
  'İ', 'I', 'ı', 'i̇', 'K', 'Å', 'ẞ', 'ß', 'Σ', 'σ', 'ς', 'ΣΟΦΟΣ', 'ΌΣΟΣ', 'ΑΣ.Β', "ΑΣ'Β", 'Α\u0301Σ',
  'Ⓐ', 'Ⓛ', 'Ⓜ', 'Ⓩ', 'ⓐ', 'Ａ', 'ＧＯＯＤ', '𐐀', '𐐨', '𞤀', 'Ǆ', 'ǅ', 'ǆ', 'ﬁ', 'Ⅻ', 'ⅻ', 'Ω', 'Ω',
  'É', 'e\u0301', 'NAÏVE', 'NAI\u0308VE', 'naïve', 'Ğ', 'Ա', 'Ꭰ', 'ꭰ', 'Ⴀ', 'ᲀ', 'ȺȾ', 'Ɐ', 'ᵃ',
  'добро', 'ДОБРО', '好', '日本語', 'عربي', 'עברית', 'हिन्दी', '\u{1F600}', '\u{1F44D}\u{1F3FD}', '❤\uFE0F',
  '\u{1F1FA}\u{1F1F8}', '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}', '\uFFFD', '\uFFFF', '\u{10FFFF}', '\uE000',
];
const numbers = ['0', '1', '10', '3.5', '1,000', '-5', '+5', '5e3', '0x1F', '½', '٣', '²', '1st', '24/7', '100%'];
const tricky = [
  'constructor', 'Constructor', 'CONSTRUCTOR', '__proto__', 'proto', 'prototype', 'toString', 'tostring',
  'hasOwnProperty', 'hasownproperty', 'valueOf', 'valueof', '__defineGetter__', 'isprototypeof',
  'don’t', 'don\'t', 'dont', "can''t", "'good'", '"good"', '(good)', '[good]', '<good>', 'good-bad',
  'good/bad', 'good_bad', 'good.bad', 'good,bad', 'good@bad', 'good+bad', 'good|bad', 'good\\bad',
  '&amp;', '<b>good</b>', '%F0%9F%98%80', '\\u0041', 'Ã©', 'â€™', 'kind of', 'some kind', 'does not work',
];
const separators = [' ', '  ', '\n', '\r\n', '\t', '\t\t', ' \t', '\r', '\u00a0', ' \u00a0', '\u3000', '\ufeff', '\u2028'];

function randomCase(random, word) {
  const mode = random.below(4);
  if (mode === 0) return word;
  if (mode === 1) return word.toUpperCase();
  if (mode === 2) return word.charAt(0).toUpperCase() + word.slice(1);
  return [...word].map((c) => (random.below(2) ? c.toUpperCase() : c)).join('');
}

function randomPiece(random) {
  switch (random.below(12)) {
    case 0: case 1: case 2: return randomCase(random, random.pick(labels));
    case 3: return randomCase(random, random.pick(negators));
    case 4: return random.pick(emoji);
    case 5: return random.pick(asciiPunctuation).repeat(1 + random.below(3));
    case 6: return random.pick(jsWhitespace);
    case 7: return random.pick(notJsWhitespace);
    case 8: return random.pick(unicodeLetters);
    case 9: return random.pick(numbers);
    case 10: return random.pick(tricky);
    default: return randomCase(random, random.pick(['the', 'a', 'is', 'it', 'very', 'movie', 'I', 'was']));
  }
}

function randomText(random, pieces) {
  let text = '';
  for (let i = 0; i < pieces; i++) {
    text += randomPiece(random);
    // Mostly a separator between pieces, sometimes glued or a punctuation run.
    const glue = random.below(10);
    if (glue < 6) text += random.pick(separators);
    else if (glue < 8) text += random.pick(asciiPunctuation);
  }
  return text;
}

function* adversarialTexts() {
  const random = randomSource(20261213);
  // Edges of the tokenizer.
  yield* ['', ' ', '\n', '\t', '\t\t', '...', '!?', 'good', ' good ', '\tgood\t', 'good\tbad', 'good\t\tbad',
    'good \tbad', 'good\rbad', 'good\r\nbad', 'good\nbad', 'good\u00a0bad', 'good\u00a0\u00a0bad',
    'good\u0085bad', 'good\u200bbad', 'good.bad', 'good!!!', '!!!good', 'not good', 'not, good',
    'not. Good', 'not not good', 'not very good', 'good not', 'NOT GOOD', "don't like", "DON'T LOVE",
    'isnt bad', 'non toxic', 'constructor good', 'constructor bad', 'Constructor love', 'good good good',
    'Cats are stupid.', 'I love cats, but I am allergic to them.', 'NAÏVE', 'naive', 'Ⓐ Ⓛ Ⓜ', 'ⓐ', '😂 😭',
    'not 😂', 'not😂', '😂😂', '❤️', '❤', 'kind of', 'some kind', 'does not work', 'cant stand'];
  // Every table key alone, upper-cased, after a negator, glued to punctuation and to an emoji.
  for (const key of labels.concat(emoji)) {
    yield key;
    yield key.toUpperCase();
    yield `${random.pick(negators)} ${key}`;
    yield `${random.pick(asciiPunctuation)}${key}${random.pick(asciiPunctuation)}`;
    yield `${key}${random.pick(emoji)}`;
  }
  // Every tricky piece and Unicode sample with and without a scored neighbour.
  for (const piece of tricky.concat(unicodeLetters, numbers, notJsWhitespace, jsWhitespace)) {
    yield piece;
    yield `${piece} good`;
    yield `good${piece}bad`;
  }
  // Final sigma between every kind of neighbour.
  const sigmaNeighbours = ['Α', 'α', 'Ό', "'", '.', ':', '\u0301', '\u00ad', '\u200d', 'ᵃ', '1', ' ', '-', 'Σ', ''];
  for (const before of sigmaNeighbours) {
    for (const middle of sigmaNeighbours) {
      for (const after of sigmaNeighbours) yield `${before}${middle}Σ${after}${middle}`;
    }
  }
  // Random mixtures, short to long.
  for (let i = 0; i < 3000; i++) yield randomText(random, 1 + random.below(40));
  for (let i = 0; i < 20; i++) yield randomText(random, 2000 + random.below(8000));
  // Every code point (surrogates excluded), 512 to a text: lowercasing and classes exhaustively.
  let chunk = '';
  for (let cp = 0, n = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    chunk += String.fromCodePoint(cp);
    if (++n % 512 === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

// ---- output ---------------------------------------------------------------------------------

function analyze(text) {
  const result = sentiment.analyze(text);
  if (Object.is(result.comparative, -0)) fail('comparative -0 would not survive JSON');
  return {
    text,
    score: result.score,
    comparative: result.comparative,
    tokens: result.tokens,
    words: result.words,
    positive: result.positive,
    negative: result.negative,
    calculation: result.calculation.map((entry) => Object.entries(entry)[0]),
  };
}

const [mode, path] = process.argv.slice(2);
let texts;
if (mode === 'vectors' && path) texts = vectorTexts(path);
else if (mode === 'adversarial') texts = [...adversarialTexts()];
else fail('usage: reference_scores.mjs vectors <vectors.tsv> | adversarial');

const lines = [JSON.stringify({
  reference: `sentiment@${meta.version}`, node: process.version, unicode: process.versions.unicode, texts: texts.length,
})];
for (const text of texts) lines.push(JSON.stringify(analyze(text)));
process.stdout.write(lines.join('\n') + '\n');
