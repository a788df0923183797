// Media types as the Go node reads them: Go's mime.ParseMediaType (which
// decides both the content_type column and whether a charset parameter is
// honoured), crawl's mediaType, and net/http's DetectContentType for
// responses without a Content-Type header. The browser's own MIME parsing
// differs in its error cases, so these follow Go. Strings here are byte
// strings of header values (headers are Latin-1 on the wire).

const TSPECIALS = '()<>@,;:\\"/[]?=';
function isTokenChar(c) { return c > 0x20 && c < 0x7f && !TSPECIALS.includes(String.fromCharCode(c)); }
function isTSpecial(c) { return c < 0x80 && TSPECIALS.includes(String.fromCharCode(c)); }

// unicode.IsSpace for the code units a header can hold.
function isSpace(c) { return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0; }
function trimLeftSpace(s) { let i = 0; while (i < s.length && isSpace(s.charCodeAt(i))) i++; return s.slice(i); }
function trimSpace(s) { let j = s.length; while (j > 0 && isSpace(s.charCodeAt(j - 1))) j--; return trimLeftSpace(s.slice(0, j)); }

function consumeToken(v) {
  let i = 0;
  while (i < v.length && isTokenChar(v.charCodeAt(i))) i++;
  return [v.slice(0, i), v.slice(i)];
}

function consumeValue(v) {
  if (v === '') return ['', ''];
  if (v[0] !== '"') return consumeToken(v);
  let buf = '';
  for (let i = 1; i < v.length; i++) {
    const r = v[i];
    if (r === '"') return [buf, v.slice(i + 1)];
    if (r === '\\' && i + 1 < v.length && isTSpecial(v.charCodeAt(i + 1))) { buf += v[i + 1]; i++; continue; }
    if (r === '\r' || r === '\n') return ['', v];
    buf += r;
  }
  return ['', v];
}

function consumeMediaParam(v) {
  let rest = trimLeftSpace(v);
  if (!rest.startsWith(';')) return ['', '', v];
  rest = trimLeftSpace(rest.slice(1));
  let param;
  [param, rest] = consumeToken(rest);
  param = param.toLowerCase();
  if (param === '') return ['', '', v];
  rest = trimLeftSpace(rest);
  if (!rest.startsWith('=')) return ['', '', v];
  rest = trimLeftSpace(rest.slice(1));
  const [value, rest2] = consumeValue(rest);
  if (value === '' && rest2 === rest) return ['', '', v];
  return [param, value, rest2];
}

function checkMediaType(s) {
  const [typ, r1] = consumeToken(s);
  if (typ === '') return false;
  if (r1 === '') return true;
  if (!r1.startsWith('/')) return false;
  const [sub, r2] = consumeToken(r1.slice(1));
  return sub !== '' && r2 === '';
}

function percentHexUnescape(s) {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

function decode2231(v) {
  const a = v.indexOf("'");
  if (a < 0) return null;
  const b = v.indexOf("'", a + 1);
  if (b < 0) return null;
  const cs = v.slice(0, a).toLowerCase();
  if (cs !== 'us-ascii' && cs !== 'utf-8') return null;
  const rest = v.slice(b + 1);
  if (/%(?![0-9a-fA-F]{2})/.test(rest)) return null;
  return percentHexUnescape(rest); // a byte string: Go keeps the bytes
}

/**
 * parseMediaType is Go's mime.ParseMediaType: [mediatype, params] or null
 * where Go returns an error. Keys are lower case; values are byte strings.
 */
export function parseMediaType(v) {
  const semi = v.indexOf(';');
  const base = semi < 0 ? v : v.slice(0, semi);
  const mediatype = trimSpace(base.toLowerCase());
  if (!checkMediaType(mediatype)) return null;
  const params = new Map();
  let cont = null;
  let rest = v.slice(base.length);
  while (rest.length > 0) {
    rest = trimLeftSpace(rest);
    if (rest.length === 0) break;
    const [key, value, r] = consumeMediaParam(rest);
    if (key === '') {
      if (trimSpace(r) === ';') break;
      return null;
    }
    let pmap = params;
    const star = key.indexOf('*');
    if (star >= 0) {
      cont ??= new Map();
      const bn = key.slice(0, star);
      if (!cont.has(bn)) cont.set(bn, new Map());
      pmap = cont.get(bn);
    }
    if (pmap.has(key) && pmap.get(key) !== value) return null;
    pmap.set(key, value);
    rest = r;
  }
  if (cont) {
    for (const [key, pieces] of cont) {
      if (pieces.has(key + '*')) {
        const d = decode2231(pieces.get(key + '*'));
        if (d !== null) params.set(key, d);
        continue;
      }
      let buf = '', valid = false;
      for (let n = 0; ; n++) {
        const simple = `${key}*${n}`;
        if (pieces.has(simple)) { valid = true; buf += pieces.get(simple); continue; }
        if (!pieces.has(simple + '*')) break;
        valid = true;
        const ev = pieces.get(simple + '*');
        if (n === 0) { const d = decode2231(ev); if (d !== null) buf += d; } else buf += percentHexUnescape(ev);
      }
      if (valid) params.set(key, buf);
    }
  }
  return [mediatype, params];
}

/**
 * mediaType is crawl's: the lower-case media type of a Content-Type value
 * without parameters, so that two servers spelling the charset differently
 * do not split replicas.
 */
export function mediaType(contentType) {
  const p = parseMediaType(contentType);
  if (p) return p[0];
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).toLowerCase().replace(/^[ \t\n\f\r]+|[ \t\n\f\r]+$/g, '');
}

/** contentKind sorts a media type: 'html' is extracted, 'text' becomes the text, 'other' gives no text. */
export function contentKind(mt) {
  if (mt === 'text/html' || mt === 'application/xhtml+xml') return 'html';
  if (mt.startsWith('text/')) return 'text';
  return 'other';
}

// --- net/http DetectContentType ------------------------------------------

const SNIFF_LEN = 512;
const bytesOf = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const isWS = (b) => b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x20;

function htmlSig(sig) {
  const h = bytesOf(sig);
  return (data, ws) => {
    const d = data.subarray(ws);
    if (d.length < h.length + 1) return '';
    for (let i = 0; i < h.length; i++) {
      let db = d[i];
      if (h[i] >= 0x41 && h[i] <= 0x5a) db &= 0xdf;
      if (h[i] !== db) return '';
    }
    const t = d[h.length];
    return t === 0x20 || t === 0x3e ? 'text/html; charset=utf-8' : '';
  };
}

function exactSig(sig, ct) {
  const s = bytesOf(sig);
  return (data) => (data.length >= s.length && s.every((b, i) => data[i] === b) ? ct : '');
}

function maskedSig(mask, pat, ct, skipWS = false) {
  const m = bytesOf(mask), p = bytesOf(pat);
  return (data, ws) => {
    const d = skipWS ? data.subarray(ws) : data;
    if (d.length < p.length) return '';
    for (let i = 0; i < p.length; i++) if ((d[i] & m[i]) !== p[i]) return '';
    return ct;
  };
}

function mp4Sig(data) {
  if (data.length < 12) return '';
  const box = ((data[0] << 24) >>> 0) + (data[1] << 16) + (data[2] << 8) + data[3];
  if (data.length < box || box % 4 !== 0) return '';
  if (String.fromCharCode(data[4], data[5], data[6], data[7]) !== 'ftyp') return '';
  for (let st = 8; st < box; st += 4) {
    if (st === 12) continue;
    if (data[st] === 0x6d && data[st + 1] === 0x70 && data[st + 2] === 0x34) return 'video/mp4';
  }
  return '';
}

function textSig(data, ws) {
  for (let i = ws; i < data.length; i++) {
    const b = data[i];
    if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) return '';
  }
  return 'text/plain; charset=utf-8';
}

const SIGS = [
  ...['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE', '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--'].map(htmlSig),
  maskedSig('\xff\xff\xff\xff\xff', '<?xml', 'text/xml; charset=utf-8', true),
  exactSig('%PDF-', 'application/pdf'),
  exactSig('%!PS-Adobe-', 'application/postscript'),
  maskedSig('\xff\xff\x00\x00', '\xfe\xff\x00\x00', 'text/plain; charset=utf-16be'),
  maskedSig('\xff\xff\x00\x00', '\xff\xfe\x00\x00', 'text/plain; charset=utf-16le'),
  maskedSig('\xff\xff\xff\x00', '\xef\xbb\xbf\x00', 'text/plain; charset=utf-8'),
  exactSig('\x00\x00\x01\x00', 'image/x-icon'),
  exactSig('\x00\x00\x02\x00', 'image/x-icon'),
  exactSig('BM', 'image/bmp'),
  exactSig('GIF87a', 'image/gif'),
  exactSig('GIF89a', 'image/gif'),
  maskedSig('\xff\xff\xff\xff\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff', 'RIFF\x00\x00\x00\x00WEBPVP', 'image/webp'),
  exactSig('\x89PNG\x0d\x0a\x1a\x0a', 'image/png'),
  exactSig('\xff\xd8\xff', 'image/jpeg'),
  maskedSig('\xff\xff\xff\xff\x00\x00\x00\x00\xff\xff\xff\xff', 'FORM\x00\x00\x00\x00AIFF', 'audio/aiff'),
  maskedSig('\xff\xff\xff', 'ID3', 'audio/mpeg'),
  maskedSig('\xff\xff\xff\xff\xff', 'OggS\x00', 'application/ogg'),
  maskedSig('\xff\xff\xff\xff\xff\xff\xff\xff', 'MThd\x00\x00\x00\x06', 'audio/midi'),
  maskedSig('\xff\xff\xff\xff\x00\x00\x00\x00\xff\xff\xff\xff', 'RIFF\x00\x00\x00\x00AVI ', 'video/avi'),
  maskedSig('\xff\xff\xff\xff\x00\x00\x00\x00\xff\xff\xff\xff', 'RIFF\x00\x00\x00\x00WAVE', 'audio/wave'),
  mp4Sig,
  exactSig('\x1a\x45\xdf\xa3', 'video/webm'),
  maskedSig('\x00'.repeat(34) + '\xff\xff', '\x00'.repeat(34) + 'LP', 'application/vnd.ms-fontobject'),
  exactSig('\x00\x01\x00\x00', 'font/ttf'),
  exactSig('OTTO', 'font/otf'),
  exactSig('ttcf', 'font/collection'),
  exactSig('wOFF', 'font/woff'),
  exactSig('wOF2', 'font/woff2'),
  exactSig('\x1f\x8b\x08', 'application/x-gzip'),
  exactSig('PK\x03\x04', 'application/zip'),
  exactSig('Rar!\x1a\x07\x00', 'application/x-rar-compressed'),
  exactSig('Rar!\x1a\x07\x01\x00', 'application/x-rar-compressed'),
  exactSig('\x00\x61\x73\x6d', 'application/wasm'),
  textSig,
];

/** detectContentType is Go's http.DetectContentType over the first 512 bytes. */
export function detectContentType(body) {
  const data = body.length > SNIFF_LEN ? body.subarray(0, SNIFF_LEN) : body;
  let ws = 0;
  while (ws < data.length && isWS(data[ws])) ws++;
  for (const sig of SIGS) {
    const ct = sig(data, ws);
    if (ct) return ct;
  }
  return 'application/octet-stream';
}
