// `npm run bench -- --book-run`: issue 15's "book run" — d2l's 10-epoch LeNet as a learner starts it,
// `node dist/tools/cli/main.js train --epochs 10 --batch-size 256 --lr 0.9` (what `npm run train -- …` runs after
// its build; the build is not timed, `npm run bench` has just done it), on the full data and convlab's default two
// threads. Wall time runs from starting the process to the moment its result line ("loss …, train acc …, test acc
// …") arrives on stdout; peak RSS is the child's VmHWM (the kernel's own high-water mark of resident memory) read
// from /proc every 100 ms — the last read before the result line already holds the run's peak, as nothing after
// training allocates more than training did.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./spawn.js";

export const BOOK_RUN_ARGS = ["train", "--epochs", "10", "--batch-size", "256", "--lr", "0.9"] as const;
/** Issue 15's target for the book run. */
export const BOOK_RUN_TARGET_SECONDS = 45;
const CLI = join(PROJECT_ROOT, "dist", "tools", "cli", "main.js");
const RESULT_LINE = /^loss \d.*test acc \d/;

export interface BookRunResult {
  command: string;
  exitStatus: number | null;
  /** Seconds from spawn to the result line (null if it never came). */
  wallSeconds: number | null;
  resultLine: string | null;
  peakRssBytes: number | null;
  targetSeconds: number;
  met: boolean | null;
  /** Every line the run printed, for the JSON. */
  output: string[];
}

/** VmHWM of a running process in bytes, or null once it has gone (or off Linux). */
function highWaterMark(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function bookRun(log: (line: string) => void, args: readonly string[] = BOOK_RUN_ARGS): Promise<BookRunResult> {
  const command = `node ${CLI} ${args.join(" ")}`;
  log(`bench: book run: ${command} (target ≤ ${BOOK_RUN_TARGET_SECONDS} s to the result line)`);
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let peak: number | null = null;
  let wallSeconds: number | null = null, resultLine: string | null = null;
  const output: string[] = [];
  const sample = () => {
    if (wallSeconds !== null || child.pid === undefined) return;
    const hwm = highWaterMark(child.pid);
    if (hwm !== null) peak = Math.max(peak ?? 0, hwm);
  };
  const poll = setInterval(sample, 100);
  let pending = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (resultLine === null && RESULT_LINE.test(line)) {
        sample(); // the high-water mark at the result line
        wallSeconds = (performance.now() - started) / 1000;
        resultLine = line;
      }
      output.push(line);
      log(`  | ${line}`);
    }
  });
  return new Promise((resolve, reject) => {
    child.on("error", (error) => { clearInterval(poll); reject(error); });
    child.on("close", (status) => {
      clearInterval(poll);
      if (pending) output.push(pending);
      const met = wallSeconds === null ? null : wallSeconds <= BOOK_RUN_TARGET_SECONDS;
      const verdict = wallSeconds === null ? `no result line (exit ${status})`
        : `${wallSeconds.toFixed(1)} s to the result line — ${met ? "met" : `short by ${(wallSeconds - BOOK_RUN_TARGET_SECONDS).toFixed(1)} s (${(wallSeconds / BOOK_RUN_TARGET_SECONDS).toFixed(2)}× the target)`}`;
      log(`bench: book run: ${verdict}; ${resultLine ?? ""}; peak RSS ${peak === null ? "unknown" : `${Math.round(peak / 2 ** 20)} MiB`}`);
      resolve({ command, exitStatus: status, wallSeconds, resultLine, peakRssBytes: peak, targetSeconds: BOOK_RUN_TARGET_SECONDS, met, output });
    });
  });
}
