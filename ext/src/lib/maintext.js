// Main-text extraction (a crawl spec's `extract`) in the extension. It is
// not a JavaScript port: the Go node's own code (crawl/htmldoc: charset
// decoding, the task's exclude rules, go-trafilatura, html-to-markdown) is
// compiled to WebAssembly (ext/wasm, maintext.wasm in the build) and run
// here with Go's wasm_exec.js support, so that the extension's main-text
// columns are a Go node's bit for bit and replicas agree.

/**
 * startMainText instantiates the extractor. wasm is the module's bytes (a
 * BufferSource) and Go the class wasm_exec.js defines. It resolves to
 * mainText(body, pageURL, contentType, spec): body the response's bytes
 * as fetched (Uint8Array, before any charset decoding), pageURL its final
 * URL, contentType the Content-Type the crawl goes by (the header, or the
 * sniffed type when there is none), spec the task's crawl spec (its
 * exclude list and extract object are what matter). It returns
 * {status, text, markdown, title, author, date, language}, the Go node's
 * htmldoc.MainText, and throws on a spec the Go code refuses. Its
 * exited() says whether the Go program has stopped (a fault: it then
 * answers nothing more, and the caller starts a new one).
 */
export async function startMainText(wasm, Go) {
  const go = new Go();
  const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
  // The program registers its function and then waits for calls for good:
  // run's promise settles only if it exits, which would be a fault.
  let exited = false;
  go.run(instance).finally(() => { exited = true; });
  await new Promise((resolve) => setTimeout(resolve, 0)); // let an exit at start be seen
  if (exited) throw new Error('maintext.wasm: the Go program exited at start');
  const fn = globalThis.meadowMainText;
  if (typeof fn !== 'function') throw new Error('maintext.wasm: it did not define meadowMainText');
  const mainText = (body, pageURL, contentType, spec) => {
    if (exited) throw new Error('maintext.wasm: the extractor has exited');
    const r = JSON.parse(fn(body, pageURL, contentType, JSON.stringify(spec)));
    if (r.error) throw new TypeError(`main text: ${r.error}`);
    return { status: r.status, text: r.text, markdown: r.markdown, title: r.title, author: r.author, date: r.date, language: r.language };
  };
  mainText.exited = () => exited;
  return mainText;
}

/** extractOn is api.ExtractSpec's On: the spec asks for main text. */
export function extractOn(spec) {
  return Boolean(spec && spec.extract && spec.extract.enabled === true);
}
