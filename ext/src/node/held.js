// Held blobs, as the Go node keeps them (node/held.go), in the service
// worker's memory. A task's blob is kept when the reveal's answer did not
// ask for it, or when its upload failed (a store that refused every PUT,
// and coordinators that carry no blob bytes): the coordinators may ask for
// it in a later work answer (`uploads`), when the node asked first did
// not upload or the store takes it again. Bounded in age and bytes, the
// oldest dropped first; a service worker that is stopped loses them, and
// the coordinators then hand the upload to another agreeing replica.

/** How long a blob is kept for a late request: the Go node's 15 minutes. */
export const HOLD_FOR_MS = 15 * 60 * 1000;
/** The memory the held blobs may take. */
export const HOLD_BYTES = 32 << 20;

export class HeldBlobs {
  constructor({ holdForMs = HOLD_FOR_MS, holdBytes = HOLD_BYTES, now = () => Date.now() } = {}) {
    this.holdForMs = holdForMs;
    this.holdBytes = holdBytes;
    this.now = now;
    this.byLease = new Map(); // lease id → { meta, blob, at }, oldest first
    this.bytes = 0;
  }

  /** add keeps a task's blob under its lease, then drops what is too old or over the bound. */
  add(meta, blob) {
    this.take(meta.lease_id);
    this.byLease.set(meta.lease_id, { meta, blob, at: this.now() });
    this.bytes += blob.length;
    for (const [id, h] of this.byLease) {
      if (this.bytes <= this.holdBytes && this.now() - h.at <= this.holdForMs) break;
      this.take(id);
    }
  }

  /**
   * take removes and returns the blob held for a lease, or undefined; with
   * taskId, only when the blob is that task's (else it stays held).
   */
  take(leaseId, taskId) {
    const h = this.byLease.get(leaseId);
    if (!h || (taskId !== undefined && h.meta.task_id !== taskId)) return undefined;
    this.byLease.delete(leaseId);
    this.bytes -= h.blob.length;
    return h;
  }

  get size() { return this.byLease.size; }
}
