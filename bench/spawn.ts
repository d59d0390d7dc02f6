// Starting one worker process per framework and round, and reading back its result line.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { RESULT_MARKER, type WorkerResult, type WorkerSpec } from "./workload.js";

export const PYTHON = "/usr/bin/python3";
const NODE_WORKER = fileURLToPath(new URL("./worker.js", import.meta.url));
/** dist/bench/lenet.js → bench/torch_lenet.py (the script is committed as source, not compiled). */
const TORCH_SCRIPT = fileURLToPath(new URL("../../bench/torch_lenet.py", import.meta.url));
const WORKER_TIMEOUT_MS = 60 * 60 * 1000;

/** Null when PyTorch imports under /usr/bin/python3, else why not (the bench then skips it, saying so). */
export function torchUnavailableReason(): string | null {
  const probe = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.error) return `${PYTHON} could not be started (${probe.error.message})`;
  if (probe.status === 0) return null;
  const lastLine = probe.stderr.trim().split("\n").pop() ?? "";
  return `${PYTHON} -c "import torch" failed (${lastLine}); install Debian's python3-torch`;
}

export function runWorker(spec: WorkerSpec): WorkerResult {
  const [command, args] = spec.framework === "torch"
    ? [PYTHON, [TORCH_SCRIPT, JSON.stringify(spec)]]
    : [process.execPath, [NODE_WORKER, JSON.stringify(spec)]];
  const child = spawnSync(command, args, { encoding: "utf8", timeout: WORKER_TIMEOUT_MS, maxBuffer: 64 << 20 });
  const line = child.stdout?.split("\n").find((l) => l.startsWith(RESULT_MARKER));
  if (child.status !== 0 || !line) {
    const why = child.error ? child.error.message : `exit status ${child.status}${child.signal ? `, signal ${child.signal}` : ""}`;
    throw new Error(`bench: the ${spec.framework} worker failed (${why})\n${child.stderr ?? ""}${child.stdout ?? ""}`);
  }
  return JSON.parse(line.slice(RESULT_MARKER.length)) as WorkerResult;
}
