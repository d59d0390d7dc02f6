// Version counters, as PyTorch keeps them: one per storage (so reshape views and detach() share it), bumped by
// every in-place write. An op that saves a tensor for its backward remembers the version it saw; backward
// refuses to run on a tensor that has been written since, instead of computing a gradient from the new values.
import type { Storage } from "../tensor/dtype.js";

interface Counter {
  version: number;
  /** The in-place op that made the last write, named in the error backward throws. */
  lastOp: string;
}

// Keyed by the typed array itself: every tensor over one storage shares the array object. A storage never
// written in place has no entry (version 0), so creating tensors costs nothing.
const counters = new WeakMap<Storage, Counter>();

/** How many in-place writes the tensor's storage has had (PyTorch's tensor._version). */
export function versionOf(t: { data: Storage }): number {
  return counters.get(t.data)?.version ?? 0;
}

/** The op of the last in-place write to the storage, or null when there was none. */
export function lastInPlaceOp(t: { data: Storage }): string | null {
  return counters.get(t.data)?.lastOp ?? null;
}

/** Records one in-place write by `op` to the tensor's storage. Every in-place op calls this once. */
export function bumpVersion(t: { data: Storage }, op: string): void {
  const counter = counters.get(t.data);
  if (counter === undefined) counters.set(t.data, { version: 1, lastOp: op });
  else {
    counter.version++;
    counter.lastOp = op;
  }
}
