// Package buyer is the buyer's client of the coordinator API: submit a job,
// follow its progress, list and download datasets (Arrow IPC or Parquet), a
// row's proof and the manifest, and pay for a job on chain. `meadow buyer`
// and the dev network's journey use it. It depends on api and dataset only.
package buyer
