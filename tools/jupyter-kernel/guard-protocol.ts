// What the kernel's main thread and its guard thread (guard-thread.ts) share: slots of one Int32Array on a
// SharedArrayBuffer (readable even while the other thread is stuck) and the messages the guard posts.

export enum GuardSlot {
  /** Never written: the guard waits on it with a timeout, so its wait is a sleep that SIGINT can cut short. */
  Wake = 0,
  /** SIGINTs the guard received. */
  InterruptsRequested = 1,
  /** Interrupts the main thread has acted on (it stores InterruptsRequested here). */
  InterruptsHandled = 2,
  /** 1 when the guard had to terminate the main thread's JavaScript; the main thread says so and clears it. */
  Forced = 3,
}

export const GUARD_SLOTS = 4;

export interface GuardData {
  shared: Int32Array;
  /** The process the kernel must not outlive (Jupyter's JPY_PARENT_PID, or the parent it started with); null: none. */
  parentPid: number | null;
  /** How long the main thread has to act on an interrupt before its JavaScript is terminated. */
  interruptGraceMs: number;
}

export type GuardMessage = { type: "interrupt" } | { type: "parent-gone"; parentPid: number };
