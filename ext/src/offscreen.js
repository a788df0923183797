// The offscreen document: parses fetched HTML with DOMParser and applies a
// task's extraction rules (lib/extract.js). It loads nothing the pages
// reference: DOMParser documents run no scripts and fetch no resources.

import { extractHTML } from './lib/extract.js';
import { decodeBody } from './lib/charset.js';

function run(msg) {
  try {
    return { ok: true, result: extractHTML(msg.html, msg.pageURL, msg.spec) };
  } catch (e) {
    return { ok: false, error: e.message || String(e), selector: e.name === 'SelectorError' };
  }
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (!msg || msg.target !== 'offscreen' || sender.id !== chrome.runtime.id) return false;
  if (msg.type === 'ping') sendResponse({ ok: true });
  else if (msg.type === 'extract') sendResponse(run(msg));
  return false;
});

/* global __MEADOW_DEV__ */
// Development builds: the browser test loads this page directly and checks
// extraction and charset decoding here, with the browser's own DOM and decoders.
if (__MEADOW_DEV__) {
  globalThis.meadowExtract = (html, pageURL, spec) => run({ html, pageURL, spec });
  globalThis.meadowDecode = (hex, contentType) => {
    const b = new Uint8Array(hex.length / 2);
    for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return decodeBody(b, contentType);
  };
}
