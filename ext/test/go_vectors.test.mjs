// ext/test/testdata/go_vectors.json must be what the Go packages compute
// today: a change in crawl, dataset or net/url that the extension has not
// followed shows up here first. Regenerate with `go run ./ext/test/gen`
// (then the other tests say what the JavaScript must change).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repo, tempDir } from './harness.mjs';

test('go_vectors.json is up to date with the Go packages', () => {
  const dir = tempDir('meadow-ext-vectors-');
  const out = path.join(dir, 'go_vectors.json');
  try {
    execFileSync('go', ['run', './ext/test/gen', '-out', out], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error('this test needs Go (the go command)');
    throw new Error(`go run ./ext/test/gen: ${e.stderr}`);
  }
  const fresh = fs.readFileSync(out, 'utf8');
  const committed = fs.readFileSync(path.join(repo, 'ext/test/testdata/go_vectors.json'), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  assert.ok(fresh === committed, 'ext/test/testdata/go_vectors.json differs from what the Go packages compute now: run `go run ./ext/test/gen` and see which JavaScript tests then fail');
});
