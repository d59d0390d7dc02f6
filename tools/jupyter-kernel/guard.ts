// Starts the kernel's guard thread (guard-thread.ts) and acts on what it reports: interrupts (including those
// of cells that never return to the event loop) and the death of the kernel's parent.

import { EventEmitter } from "node:events";
import { Worker } from "node:worker_threads";
import { type GuardData, type GuardMessage, GUARD_SLOTS, GuardSlot } from "./guard-protocol.js";

export const INTERRUPT_GRACE_MS = 1500;

export interface GuardHandlers {
  /** Interrupt the running cell (tslab's executor.interrupt()). */
  interrupt(): void;
  /** Tell the running cell that its JavaScript had to be terminated (written to its stderr). */
  explainForcedInterrupt(text: string): void;
  /** Messages for the terminal that started the kernel. */
  log(text: string): void;
}

/**
 * The parent the kernel must not outlive. Jupyter sets JPY_PARENT_PID to the process that launched the kernel
 * (ipykernel watches it the same way); without it, or if it is not our parent (a wrapper started us), the
 * parent we started with. None when we started as an orphan already (parent 1).
 */
export function parentToWatch(env: NodeJS.ProcessEnv = process.env, ppid = process.ppid): number | null {
  const jupyterParent = Number(env.JPY_PARENT_PID);
  if (Number.isInteger(jupyterParent) && jupyterParent > 1 && jupyterParent === ppid) return jupyterParent;
  return ppid > 1 ? ppid : null;
}

export const FORCED_INTERRUPT_NOTE =
  "Interrupted: JavaScript that never returned to the event loop (a loop that only awaits settled promises, " +
  "like `await null`, or a timer callback that never ends) was terminated; the kernel and its variables are kept.\n";

/** The Node flag that lets the guard terminate a stuck timer callback without Node aborting (see guard-thread.ts). */
export const ASYNC_HOOKS_FLAG = "--no-force-async-hooks-checks";

/**
 * Keeps SIGINT listeners that cells add (`process.on("SIGINT", …)`) off the process: with a real listener, each
 * breakOnSigint run (every cell) removes it and so resets SIGINT to its default action while the guard's
 * watchdog holds the signal, and an interrupt of a synchronous cell would kill the kernel. They are kept here
 * and called for every interrupt the guard receives.
 */
function routeSigintListeners(): EventEmitter {
  const sigint = new EventEmitter();
  const methods = ["on", "addListener", "once", "prependListener", "prependOnceListener", "off", "removeListener", "removeAllListeners"] as const;
  const target = process as unknown as Record<string, (...args: unknown[]) => unknown>;
  const kept = sigint as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of methods) {
    const original = target[method];
    target[method] = function (this: unknown, event?: unknown, ...rest: unknown[]) {
      if (event !== "SIGINT") return original.call(this, event, ...rest);
      kept[method].call(sigint, event, ...rest);
      return process;
    };
  }
  return sigint;
}

export function startGuard(handlers: GuardHandlers): Worker {
  const sigintListeners = routeSigintListeners();
  const shared = new Int32Array(new SharedArrayBuffer(GUARD_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  const data: GuardData = { shared, parentPid: parentToWatch(), interruptGraceMs: INTERRUPT_GRACE_MS };
  if (!process.execArgv.includes(ASYNC_HOOKS_FLAG)) {
    handlers.log(`convlab kernel: started without ${ASYNC_HOOKS_FLAG}; an interrupt of a timer callback that never ends would stop the kernel (run \`npm run kernel:install\` again)\n`);
  }
  const guard = new Worker(new URL("./guard-thread.js", import.meta.url), { workerData: data });
  guard.on("message", (message: GuardMessage) => {
    if (message.type === "interrupt") {
      if (Atomics.exchange(shared, GuardSlot.Forced, 0) === 1) handlers.explainForcedInterrupt(FORCED_INTERRUPT_NOTE);
      Atomics.store(shared, GuardSlot.InterruptsHandled, Atomics.load(shared, GuardSlot.InterruptsRequested));
      handlers.interrupt();
      sigintListeners.emit("SIGINT", "SIGINT");
    } else if (message.type === "parent-gone") {
      handlers.log(`convlab kernel: parent process ${message.parentPid} is gone; exiting\n`);
      process.exit(1);
    }
  });
  guard.on("error", (error) => handlers.log(`convlab kernel: the interrupt/parent guard failed: ${error.stack ?? error}\n`));
  // The guard never ends by itself; it must not keep a kernel alive that is shutting down.
  guard.unref();
  return guard;
}
