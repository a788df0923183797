// The URL safety policy (crawl/safety.go), for the browser. A home user's
// extension fetches only http and https URLs on the web's usual ports whose
// host is public: no loopback, private, link-local, CGNAT, multicast,
// documentation or cloud metadata addresses, and no names that only mean
// something on a local network (localhost, *.local, single labels, …).
//
// The browser parses URLs itself (WHATWG), so numeric hosts such as
// 2130706433 or 0x7f.1 arrive here already as 127.0.0.1, and IPv6 hosts in
// brackets. What the browser does not let an extension do is check an
// address between DNS and the connection; it tells the address it connected
// to afterwards (webRequest's ip), and checkAddr judges that: a response
// from a non-public address is refused and thrown away.
//
// The allow-list exists only for tests against loopback sites: it is honoured
// only in a development build (see config.js), never in the one users get.

export const DEFAULT_PORTS = [80, 443, 8080, 8443];

/** Refusal is a URL or address the policy will not fetch; reason is an api.RefusalReason. */
export class Refusal extends Error {
  constructor(reason, detail) { super(`${reason}: ${detail}`); this.name = 'Refusal'; this.reason = reason; this.detail = detail; }
}

// --- addresses ------------------------------------------------------------

/** parseIPv4 reads dotted decimal a.b.c.d into 4 bytes, or null. */
export function parseIPv4(s) {
  const p = s.split('.');
  if (p.length !== 4) return null;
  const b = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p[i]) || Number(p[i]) > 255) return null;
    b[i] = Number(p[i]);
  }
  return b;
}

/** parseIPv6 reads IPv6 text (no brackets, no zone) into 16 bytes, or null. */
export function parseIPv6(s) {
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return null;
  const groups = (part) => (part === '' ? [] : part.split(':'));
  const head = dbl >= 0 ? groups(s.slice(0, dbl)) : groups(s);
  const tail = dbl >= 0 ? groups(s.slice(dbl + 2)) : [];
  const words = [];
  const take = (list, last) => {
    for (let i = 0; i < list.length; i++) {
      const g = list[i];
      if (last && i === list.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (!v4) return false;
        words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
      words.push(parseInt(g, 16));
    }
    return true;
  };
  if (!take(head, dbl < 0)) return null;
  const nHead = words.length;
  if (!take(tail, true)) return null;
  const nTail = words.length - nHead;
  if (dbl < 0 && words.length !== 8) return null;
  if (dbl >= 0 && words.length >= 8) return null;
  const full = [...words.slice(0, nHead), ...new Array(8 - nHead - nTail).fill(0), ...words.slice(nHead)];
  const b = new Uint8Array(16);
  full.forEach((w, i) => { b[2 * i] = w >> 8; b[2 * i + 1] = w & 255; });
  return b;
}

/** parseIP reads an IPv4 or IPv6 address (IPv6 may be in brackets) into 4 or 16 bytes, or null. */
export function parseIP(s) {
  if (typeof s !== 'string') return null;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.includes(':')) return s.includes('%') ? null : parseIPv6(s);
  return parseIPv4(s);
}

function prefix(cidr, name) {
  const [a, bits] = cidr.split('/');
  return { bytes: parseIP(a), bits: Number(bits), name };
}

function contains(p, ip) {
  if (p.bytes.length !== ip.length) return false;
  let bits = p.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip[i] & mask) !== (p.bytes[i] & mask)) return false;
  }
  return true;
}

const NON_PUBLIC_4 = [
  ['0.0.0.0/8', 'in 0.0.0.0/8 (this network)'], ['10.0.0.0/8', 'private (10.0.0.0/8)'],
  ['100.100.100.200/32', 'a cloud metadata address (Alibaba)'], ['100.64.0.0/10', 'shared address space (CGNAT, 100.64.0.0/10)'],
  ['127.0.0.0/8', 'loopback (127.0.0.0/8)'], ['169.254.169.254/32', 'the cloud metadata address (169.254.169.254)'],
  ['169.254.0.0/16', 'link-local (169.254.0.0/16)'], ['168.63.129.16/32', 'a cloud metadata address (Azure)'],
  ['172.16.0.0/12', 'private (172.16.0.0/12)'], ['192.0.0.0/24', 'IETF protocol assignments (192.0.0.0/24)'],
  ['192.0.2.0/24', 'documentation (192.0.2.0/24)'], ['192.88.99.0/24', '6to4 relay anycast (192.88.99.0/24)'],
  ['192.168.0.0/16', 'private (192.168.0.0/16)'], ['198.18.0.0/15', 'benchmarking (198.18.0.0/15)'],
  ['198.51.100.0/24', 'documentation (198.51.100.0/24)'], ['203.0.113.0/24', 'documentation (203.0.113.0/24)'],
  ['224.0.0.0/4', 'multicast (224.0.0.0/4)'], ['255.255.255.255/32', 'broadcast'], ['240.0.0.0/4', 'reserved (240.0.0.0/4)'],
].map(([c, n]) => prefix(c, n));

const NON_PUBLIC_6 = [
  ['::/128', 'unspecified (::)'], ['::1/128', 'loopback (::1)'], ['::ffff:0:0:0/96', 'IPv4-translated (::ffff:0:0:0/96)'],
  ['::/96', 'IPv4-compatible (::/96, deprecated)'], ['64:ff9b:1::/48', 'local-use NAT64 (64:ff9b:1::/48)'],
  ['100::/64', 'discard-only (100::/64)'], ['2001::/32', 'Teredo (2001::/32)'], ['2001::/23', 'IETF protocol assignments (2001::/23)'],
  ['2001:db8::/32', 'documentation (2001:db8::/32)'], ['3fff::/20', 'documentation (3fff::/20)'], ['5f00::/16', 'SRv6 SIDs (5f00::/16)'],
  ['fd00:ec2::254/128', 'the cloud metadata address (fd00:ec2::254)'], ['fc00::/7', 'unique local (fc00::/7)'],
  ['fe80::/10', 'link-local (fe80::/10)'], ['fec0::/10', 'site-local (fec0::/10, deprecated)'], ['ff00::/8', 'multicast (ff00::/8)'],
].map(([c, n]) => prefix(c, n));

const MAPPED = prefix('::ffff:0:0/96'), NAT64 = prefix('64:ff9b::/96'), SIX_TO_FOUR = prefix('2002::/16'), GLOBAL6 = prefix('2000::/3');

/** nonPublic returns why ip (4 or 16 bytes, or text) is not a public unicast address, or '' when it is. */
export function nonPublic(ip) {
  if (typeof ip === 'string') {
    const b = parseIP(ip);
    if (!b) return 'not a valid address';
    ip = b;
  }
  if (ip.length === 16 && contains(MAPPED, ip)) {
    const why = nonPublic(ip.subarray(12));
    return why ? 'IPv4-mapped ' + why : '';
  }
  if (ip.length === 4) {
    for (const p of NON_PUBLIC_4) if (contains(p, ip)) return p.name;
    return '';
  }
  for (const p of NON_PUBLIC_6) if (contains(p, ip)) return p.name;
  if (contains(NAT64, ip)) { const why = nonPublic(ip.subarray(12)); return why ? 'NAT64 of ' + why : ''; }
  if (contains(SIX_TO_FOUR, ip)) { const why = nonPublic(ip.subarray(2, 6)); return why ? '6to4 of ' + why : ''; }
  if (!contains(GLOBAL6, ip)) return 'reserved (outside 2000::/3)';
  return '';
}

/** parsePrefix reads a CIDR prefix such as 127.0.0.0/8 or ::1/128; throws a TypeError naming it. */
export function parsePrefix(s) {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(String(s).trim());
  const b = m && parseIP(m[1]);
  if (!b || Number(m[2]) > b.length * 8) throw new TypeError(`allow-list entry ${JSON.stringify(s)}: expected a CIDR prefix such as 127.0.0.0/8`);
  return { bytes: b, bits: Number(m[2]), name: s };
}

// --- names and URLs ---------------------------------------------------------

const LOCAL_SUFFIXES = ['localhost', 'local', 'home.arpa', 'internal', 'lan', 'home', 'corp', 'intranet', 'private',
  'localdomain', 'test', 'example', 'invalid', 'onion', 'fritz.box'];

function localName(name) {
  if (name === '') return 'empty';
  if (!name.includes('.')) return 'a single-label name (resolved by the local network)';
  for (const s of LOCAL_SUFFIXES) if (name === s || name.endsWith('.' + s)) return `a local or reserved name (.${s})`;
  return '';
}

/**
 * Policy decides which URLs and addresses may be fetched. allowList (CIDR
 * prefixes) lets non-public addresses through on any port; only a
 * development build passes one. ports null allows every port on public
 * addresses (an object store's presigned URL, whose endpoint the
 * coordinators name: S3-compatible stores often listen on 9000).
 */
export class Policy {
  constructor({ allowList = [], ports = DEFAULT_PORTS } = {}) {
    this.allowList = allowList.map((p) => (typeof p === 'string' ? parsePrefix(p) : p));
    this.ports = ports;
  }

  /** checkAddr throws a Refusal unless ip (text or bytes) on port may be connected to. */
  checkAddr(ip, port) {
    const b = typeof ip === 'string' ? parseIP(ip) : ip;
    if (!b) throw new Refusal('unsafe_address', `${ip} is not a valid address`);
    const plain = b.length === 16 && contains(MAPPED, b) ? b.subarray(12) : b;
    for (const p of this.allowList) if (contains(p, plain)) return;
    const why = nonPublic(b);
    if (why) throw new Refusal('unsafe_address', `${ip} is ${why}`);
    this.checkPort(port);
  }

  /** allowedLiteral says whether host is an IP literal inside the allow-list (development builds only). */
  allowedLiteral(host) {
    if (this.allowList.length === 0) return false;
    const b = parseIP(host);
    if (!b) return false;
    const plain = b.length === 16 && contains(MAPPED, b) ? b.subarray(12) : b;
    return this.allowList.some((p) => contains(p, plain));
  }

  checkPort(port) {
    if (this.ports === null) return;
    if (!this.ports.includes(port)) throw new Refusal('unsafe_address', `port ${port} is not allowed (allowed: ${this.ports.join(', ')})`);
  }

  /**
   * checkURL throws a Refusal for a URL that may not be fetched, judged on
   * what can be known before connecting: scheme, host, port. It returns
   * the browser's parsed URL.
   */
  checkURL(raw) {
    let u;
    try { u = raw instanceof URL ? raw : new URL(raw); } catch {
      throw new Refusal(/^https?:/i.test(String(raw)) ? 'unsafe_address' : 'scheme', `${JSON.stringify(String(raw).slice(0, 200))} is not a URL the browser can fetch (or its host is not a valid name or address)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Refusal('scheme', `scheme ${JSON.stringify(u.protocol.slice(0, -1))}: only http and https are fetched`);
    if (u.hostname === '') throw new Refusal('unsafe_address', `url ${JSON.stringify(u.href)} has no host`);
    if (u.username || u.password) throw new Refusal('unsafe_address', 'URLs with user:password are not fetched');
    const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
    const host = u.hostname.replace(/\.$/, '');
    const ip = parseIP(host);
    if (ip) { this.checkAddr(host, port); return u; }
    if (host.startsWith('[')) throw new Refusal('unsafe_address', `host ${JSON.stringify(u.hostname)} is not a valid address`);
    const why = localName(host.toLowerCase());
    if (why) throw new Refusal('unsafe_address', `host ${JSON.stringify(u.hostname)} is ${why}`);
    if (this.allowList.length === 0) this.checkPort(port);
    return u;
  }
}
