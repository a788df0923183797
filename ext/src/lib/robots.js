// robots.txt as the Go node reads it (crawl/robots.go): RFC 9309 groups for
// the agent MeadowBot (its own groups merged, else those for "*"), longest
// match wins with allow winning a tie, '*' and a final '$' in patterns,
// paths compared after the same percent-encoding normalization, and the
// group's Crawl-delay (the largest given). Only the first 512 KiB is read.

export const ROBOTS_TOKEN = 'MeadowBot';
export const MAX_ROBOTS_BYTES = 512 << 10;
const MAX_DELAY_MS = 24 * 3600 * 1000;

const HEX = '0123456789ABCDEF';
const isHex = (c) => /[0-9a-fA-F]/.test(c);
const isUnreserved = (v) => (v >= 0x61 && v <= 0x7a) || (v >= 0x41 && v <= 0x5a) || (v >= 0x30 && v <= 0x39) || v === 0x2d || v === 0x2e || v === 0x5f || v === 0x7e;

function utf8ByteString(s) {
  const b = new TextEncoder().encode(s);
  let out = '';
  for (const x of b) out += String.fromCharCode(x);
  return out;
}

// Go's strings.TrimSpace on a byte string (one char per byte): ASCII white
// space and the UTF-8 encodings of the other Unicode spaces.
const SPACE_SEQ = /^(?:[\t\n\v\f\r ]|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80)+/;
const SPACE_SEQ_END = /(?:[\t\n\v\f\r ]|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80)+$/;
function trimSpace(s) { return s.replace(SPACE_SEQ, '').replace(SPACE_SEQ_END, ''); }

/**
 * normalizePath: bytes outside printable ASCII percent-encoded, unreserved
 * escapes decoded, other escapes upper-cased. s is a byte string.
 */
function normalizePath(s) {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length && isHex(s[i + 1]) && isHex(s[i + 2])) {
      const v = parseInt(s.slice(i + 1, i + 3), 16);
      out += isUnreserved(v) ? String.fromCharCode(v) : '%' + HEX[v >> 4] + HEX[v & 15];
      i += 2;
    } else if (c <= 0x20 || c >= 0x7f || c === 0x25) {
      out += '%' + HEX[c >> 4] + HEX[c & 15];
    } else out += s[i];
  }
  return out;
}

function normalizePattern(p) {
  const anchored = p.endsWith('$');
  if (anchored) p = p.slice(0, -1);
  p = p.split('*').map(normalizePath).join('*');
  return anchored ? p + '$' : p;
}

function matchPattern(pattern, path) {
  const anchored = pattern.endsWith('$');
  if (anchored) pattern = pattern.slice(0, -1);
  const segs = pattern.split('*');
  if (!path.startsWith(segs[0])) return false;
  let pos = segs[0].length;
  if (segs.length === 1) return !anchored || pos === path.length;
  for (const s of segs.slice(1, -1)) {
    const i = path.indexOf(s, pos);
    if (i < 0) return false;
    pos = i + s.length;
  }
  const last = segs[segs.length - 1];
  if (anchored) return path.length - pos >= last.length && path.endsWith(last);
  return path.indexOf(last, pos) >= 0;
}

function parseDelay(v) {
  // Go's strconv.ParseFloat: decimal or hex floats, inf, nan; we accept the decimal forms robots.txt uses.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return null;
  const f = Number(v);
  if (!(f >= 0)) return null;
  if (f > MAX_DELAY_MS / 1000) return MAX_DELAY_MS;
  return Math.trunc(f * 1000 * 1e6) / 1e6; // ms, as Go's Duration keeps nanoseconds
}

/** Robots is a parsed robots.txt, reduced to the group that applies to one agent. */
export class Robots {
  constructor(rules = [], crawlDelayMs = 0) { this.rules = rules; this.crawlDelayMs = crawlDelayMs; }

  /** allowed reports whether the path (with query, as on the request line) may be fetched. */
  allowed(pathQuery) {
    const p = normalizePath(/[^\x00-\x7f]/.test(pathQuery) ? utf8ByteString(pathQuery) : pathQuery);
    if (p === '/robots.txt') return true;
    let best = -1, allow = true;
    for (const r of this.rules) {
      if (!matchPattern(r.pattern, p)) continue;
      const n = r.pattern.length;
      if (n > best || (n === best && r.allow)) { best = n; allow = r.allow; }
    }
    return allow;
  }
}

/** parseRobots parses a robots.txt body (a Uint8Array or a string) for agent. */
export function parseRobots(body, agent = ROBOTS_TOKEN) {
  let text;
  if (body instanceof Uint8Array) {
    // Bytes stay bytes, as in Go: one char per byte.
    const b = body.length > MAX_ROBOTS_BYTES ? body.subarray(0, MAX_ROBOTS_BYTES) : body;
    text = '';
    for (let i = 0; i < b.length; i += 8192) text += String.fromCharCode.apply(null, b.subarray(i, i + 8192));
  } else {
    text = utf8ByteString(body);
    if (text.length > MAX_ROBOTS_BYTES) text = text.slice(0, MAX_ROBOTS_BYTES);
  }
  if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
  agent = agent.toLowerCase();
  const groups = [];
  let cur = null, inAgents = false;
  for (let line of text.split(/\r|\n/)) {
    const h = line.indexOf('#');
    if (h >= 0) line = line.slice(0, h);
    const c = line.indexOf(':');
    if (c < 0) continue;
    const k = trimSpace(line.slice(0, c)).toLowerCase();
    const v = trimSpace(line.slice(c + 1));
    switch (k) {
      case 'user-agent': case 'useragent': case 'user agent': {
        if (!inAgents) { cur = { agents: [], rules: [], delay: 0, hasDelay: false }; groups.push(cur); }
        inAgents = true;
        let tok = v;
        const i = tok.search(/[ /\t]/);
        if (i >= 0) tok = tok.slice(0, i);
        cur.agents.push(tok.toLowerCase());
        break;
      }
      case 'allow': case 'disallow':
        inAgents = false;
        if (cur === null || v === '') break;
        cur.rules.push({ allow: k === 'allow', pattern: normalizePattern(v) });
        break;
      case 'crawl-delay': case 'crawldelay': case 'crawl delay': {
        inAgents = false;
        if (cur === null) break;
        const d = parseDelay(v);
        if (d !== null && (!cur.hasDelay || d > cur.delay)) { cur.delay = d; cur.hasDelay = true; }
        break;
      }
      default:
        if (k !== '') inAgents = false;
    }
  }
  const pick = (want) => {
    let r = null;
    for (const g of groups) {
      if (!g.agents.some(want)) continue;
      r ??= new Robots();
      r.rules.push(...g.rules);
      if (g.delay > r.crawlDelayMs) r.crawlDelayMs = g.delay;
    }
    return r;
  };
  return pick((a) => a === agent) || pick((a) => a === '*') || new Robots();
}
