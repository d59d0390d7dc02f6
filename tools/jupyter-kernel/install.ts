// Registers the "TypeScript (convlab)" kernel spec with Jupyter.
//   npm run kernel:install                      -> the current user's kernels folder
//   npm run kernel:install -- --prefix DIR      -> DIR/share/jupyter/kernels/convlab (like --sys-prefix when DIR is a
//                                                  venv, e.g. .venv; other Jupyters: JUPYTER_PATH=DIR/share/jupyter)
// The spec starts this checkout's built kernel with this Node.js, both by absolute path, so it
// works without a global tslab and whichever python3 Jupyter itself runs on.
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const KERNEL_NAME = "convlab";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal";
  metadata: Record<string, unknown>;
}

export function kernelSpec(kernelMainPath: string): KernelSpec {
  return {
    // --no-force-async-hooks-checks: the kernel's guard may have to terminate a timer callback that never ends
    // (tools/jupyter-kernel/guard-thread.ts); without the flag Node aborts the whole kernel when that happens.
    argv: [process.execPath, "--no-force-async-hooks-checks", kernelMainPath, "--connection-file", "{connection_file}"],
    display_name: "TypeScript (convlab)",
    language: "typescript",
    interrupt_mode: "signal",
    metadata: {},
  };
}

/** Jupyter's per-user data folder, as `jupyter --data-dir` computes it. */
function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return join(process.env.APPDATA ?? homedir(), "jupyter");
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "jupyter");
}

function parsePrefix(args: string[]): string | null {
  const flagAt = args.indexOf("--prefix");
  if (flagAt < 0) return null;
  const prefix = args[flagAt + 1];
  if (!prefix) throw new Error("kernel:install: --prefix needs a folder");
  return resolve(prefix);
}

function main(): void {
  // This file is dist/tools/jupyter-kernel/install.js once built; the kernel entry sits beside it.
  const kernelMainPath = join(dirname(fileURLToPath(import.meta.url)), "main.js");
  if (!existsSync(kernelMainPath)) {
    process.stderr.write(`kernel:install: ${kernelMainPath} is missing; run \`npm run build\` first\n`);
    process.exit(1);
  }
  const prefix = parsePrefix(process.argv.slice(2));
  const kernelsDir = prefix ? join(prefix, "share", "jupyter", "kernels") : join(userDataDir(), "kernels");
  const specDir = join(kernelsDir, KERNEL_NAME);
  mkdirSync(specDir, { recursive: true });
  // Written beside and renamed into place: tests register the kernel from parallel workers, and a Jupyter
  // reading the spec meanwhile must never see half a file.
  const temporary = join(specDir, `.kernel.json.${process.pid}`);
  writeFileSync(temporary, JSON.stringify(kernelSpec(kernelMainPath), null, 2) + "\n");
  renameSync(temporary, join(specDir, "kernel.json"));
  if (process.argv.includes("--quiet")) return;
  process.stdout.write(`installed kernel spec "${KERNEL_NAME}" in ${specDir}\n`);
  if (prefix) process.stdout.write(`Jupyter installed in ${prefix} finds it; other Jupyters with JUPYTER_PATH=${join(prefix, "share", "jupyter")}\n`);
}

main();
