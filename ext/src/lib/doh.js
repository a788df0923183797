// DNS messages for DNS-over-HTTPS (RFC 8484, RFC 1035): a query for one
// name and type, and the addresses of an answer. The extension resolves a
// task's host names itself before the browser does, so that a name whose
// addresses are not public is refused before any request (robots.txt
// included) leaves the browser. Only what that needs: A and AAAA answers,
// the response code, the smallest TTL. No browser APIs.

export const TYPE_A = 1;
export const TYPE_AAAA = 28;
const TYPE_CNAME = 5;

/** RCODES names DNS response codes (RFC 1035, 4.1.1). */
export const RCODES = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };

/**
 * encodeQuery returns the wire form of a recursive query for name (ASCII,
 * as the browser's URL parser leaves a host: punycode, lower case) and
 * type, with ID 0 as RFC 8484 asks (cache friendly). Throws a TypeError
 * for a name DNS cannot carry.
 */
export function encodeQuery(name, type) {
  const labels = name.replace(/\.$/, '').split('.');
  const parts = [];
  let len = 0;
  for (const l of labels) {
    if (l.length === 0 || l.length > 63 || !/^[\x21-\x7e]+$/.test(l)) throw new TypeError(`host ${JSON.stringify(name)}: expected a DNS name (labels of 1 to 63 printable ASCII characters)`);
    parts.push(l);
    len += l.length + 1;
  }
  if (len + 1 > 255) throw new TypeError(`host ${JSON.stringify(name)}: longer than 255 bytes`);
  const b = new Uint8Array(12 + len + 1 + 4);
  b[2] = 0x01; // RD
  b[5] = 1; // QDCOUNT
  let o = 12;
  for (const l of parts) {
    b[o++] = l.length;
    for (let i = 0; i < l.length; i++) b[o++] = l.charCodeAt(i);
  }
  b[o++] = 0;
  b[o++] = type >> 8; b[o++] = type & 0xff;
  b[o++] = 0; b[o++] = 1; // IN
  return b;
}

function skipName(b, o) {
  for (let hops = 0; hops < 128; hops++) {
    if (o >= b.length) throw new RangeError('truncated name');
    const n = b[o];
    if (n === 0) return o + 1;
    if ((n & 0xc0) === 0xc0) return o + 2; // a pointer ends the name here
    if (n & 0xc0) throw new RangeError('bad label type');
    o += 1 + n;
  }
  throw new RangeError('name too long');
}

/**
 * parseAnswer reads a DNS response to a query of type qtype and returns
 * {rcode, truncated, addresses: [text], ttl (smallest, seconds), cname}.
 * Addresses are every A (or AAAA) record of the answer section: a
 * recursive resolver puts the CNAME chain and the final records there.
 * Throws a RangeError for a message that is not a DNS response.
 */
export function parseAnswer(b, qtype) {
  if (!(b instanceof Uint8Array) || b.length < 12) throw new RangeError('shorter than a DNS header');
  const u16 = (o) => { if (o + 2 > b.length) throw new RangeError('truncated'); return (b[o] << 8) | b[o + 1]; };
  const flags = u16(2);
  if (!(flags & 0x8000)) throw new RangeError('not a response (QR is 0)');
  const rcode = flags & 0x0f;
  const qd = u16(4), an = u16(6);
  let o = 12;
  for (let i = 0; i < qd; i++) o = skipName(b, o) + 4;
  const addresses = [];
  let ttl = Infinity;
  let cname = false;
  for (let i = 0; i < an; i++) {
    o = skipName(b, o);
    const type = u16(o), ttlHi = u16(o + 4), ttlLo = u16(o + 6), rdlen = u16(o + 8);
    o += 10;
    if (o + rdlen > b.length) throw new RangeError('truncated record');
    const rd = b.subarray(o, o + rdlen);
    o += rdlen;
    if (type === TYPE_CNAME) { cname = true; continue; }
    if (type !== qtype) continue;
    if (type === TYPE_A && rdlen === 4) addresses.push(Array.from(rd).join('.'));
    else if (type === TYPE_AAAA && rdlen === 16) {
      const w = [];
      for (let j = 0; j < 16; j += 2) w.push(((rd[j] << 8) | rd[j + 1]).toString(16));
      addresses.push(w.join(':'));
    } else throw new RangeError(`a type ${type} record of ${rdlen} bytes`);
    ttl = Math.min(ttl, ttlHi * 65536 + ttlLo);
  }
  return { rcode, truncated: !!(flags & 0x0200), addresses, ttl: ttl === Infinity ? 0 : ttl, cname };
}

/** base64url encodes bytes without padding (RFC 8484's dns= parameter). */
export function base64url(b) {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
