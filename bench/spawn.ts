// Starting one worker process per framework and round, and reading back its result line.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RESULT_MARKER, type Framework, type WorkerResult, type WorkerSpec } from "./workload.js";

/** Debian's python3-torch (PyTorch 1.13). */
export const PYTHON = "/usr/bin/python3";
/**
 * The project's root: the nearest folder above this file with requirements.txt (dist/bench/ when compiled,
 * bench/ when vitest runs the source).
 */
export const PROJECT_ROOT = ((): string => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "requirements.txt"))) return dir;
    if (dirname(dir) === dir) throw new Error(`bench: no requirements.txt above ${fileURLToPath(import.meta.url)}`);
  }
})();
/** The project's .venv (tools/python/venv.sh), where --with-torch2 installs PyTorch 2.13. */
export const VENV_PYTHON = join(PROJECT_ROOT, ".venv", "bin", "python");
const NODE_WORKER = fileURLToPath(new URL("./worker.js", import.meta.url));
/** The script is committed as source, not compiled. */
const TORCH_SCRIPT = join(PROJECT_ROOT, "bench", "torch_lenet.py");
const WORKER_TIMEOUT_MS = 60 * 60 * 1000;

export function pythonFor(framework: "torch" | "torch2"): string {
  return framework === "torch" ? PYTHON : VENV_PYTHON;
}

/** The torch version `python` imports ("1.13.0a0+git…"), or null with why not. */
export function torchVersion(python: string): { version: string } | { reason: string } {
  const probe = spawnSync(python, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  if (probe.error) return { reason: `${python} could not be started (${probe.error.message})` };
  if (probe.status === 0) return { version: probe.stdout.trim() };
  const lastLine = probe.stderr.trim().split("\n").pop() ?? "";
  return { reason: `${python} -c "import torch" failed (${lastLine})` };
}

/**
 * Null when the framework's PyTorch imports, else why not (the bench then skips it, saying so). Debian's must be
 * 1.x (python3-torch), the venv's 2.x (--with-torch2 installs the pinned one).
 */
export function torchUnavailableReason(framework: "torch" | "torch2" = "torch"): string | null {
  const found = torchVersion(pythonFor(framework));
  const fix = framework === "torch" ? "install Debian's python3-torch" : "run the bench with --with-torch2 to install PyTorch 2.13 into .venv";
  if ("reason" in found) return `${found.reason}; ${fix}`;
  const major = found.version.split(".")[0];
  if (framework === "torch2" && major !== "2") return `.venv has torch ${found.version}, not 2.x; ${fix}`;
  return null;
}

export function runWorker(spec: WorkerSpec): WorkerResult {
  const [command, args] = spec.framework === "torch" || spec.framework === "torch2"
    ? [pythonFor(spec.framework), [TORCH_SCRIPT, JSON.stringify(spec)]]
    : [process.execPath, [NODE_WORKER, JSON.stringify(spec)]];
  const child = spawnSync(command, args, { encoding: "utf8", timeout: WORKER_TIMEOUT_MS, maxBuffer: 64 << 20 });
  const line = child.stdout?.split("\n").find((l) => l.startsWith(RESULT_MARKER));
  if (child.status !== 0 || !line) {
    const why = child.error ? child.error.message : `exit status ${child.status}${child.signal ? `, signal ${child.signal}` : ""}`;
    throw new Error(`bench: the ${spec.framework} worker failed (${why})\n${child.stderr ?? ""}${child.stdout ?? ""}`);
  }
  return JSON.parse(line.slice(RESULT_MARKER.length)) as WorkerResult;
}

export type { Framework };
