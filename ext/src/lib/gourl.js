// Go's net/url, as far as the crawler uses it, so that the extension writes
// the same URL strings as the Go node: url.Parse, (*URL).Parse (RFC 3986
// reference resolution) and (*URL).String. crawl/extract.go makes href and
// src attributes absolute with these, and a node's final_url is Go's
// rendering of the URL it ended at. The WHATWG URL parser of the browser
// differs in places (it adds a "/" path, drops default ports, lowercases
// hosts, percent-encodes query bytes), so it cannot be used for those
// columns. Behaviour is checked against Go by ext/test/gourl.test.mjs with
// vectors ext/test/gen writes.
//
// Go works on bytes; so does this: strings are held as "byte strings" (one
// char per UTF-8 byte) inside, and turned back into text at the edges.

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

function toBytes(s) {
  const b = enc.encode(s);
  let out = '';
  for (let i = 0; i < b.length; i += 4096) out += String.fromCharCode.apply(null, b.subarray(i, i + 4096));
  return out;
}

function fromBytes(s) {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return dec.decode(b);
}

// Encoding modes, as in Go.
const PATH = 1, PATH_SEGMENT = 2, HOST = 3, ZONE = 4, USER_PASSWORD = 5, QUERY_COMPONENT = 6, FRAGMENT = 7;

function isAlnum(c) { return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57); }
function isHexC(c) { return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70); }
function unhexC(c) { return c <= 57 ? c - 48 : (c | 32) - 87; }

/** shouldEscape reports whether byte c must be escaped in the given mode (Go's table). */
function shouldEscape(c, mode) {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === HOST || mode === ZONE) && "!$&'()*+,;=:[]<>\"".includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case PATH: return ch === '?';
      case PATH_SEGMENT: return ch === '/' || ch === ';' || ch === ',' || ch === '?';
      case USER_PASSWORD: return ch === '@' || ch === '/' || ch === '?' || ch === ':';
      case QUERY_COMPONENT: return true;
      case FRAGMENT: return false;
    }
  }
  if (mode === FRAGMENT && '!()*'.includes(ch)) return false;
  return true;
}

class URLError extends Error {
  constructor(msg) { super(msg); this.name = 'URLError'; }
}

function unescape(s, mode) {
  let n = 0, hasPlus = false;
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    if (c === 37) { // %
      n++;
      if (i + 2 >= s.length || !isHexC(s.charCodeAt(i + 1)) || !isHexC(s.charCodeAt(i + 2))) throw new URLError('invalid URL escape');
      if (mode === HOST && unhexC(s.charCodeAt(i + 1)) < 8 && s.slice(i, i + 3) !== '%25') throw new URLError('invalid URL escape');
      if (mode === ZONE) {
        const v = (unhexC(s.charCodeAt(i + 1)) << 4) | unhexC(s.charCodeAt(i + 2));
        if (s.slice(i, i + 3) !== '%25' && v !== 32 && shouldEscape(v, HOST)) throw new URLError('invalid URL escape');
      }
      i += 3;
    } else if (c === 43) { // +
      hasPlus = mode === QUERY_COMPONENT;
      i++;
    } else {
      if ((mode === HOST || mode === ZONE) && c < 0x80 && shouldEscape(c, mode)) throw new URLError('invalid character in host name');
      i++;
    }
  }
  if (n === 0 && !hasPlus) return s;
  let t = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) { t += String.fromCharCode((unhexC(s.charCodeAt(i + 1)) << 4) | unhexC(s.charCodeAt(i + 2))); i += 2; } else if (c === 43) t += mode === QUERY_COMPONENT ? ' ' : '+';
    else t += s[i];
  }
  return t;
}

const UPPERHEX = '0123456789ABCDEF';
function escape(s, mode) {
  let t = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 && mode === QUERY_COMPONENT) t += '+';
    else if (shouldEscape(c, mode)) t += '%' + UPPERHEX[c >> 4] + UPPERHEX[c & 15];
    else t += s[i];
  }
  return t;
}

function validEncoded(s, mode) {
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if ("!$&'()*+,;=:@[]%".includes(ch)) continue;
    if (shouldEscape(s.charCodeAt(i), mode)) return false;
  }
  return true;
}

function validOptionalPort(port) {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  for (let i = 1; i < port.length; i++) if (port[i] < '0' || port[i] > '9') return false;
  return true;
}

function validUserinfo(s) {
  for (const ch of s) {
    if (isAlnum(ch.charCodeAt(0)) && ch.length === 1 && ch.charCodeAt(0) < 128) continue;
    if ("-._:~!$&'()*+,;=%@".includes(ch)) continue;
    return false;
  }
  return true;
}

// IPv6 text as Go's netip.ParseAddr accepts it (brackets need IPv6; an
// IPv4 tail such as ::ffff:1.2.3.4 is allowed, a zone after %).
function validIPv6(s) {
  const z = s.indexOf('%');
  if (z >= 0) { if (z === s.length - 1) return false; s = s.slice(0, z); }
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return false;
  const groups = (part) => (part === '' ? [] : part.split(':'));
  const all = dbl >= 0 ? groups(s.slice(0, dbl)).concat(groups(s.slice(dbl + 2))) : groups(s);
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i];
    if (i === all.length - 1 && g.includes('.')) { if (!isIPv4(g)) return false; count += 2; continue; }
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
    count++;
  }
  return dbl >= 0 ? count < 8 : count === 8;
}

function isIPv4(s) {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255 && !(p.length > 1 && p[0] === '0'));
}

function parseHost(scheme, host) {
  const open = host.lastIndexOf('[');
  if (open > 0) throw new URLError('invalid IP-literal');
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new URLError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new URLError('invalid port after host');
    const uPort = unescape(colonPort, HOST);
    const hostname = host.slice(1, close);
    let uHost;
    const zi = hostname.indexOf('%25');
    if (zi >= 0) uHost = unescape(hostname.slice(0, zi), HOST) + unescape(hostname.slice(zi), ZONE);
    else uHost = unescape(hostname, HOST);
    if (isIPv4(uHost)) throw new URLError('invalid IP-literal');
    if (!validIPv6(uHost)) throw new URLError('invalid host');
    return '[' + uHost + ']' + uPort;
  }
  let i = host.indexOf(':');
  if (i !== -1) {
    const last = host.lastIndexOf(':');
    if (last !== i && scheme !== 'http' && scheme !== 'https') i = last;
    if (!validOptionalPort(host.slice(i))) throw new URLError('invalid port after host');
  }
  return unescape(host, HOST);
}

/** GoURL is a parsed URL with Go's fields; strings are byte strings. */
export class GoURL {
  constructor() {
    this.scheme = ''; this.opaque = ''; this.user = null; this.host = ''; this.path = ''; this.rawPath = '';
    this.omitHost = false; this.forceQuery = false; this.rawQuery = ''; this.fragment = ''; this.rawFragment = '';
  }

  clone() { const u = Object.assign(new GoURL(), this); return u; }

  setPath(p) {
    const path = unescape(p, PATH);
    this.path = path;
    this.rawPath = escape(path, PATH) === p ? '' : p;
  }

  setFragment(f) {
    const frag = unescape(f, FRAGMENT);
    this.fragment = frag;
    this.rawFragment = escape(frag, FRAGMENT) === f ? '' : f;
  }

  escapedPath() {
    if (this.rawPath !== '' && validEncoded(this.rawPath, PATH)) {
      try { if (unescape(this.rawPath, PATH) === this.path) return this.rawPath; } catch { /* fall through */ }
    }
    if (this.path === '*') return '*';
    return escape(this.path, PATH);
  }

  escapedFragment() {
    if (this.rawFragment !== '' && validEncoded(this.rawFragment, FRAGMENT)) {
      try { if (unescape(this.rawFragment, FRAGMENT) === this.fragment) return this.rawFragment; } catch { /* fall through */ }
    }
    return escape(this.fragment, FRAGMENT);
  }

  /** byteString is Go's (*URL).String(), as a byte string. */
  byteString() {
    let buf = '';
    if (this.scheme !== '') buf += this.scheme + ':';
    if (this.opaque !== '') buf += this.opaque;
    else {
      if (this.scheme !== '' || this.host !== '' || this.user !== null) {
        if (!(this.omitHost && this.host === '' && this.user === null)) {
          if (this.host !== '' || this.path !== '' || this.user !== null) buf += '//';
          if (this.user !== null) {
            buf += escape(this.user.username, USER_PASSWORD);
            if (this.user.password !== null) buf += ':' + escape(this.user.password, USER_PASSWORD);
            buf += '@';
          }
          if (this.host !== '') buf += escape(this.host, HOST);
        }
      }
      const path = this.escapedPath();
      if (path !== '' && path[0] !== '/' && this.host !== '') buf += '/';
      if (buf === '') {
        const seg = path.split('/')[0];
        if (seg.includes(':')) buf += './';
      }
      buf += path;
    }
    if (this.forceQuery || this.rawQuery !== '') buf += '?' + this.rawQuery;
    if (this.fragment !== '') buf += '#' + this.escapedFragment();
    return buf;
  }

  /** toString is Go's (*URL).String(). */
  toString() { return fromBytes(this.byteString()); }

  /** hostname is Go's (*URL).Hostname(), as text. */
  hostname() {
    const [h] = splitHostPort(this.host);
    return fromBytes(h);
  }

  port() { return fromBytes(splitHostPort(this.host)[1]); }

  /** requestURI is Go's (*URL).RequestURI(). */
  requestURI() {
    let result = this.opaque;
    if (result === '') {
      result = this.escapedPath();
      if (result === '') result = '/';
    } else if (result.startsWith('//')) result = this.scheme + ':' + result;
    if (this.forceQuery || this.rawQuery !== '') result += '?' + this.rawQuery;
    return fromBytes(result);
  }

  /** resolve is Go's (*URL).ResolveReference(ref). */
  resolve(ref) {
    const url = ref.clone();
    if (ref.scheme === '') url.scheme = this.scheme;
    if (ref.scheme !== '' || ref.host !== '' || ref.user !== null) {
      url.setPath(resolvePath(ref.escapedPath(), ''));
      return url;
    }
    if (ref.opaque !== '') { url.user = null; url.host = ''; url.path = ''; return url; }
    if (ref.path === '' && !ref.forceQuery && ref.rawQuery === '') {
      url.rawQuery = this.rawQuery;
      if (ref.fragment === '') { url.fragment = this.fragment; url.rawFragment = this.rawFragment; }
    }
    if (ref.path === '' && this.opaque !== '') {
      url.opaque = this.opaque; url.user = null; url.host = ''; url.path = '';
      return url;
    }
    url.host = this.host;
    url.user = this.user;
    url.setPath(resolvePath(this.escapedPath(), ref.escapedPath()));
    return url;
  }

  /** parse is Go's (*URL).Parse(ref): parse ref, then resolve it against this URL. */
  parse(ref) { return this.resolve(goParse(ref)); }
}

function splitHostPort(hostPort) {
  let host = hostPort, port = '';
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) { port = host.slice(colon + 1); host = host.slice(0, colon); }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, port];
}

function resolvePath(base, ref) {
  let full;
  if (ref === '') full = base;
  else if (ref[0] !== '/') full = base.slice(0, base.lastIndexOf('/') + 1) + ref;
  else full = ref;
  if (full === '') return '';
  let dst = '/';
  let first = true, elem = '';
  const parts = full.split('/');
  for (elem of parts) {
    if (elem === '.') { first = false; continue; }
    if (elem === '..') {
      const i = dst.slice(1).lastIndexOf('/');
      dst = i >= 0 ? dst.slice(0, i + 1) : dst.slice(0, 1);
      first = dst.length === 1;
    } else {
      if (!first) dst += '/';
      dst += elem;
      first = false;
    }
  }
  if (elem === '.' || elem === '..') dst += '/';
  if (dst.length > 1 && dst[1] === '/') return dst.slice(1);
  return dst;
}

function getScheme(raw) {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) continue;
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) { if (i === 0) return ['', raw]; continue; }
    if (c === 58) { if (i === 0) throw new URLError('missing protocol scheme'); return [raw.slice(0, i), raw.slice(i + 1)]; }
    return ['', raw];
  }
  return ['', raw];
}

function parseInner(raw) {
  for (let i = 0; i < raw.length; i++) {
    const b = raw.charCodeAt(i);
    if (b < 32 || b === 0x7f) throw new URLError('invalid control character in URL');
  }
  const url = new GoURL();
  if (raw === '*') { url.path = '*'; return url; }
  let rest;
  [url.scheme, rest] = getScheme(raw);
  url.scheme = url.scheme.toLowerCase();
  const q = rest.indexOf('?');
  if (rest.endsWith('?') && q === rest.length - 1) { url.forceQuery = true; rest = rest.slice(0, -1); } else if (q >= 0) { url.rawQuery = rest.slice(q + 1); rest = rest.slice(0, q); }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') { url.opaque = rest; return url; }
    const seg = rest.split('/')[0];
    if (seg.includes(':')) throw new URLError('first path segment in URL cannot contain colon');
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const i = authority.indexOf('/');
    if (i >= 0) { rest = authority.slice(i); authority = authority.slice(0, i); }
    const at = authority.lastIndexOf('@');
    url.host = parseHost(url.scheme, at < 0 ? authority : authority.slice(at + 1));
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!validUserinfo(userinfo)) throw new URLError('invalid userinfo');
      const c = userinfo.indexOf(':');
      if (c < 0) url.user = { username: unescape(userinfo, USER_PASSWORD), password: null };
      else url.user = { username: unescape(userinfo.slice(0, c), USER_PASSWORD), password: unescape(userinfo.slice(c + 1), USER_PASSWORD) };
    }
  } else if (url.scheme !== '' && rest.startsWith('/')) url.omitHost = true;
  url.setPath(rest);
  return url;
}

/** goParse is Go's url.Parse; it throws a URLError where Go returns an error. */
export function goParse(raw) {
  if (typeof raw !== 'string') throw new TypeError('goParse: expected a string');
  const s = toBytes(raw);
  const h = s.indexOf('#');
  const url = parseInner(h < 0 ? s : s.slice(0, h));
  if (h >= 0 && h + 1 < s.length) url.setFragment(s.slice(h + 1));
  return url;
}

/**
 * resolveGo is crawl/extract.go's resolve: ASCII white space trimmed from v,
 * then v made absolute against base (a GoURL); v itself (trimmed) when it
 * does not parse.
 */
export function resolveGo(base, v) {
  const t = v.replace(/^[ \t\n\f\r]+|[ \t\n\f\r]+$/g, '');
  if (!base) return t;
  try { return base.parse(t).toString(); } catch (e) { if (e instanceof URLError) return t; throw e; }
}

export { URLError };
