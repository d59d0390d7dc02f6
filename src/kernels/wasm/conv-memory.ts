// The conv module's memory (conv-module.ts), from the bottom up: the module's static data, then the saved-column
// stack (what a forward leaves for its backward), then each call's scratch buffers (layout). Also the copies in and
// out of it (put, take, and their int32 forms for pooling's argmax). Offsets are bytes.

import { alignUp } from "./kernel-module.js";
import { convModule } from "./conv-module.js";

/** The end of the module's static data, where the saved stack starts. */
function dataEnd(): number {
  return alignUp(convModule.helpers.scratchStart());
}

/**
 * Column matrices (or activations) a forward leaves in memory for its backward, as a stack right after the
 * module's static data; each call's scratch buffers go above it. Backward runs in the reverse order of forward,
 * so it finds its entry on top and pops it (with anything above). This is a cache, never a requirement: when a
 * new entry would pass SAVED_BUDGET_BYTES the stack is emptied, and a backward whose entry is gone recomputes
 * it. So a forward whose backward never comes (evaluation without noGrad) costs memory only until the budget is
 * reached, and the memory never grows past budget + one call's scratch.
 */
export interface SavedColumns { readonly at: number; readonly end: number }
const saved: SavedColumns[] = [];
const SAVED_BUDGET_BYTES = 96 * 2 ** 20;

function savedEnd(): number {
  return saved.length > 0 ? saved[saved.length - 1].end : dataEnd();
}

/** Room for `floats` floats on the saved stack, or null when they alone pass the budget. */
export function pushSaved(floats: number): SavedColumns | null {
  const bytes = alignUp(floats * 4);
  if (bytes > SAVED_BUDGET_BYTES) return null;
  if (savedEnd() + bytes - dataEnd() > SAVED_BUDGET_BYTES) saved.length = 0;
  const entry = { at: savedEnd(), end: savedEnd() + bytes };
  saved.push(entry);
  return entry;
}

/** Whether an entry still holds what its forward put there. */
export function isSaved(entry: SavedColumns | null): entry is SavedColumns {
  return entry !== null && saved.includes(entry);
}

/** Releases an entry and every entry above it (pushed later, so already used or abandoned). */
export function releaseSaved(entry: SavedColumns | null): void {
  const index = entry === null ? -1 : saved.indexOf(entry);
  if (index >= 0) saved.length = index;
}

/** How many bytes the saved stack holds (for tests). */
export function savedColumnsBytes(): number {
  return savedEnd() - dataEnd();
}

/**
 * Lays out buffers of the given float counts above the saved stack and grows memory to hold them;
 * returns their byte offsets. Each call starts afresh: nothing in this scratch outlives a kernel call.
 */
export function layout(floatCounts: number[]): number[] {
  let at = savedEnd();
  const offsets = floatCounts.map((count) => {
    const offset = at;
    at += alignUp(count * 4);
    return offset;
  });
  convModule.growTo(at);
  return offsets;
}

/** Sets `floats` floats from byte offset `at` to zero. */
export function zeroFloats(at: number, floats: number): void {
  convModule.heap.fill(0, at / 4, at / 4 + floats);
}

export function put(source: Float32Array, at: number): void {
  convModule.heap.set(source, at / 4);
}

export function take(target: Float32Array, at: number, count: number, targetOffset = 0): void {
  target.set(convModule.heap.subarray(at / 4, at / 4 + count), targetOffset);
}

/** `floats` floats of memory from byte offset `at`, as a view (valid until memory next grows). */
export function view(at: number, floats: number): Float32Array {
  return convModule.heap.subarray(at / 4, at / 4 + floats);
}

/** put and take for int32 arrays (pooling's argmax). */
export function putInts(source: Int32Array, at: number): void {
  new Int32Array(convModule.heap.buffer).set(source, at / 4);
}

export function takeInts(target: Int32Array, at: number, count: number, targetOffset = 0): void {
  target.set(new Int32Array(convModule.heap.buffer, at, count), targetOffset);
}
