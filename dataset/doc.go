// Package dataset defines what Meadow sells: Arrow schemas for crawl and
// compute rows, the canonical row encoding (RFC 8949 core deterministic CBOR of
// the content columns, text NFC-normalized with white space collapsed), row
// hashes, RFC 6962 Merkle roots and inclusion proofs over sorted row hashes,
// streaming Arrow IPC and Parquet writers and readers, manifests, and the
// row-by-row verification behind `meadow verify`.
//
// Content columns (what was fetched or computed) are hashed; provenance columns
// (who fetched it, when, their signature) are stored beside them and never
// enter a hash, so independent replicas agree on content alone.
package dataset
