// Decoding a response body to text the way the Go node does
// (crawl/static.go decode, golang.org/x/net/html/charset DetermineEncoding):
// a BOM, then the Content-Type charset (when Go's mime parser accepts the
// header), then a <meta> charset in the first 1024 bytes, then UTF-8 if
// those 1024 bytes hold a non-ASCII byte and are valid UTF-8, else
// windows-1252. The decoders are the browser's (WHATWG, as Go's htmlindex
// is), with the few places Go's tables differ patched.

import { parseMediaType } from './mime.js';

const PRESCAN = 1024;

/** normLabel is what Go's htmlindex.Get does to a label before looking it up. */
function normLabel(label) { return label.replace(/^[\t\n\r\f ]+|[\t\n\r\f ]+$/g, '').toLowerCase(); }

/** lookup returns the WHATWG name of an encoding label, or null (TextDecoder knows the labels). */
export function lookup(label) {
  const l = normLabel(label);
  if (l === '') return null;
  try {
    return new TextDecoder(l).encoding;
  } catch {
    return null;
  }
}

function latin1(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

// fromMetaElement finds charset=… in a meta content value (already lower case).
function fromMetaElement(s) {
  for (;;) {
    const i = s.indexOf('charset');
    if (i < 0) return '';
    s = s.slice(i + 7).replace(/^[ \t\n\f\r]+/, '');
    if (!s.startsWith('=')) continue;
    s = s.slice(1).replace(/^[ \t\n\f\r]+/, '');
    if (s === '') return '';
    const q = s[0];
    if (q === '"' || q === "'") {
      const end = s.indexOf(q, 1);
      return end < 0 ? '' : s.slice(1, end);
    }
    const m = s.search(/[; \t\n\f\r]/);
    return m < 0 ? s : s.slice(0, m);
  }
}

const RAW_TAGS = new Set(['iframe', 'noembed', 'noframes', 'noscript', 'plaintext', 'script', 'style', 'textarea', 'title', 'xmp']);

// Attributes of a start tag beginning at s[i] (after the tag name), HTML
// tokenizer style; returns [attrs, index after '>'].
function readAttrs(s, i) {
  const attrs = [];
  const ws = (c) => c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r';
  while (i < s.length) {
    while (i < s.length && (ws(s[i]) || s[i] === '/')) i++;
    if (i >= s.length) break;
    if (s[i] === '>') return [attrs, i + 1];
    let name = s[i++];
    while (i < s.length && !ws(s[i]) && s[i] !== '/' && s[i] !== '>' && s[i] !== '=') name += s[i++];
    while (i < s.length && ws(s[i])) i++;
    let val = '';
    if (s[i] === '=') {
      i++;
      while (i < s.length && ws(s[i])) i++;
      const q = s[i];
      if (q === '"' || q === "'") {
        const end = s.indexOf(q, i + 1);
        if (end < 0) { val = s.slice(i + 1); i = s.length; } else { val = s.slice(i + 1, end); i = end + 1; }
      } else {
        while (i < s.length && !ws(s[i]) && s[i] !== '>') val += s[i++];
      }
    }
    attrs.push([name.toLowerCase(), val]);
  }
  return [attrs, s.length];
}

/** prescan finds a <meta> charset in the bytes, as Go's charset.prescan does; a WHATWG name or null. */
export function prescan(bytes) {
  const s = latin1(bytes);
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    if (lt < 0) return null;
    i = lt + 1;
    if (s.startsWith('!--', i)) {
      // A comment ends at --> or --!> ("<!-->" is an empty one); unclosed, it runs to the end.
      const re = /--!?>/g;
      re.lastIndex = i + 1;
      const r = re.exec(s);
      if (!r) return null;
      i = r.index + r[0].length;
      continue;
    }
    if (s[i] === '!' || s[i] === '?') { const gt = s.indexOf('>', i); if (gt < 0) return null; i = gt + 1; continue; }
    if (s[i] === '/') { const gt = s.indexOf('>', i); if (gt < 0) return null; i = gt + 1; continue; }
    if (!/[A-Za-z]/.test(s[i] || '')) continue;
    let j = i;
    while (j < s.length && !/[\s/>]/.test(s[j])) j++;
    const tag = s.slice(i, j).toLowerCase();
    const [attrs, next] = readAttrs(s, j);
    i = next;
    if (RAW_TAGS.has(tag)) {
      if (tag === 'plaintext') return null;
      const end = s.toLowerCase().indexOf('</' + tag, i);
      if (end < 0) return null;
      i = end;
      continue;
    }
    if (tag !== 'meta') continue;
    const seen = new Set();
    let gotPragma = false, need = 0, name = null; // need: 0 don't know, 1 need pragma, 2 don't
    for (const [k, v0] of attrs) {
      if (seen.has(k)) continue;
      seen.add(k);
      const v = v0.replace(/[A-Z]/g, (c) => c.toLowerCase());
      if (k === 'http-equiv') { if (v === 'content-type') gotPragma = true; } else if (k === 'content') {
        if (name === null) {
          const n = fromMetaElement(v);
          if (n !== '') { name = lookup(n); if (name !== null) need = 1; }
        }
      } else if (k === 'charset') { name = lookup(v); need = 2; }
    }
    if (need === 0 || (need === 1 && !gotPragma)) continue;
    if (name !== null && name.startsWith('utf-16')) return 'utf-8';
    if (name !== null) return name;
  }
  return null;
}

function validUTF8(b) {
  try { new TextDecoder('utf-8', { fatal: true }).decode(b); return true; } catch { return false; }
}

/** determineEncoding returns the WHATWG name of the encoding Go would decode body with. */
export function determineEncoding(body, contentType) {
  let content = body.length > PRESCAN ? body.subarray(0, PRESCAN) : body;
  if (content[0] === 0xfe && content[1] === 0xff) return 'utf-16be';
  if (content[0] === 0xff && content[1] === 0xfe) return 'utf-16le';
  if (content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf) return 'utf-8';
  const mt = parseMediaType(contentType);
  if (mt && mt[1].has('charset')) {
    const n = lookup(mt[1].get('charset'));
    if (n !== null) return n;
  }
  if (content.length > 0) {
    const n = prescan(content);
    if (n !== null) return n;
  }
  // A partial rune at the end of the window does not count against UTF-8.
  for (let i = content.length - 1; i >= 0 && i > content.length - 4; i--) {
    const b = content[i];
    if (b < 0x80) break;
    if ((b & 0xc0) !== 0x80) { content = content.subarray(0, i); break; }
  }
  const high = content.some((b) => b >= 0x80);
  if (high && validUTF8(content)) return 'utf-8';
  return 'windows-1252';
}

/** InvalidTextError is a body that cannot become valid text in the encoding Go would use. */
export class InvalidTextError extends Error {
  constructor(msg) { super(msg); this.name = 'InvalidTextError'; }
}

const SINGLE_BYTE = new Set(['ibm866', 'iso-8859-2', 'iso-8859-3', 'iso-8859-4', 'iso-8859-5', 'iso-8859-6', 'iso-8859-7', 'iso-8859-8',
  'iso-8859-8-i', 'iso-8859-10', 'iso-8859-13', 'iso-8859-14', 'iso-8859-15', 'iso-8859-16', 'koi8-r', 'koi8-u', 'macintosh', 'windows-874',
  'windows-1250', 'windows-1251', 'windows-1252', 'windows-1253', 'windows-1254', 'windows-1255', 'windows-1256', 'windows-1257',
  'windows-1258', 'x-mac-cyrillic']);

// Where Go's x/text tables differ from the WHATWG indexes beyond C1 controls.
const PATCH = { 'koi8-u': { 0xae: 0x045e, 0xbe: 0x040e } };

/**
 * decodeBody returns the body as text, as crawl's decode does: UTF-8 with
 * its BOM removed (an InvalidTextError when it is not valid UTF-8), or the determined encoding's decoder. In single-byte
 * encodings a byte the WHATWG index maps to its own C1 control (undefined
 * there) is U+FFFD, as in Go's tables.
 */
export function decodeBody(body, contentType) {
  const name = determineEncoding(body, contentType);
  if (name === 'utf-8') {
    // Go keeps invalid bytes, and the row encoder then refuses the row; the
    // browser would write U+FFFD instead. Refusing here keeps the two alike.
    const start = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
    try {
      return new TextDecoder('utf-8', { ignoreBOM: true, fatal: true }).decode(body.subarray(start));
    } catch {
      throw new InvalidTextError('the body is not valid UTF-8, the encoding it declares or was detected as');
    }
  }
  let text;
  try {
    text = new TextDecoder(name, { ignoreBOM: true }).decode(body);
  } catch {
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
  }
  if (SINGLE_BYTE.has(name) && text.length === body.length) {
    const patch = PATCH[name] || {};
    let out = '';
    for (let i = 0; i < body.length; i++) {
      const b = body[i];
      const c = text.charCodeAt(i);
      if (patch[b] !== undefined) out += String.fromCharCode(patch[b]);
      else if (b >= 0x80 && b <= 0x9f && c === b) out += '\ufffd';
      else out += text[i];
    }
    return out;
  }
  return text;
}
