// The kernel's guard: a worker thread that keeps listening when the kernel's main thread cannot.
//
// Interrupts. Jupyter interrupts this kernel with SIGINT. A cell stuck in synchronous code is stopped by the
// SIGINT watchdog tslab runs it under (vm's breakOnSigint), and an awaited cell by tslab's interrupt(); but a
// cell whose loop yields only to microtasks (`for (;;) { await null; }`) never returns to the event loop, so
// a `process.on("SIGINT")` listener never runs and the kernel ignored every interrupt at 100% CPU. Node's
// SIGINT watchdog thread works outside the event loop: this thread always holds one (it waits under
// breakOnSigint), so every SIGINT that no synchronous cell claims reaches it. It asks the main thread to
// interrupt (a message, handled as soon as the main thread's event loop turns) and, if the main thread has
// not answered within INTERRUPT_GRACE_MS, stops the JavaScript it is stuck in through the inspector
// (Runtime.terminateExecution, the debugger's own "stop"), after which the message is handled.
//
// The parent. A kernel whose client died (kill -9 of Jupyter) must not run on as an orphan: like ipykernel's
// ParentPoller, this thread checks the parent process id every second and stops the kernel when it changes.
//
// Terminating JavaScript that a timer callback runs skips Node's async-context bookkeeping, which Node treats as
// a fatal corruption unless started with --no-force-async-hooks-checks: the kernel spec passes that flag
// (install.ts); microtask loops are terminated safely either way.
//
// It never lets its SIGINT watchdog lapse: Node restores SIGINT's default action (exit) when the last watchdog
// stops, so the wait runs inside a second, outer watchdog that stays registered while the inner one restarts.

import { Session } from "node:inspector";
import vm from "node:vm";
import { parentPort, workerData } from "node:worker_threads";
import { type GuardData, GuardSlot, type GuardMessage } from "./guard-protocol.js";

const { shared, parentPid, interruptGraceMs } = workerData as GuardData;
const port = parentPort!;

let pendingSince: number | null = null;
let forcedRequest = -1;
let lastParentCheck = 0;
let parentGoneAt: number | null = null;

function post(message: GuardMessage): void {
  port.postMessage(message);
}

/** Runs between waits (every WAIT_MS) inside the watchdog: checks the pending interrupt and the parent. */
function tick(): void {
  const now = Date.now();
  const requested = Atomics.load(shared, GuardSlot.InterruptsRequested);
  const handled = Atomics.load(shared, GuardSlot.InterruptsHandled);
  if (requested === handled) pendingSince = null;
  else if (pendingSince !== null && now - pendingSince >= interruptGraceMs && forcedRequest !== requested) {
    // The main thread has not turned its event loop since the interrupt: it runs JavaScript that never yields.
    forcedRequest = requested;
    Atomics.store(shared, GuardSlot.Forced, 1);
    // Connected only for this: a session left open makes Node print "Waiting for the debugger to disconnect"
    // at exit. The command is queued before the disconnect, so it still runs.
    const mainThread = new Session();
    mainThread.connectToMainThread();
    mainThread.post("Runtime.terminateExecution");
    mainThread.disconnect();
  }
  if (parentPid !== null && now - lastParentCheck >= 1000) {
    lastParentCheck = now;
    if (parentGoneAt === null && process.ppid !== parentPid) {
      parentGoneAt = now;
      post({ type: "parent-gone", parentPid });
    } else if (parentGoneAt !== null && now - parentGoneAt > 3000) {
      // The main thread could not even exit (stuck in a loop): end the process as ipykernel does, at once.
      process.kill(process.pid, "SIGKILL");
    }
  }
}

function onSigint(): void {
  Atomics.add(shared, GuardSlot.InterruptsRequested, 1);
  pendingSince ??= Date.now();
  post({ type: "interrupt" });
}

const WAIT_MS = 100;
(globalThis as Record<string, unknown>).__convlabGuard = {
  shared,
  tick,
  waitUnderWatchdog(): void {
    try {
      inner.runInThisContext({ breakOnSigint: true });
    } catch (error) {
      if ((error as { code?: string }).code !== "ERR_SCRIPT_EXECUTION_INTERRUPTED") throw error;
      onSigint();
    }
  },
};
const inner = new vm.Script(
  `for (;;) { Atomics.wait(__convlabGuard.shared, ${GuardSlot.Wake}, 0, ${WAIT_MS}); __convlabGuard.tick(); }`,
);
const outer = new vm.Script("for (;;) __convlabGuard.waitUnderWatchdog();");
for (;;) {
  try {
    outer.runInThisContext({ breakOnSigint: true });
  } catch (error) {
    // Two SIGINTs within microseconds can reach the outer watchdog; it counts as one more interrupt.
    if ((error as { code?: string }).code !== "ERR_SCRIPT_EXECUTION_INTERRUPTED") throw error;
    onSigint();
  }
}
