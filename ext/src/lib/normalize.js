// Text normalization of the canonical row encoding (dataset/normalize.go):
// Unicode NFC, then every run of white space replaced by one ASCII space and
// white space at both ends dropped. "White space" is exactly the Unicode
// White_Space property, written out here as in Go because it is part of the
// format. It is not JavaScript's \s, which also matches U+FEFF.

// One character class, used in both the collapse and the check.
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const RUNS = new RegExp(`[${WS}]+`, 'g');
const EDGE = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');

/** Whether the code point c has the Unicode White_Space property. */
export function isWhiteSpace(c) {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85 || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/**
 * normalizeText returns s as it enters a row's canonical encoding. NFC and
 * the white space step commute (no White_Space character composes, and the
 * two with decompositions map to White_Space characters), as in Go.
 */
export function normalizeText(s) {
  if (typeof s !== 'string') throw new TypeError(`normalizeText: expected a string, got ${s === null ? 'null' : typeof s}`);
  return s.normalize('NFC').replace(EDGE, '').replace(RUNS, ' ');
}

/** Whether normalizeText(s) === s. */
export function isNormalized(s) { return normalizeText(s) === s; }
