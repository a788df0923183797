// The offscreen document: parses fetched HTML with DOMParser and applies a
// task's extraction rules (lib/extract.js). It loads nothing the pages
// reference: DOMParser documents run no scripts and fetch no resources.

import { extractHTML } from './lib/extract.js';

function run(msg) {
  try {
    return { ok: true, result: extractHTML(msg.html, msg.pageURL, msg.spec) };
  } catch (e) {
    return { ok: false, error: e.message || String(e), selector: e.name === 'SelectorError' };
  }
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (!msg || msg.target !== 'offscreen' || sender.id !== chrome.runtime.id) return false;
  if (msg.type === 'extract') sendResponse(run(msg));
  return false;
});

// The browser test loads this page directly and calls extraction here.
globalThis.meadowExtract = (html, pageURL, spec) => run({ html, pageURL, spec });
