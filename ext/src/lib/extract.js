// Extraction of a fetched HTML page, as crawl/extract.go does it, on the
// browser's DOM (DOMParser, in the offscreen document). The strings must be
// the Go node's byte for byte:
//
//  - Exclude matches and script, style, noscript and template elements are
//    removed first, from the whole document.
//  - A field is the text of its selector's first match in document order,
//    or the value of its attribute (href and src made absolute with Go's
//    URL rules against the document base: the first <base href> when it is
//    http(s), else the page's final URL); null when nothing matches or the
//    attribute is missing.
//  - Text is the concatenated text nodes (textContent, which is what
//    goquery's .Text() gives) of the text selector's first match; "" when
//    none. Not normalized: the row encoding normalizes.
//
// One difference of the parsers needs care: Go's html.Parse runs with
// scripting enabled, so <noscript> content is raw text, while DOMParser
// parses with scripting disabled, so that content becomes elements that can
// close a <p> or end the <head>. prepareHTML rewrites <noscript> tags into
// <noframes data-meadow-noscript> ones, which every HTML parser reads as raw
// text whatever its scripting flag, and which extraction then removes like
// noscript. (Only a literal "<noscript" inside an attribute value or a
// <title>/<textarea> would be rewritten too.)

import { isWhiteSpace } from './normalize.js';
import { goParse, resolveGo } from './gourl.js';

export const DEFAULT_TEXT_SELECTOR = 'body';
const ALWAYS_REMOVED = 'script, style, noscript, template, noframes[data-meadow-noscript]';
const ROBOTS_TOKEN = 'meadowbot';

/** prepareHTML applies the <noscript> rewrite described above. */
export function prepareHTML(html) {
  if (!/<\/?noscript/i.test(html)) return html;
  return html
    .replace(/<noscript(?=[\t\n\f\r />]|$)/gi, '<noframes data-meadow-noscript')
    .replace(/<\/noscript(?=[\t\n\f\r />]|$)/gi, '</noframes');
}

// Go's strings.TrimSpace (unicode.IsSpace is the White_Space set).
function goTrimSpace(s) {
  let i = 0, j = s.length;
  while (i < j && isWhiteSpace(s.codePointAt(i))) i++;
  while (j > i && isWhiteSpace(s.codePointAt(j - 1))) j--;
  return s.slice(i, j);
}
const trimASCII = (s) => s.replace(/^[ \t\n\f\r]+|[ \t\n\f\r]+$/g, '');

/** SelectorError is a rule whose selector this browser cannot compile. */
export class SelectorError extends Error {
  constructor(where, sel, cause) { super(`${where} ${JSON.stringify(sel)}: ${cause}`); this.name = 'SelectorError'; }
}

function query(doc, sel, where) {
  try { return doc.querySelector(sel); } catch (e) { throw new SelectorError(where, sel, e.message); }
}

function queryAll(doc, sel, where) {
  try { return Array.from(doc.querySelectorAll(sel)); } catch (e) { throw new SelectorError(where, sel, e.message); }
}

// The attribute named name (lower case) without a namespace, as Go's attr.
function attr(el, name) {
  for (const a of el.attributes) if (a.namespaceURI === null && a.name === name) return a.value;
  return null;
}

/** readMetaRobots reads robots meta tags that apply to MeadowBot (or to every robot). */
export function readMetaRobots(doc) {
  const m = { noIndex: false, noFollow: false, noAI: false };
  for (const el of doc.querySelectorAll('meta[name][content]')) {
    const name = trimASCII(attr(el, 'name') ?? '').toLowerCase();
    if (name !== 'robots' && name !== ROBOTS_TOKEN) continue;
    addRobots(m, attr(el, 'content') ?? '');
  }
  return m;
}

/** addRobots adds the directives of a robots meta tag or X-Robots-Tag value. */
export function addRobots(m, directives) {
  for (let d of directives.toLowerCase().split(',')) {
    d = trimASCII(d);
    const c = d.indexOf(':');
    if (c >= 0) {
      if (trimASCII(d.slice(0, c)) !== ROBOTS_TOKEN) continue;
      d = trimASCII(d.slice(c + 1));
    }
    if (d === 'noindex') m.noIndex = true;
    else if (d === 'nofollow') m.noFollow = true;
    else if (d === 'none') { m.noIndex = true; m.noFollow = true; } else if (d === 'noai') m.noAI = true;
  }
  return m;
}

/** robotsRefusal returns the refusal detail robots directives ask for, or null. */
export function robotsRefusal(m) {
  if (m.noIndex) return 'the page says noindex';
  if (m.noAI) return 'the page says noai';
  return null;
}

function documentBase(doc, pageURL) {
  const el = doc.querySelector('base[href]');
  if (!el || !pageURL) return pageURL;
  try {
    const u = pageURL.parse(goTrimSpace(attr(el, 'href') ?? ''));
    return u.scheme === 'http' || u.scheme === 'https' ? u : pageURL;
  } catch {
    return pageURL;
  }
}

/**
 * extract applies a crawl task's rules to a parsed document. pageURL is the
 * page's final URL (a string, in Go's spelling); spec has fields [{name,
 * selector, attr}], text_selector and exclude. It returns {fields, text,
 * robots}. A selector the browser cannot compile throws a SelectorError.
 */
export function extract(doc, pageURL, spec) {
  let page = null;
  try { page = pageURL ? goParse(pageURL) : null; } catch { page = null; }
  const robots = readMetaRobots(doc);
  const base = documentBase(doc, page);
  for (const el of queryAll(doc, ALWAYS_REMOVED, 'always removed')) el.remove();
  (spec.exclude || []).forEach((sel, i) => { for (const el of queryAll(doc, sel, `exclude[${i}]`)) el.remove(); });
  const fields = {};
  (spec.fields || []).forEach((f, i) => {
    const el = query(doc, f.selector, `fields[${i}].selector`);
    const a = (f.attr || '').toLowerCase();
    if (!el) { fields[f.name] = null; return; }
    if (a === '') { fields[f.name] = el.textContent; return; }
    const v = attr(el, a);
    if (v === null) { fields[f.name] = null; return; }
    fields[f.name] = a === 'href' || a === 'src' ? resolveGo(base, v) : v;
  });
  const ts = spec.text_selector || DEFAULT_TEXT_SELECTOR;
  const t = query(doc, ts, 'text_selector');
  return { fields, text: t ? t.textContent : '', robots };
}

/** extractHTML parses html with DOMParser (after prepareHTML) and extracts. */
export function extractHTML(html, pageURL, spec, DOMParserImpl = globalThis.DOMParser) {
  const doc = new DOMParserImpl().parseFromString(prepareHTML(html), 'text/html');
  return extract(doc, pageURL, spec);
}
