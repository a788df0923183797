// Package pipebench measures the pretraining pipeline's data path in
// process: the crawl's own page-to-row code and every compute stage of the
// pretrain template, as a node runs them (read the shard's Arrow blob, hash
// its rows, compute.where and compute.carry, the kernel, row hashes and
// content root, signatures, Arrow write), against the chain of bare library
// calls (trafilatura, whatlanggo, compute/text, MinHash, band clustering,
// tiktoken) on the same pages, on the same cores. The pages are real: the
// HTML manuals Debian installs with apache2-doc, sqlite3-doc and
// python-django-doc (scripts/deps.sh).
//
//	go test ./crawl/internal/pipebench/ -run '^$' -bench PretrainPipeline -benchtime 1x -count 2 -v
//
// The package holds tests alone.
package pipebench
