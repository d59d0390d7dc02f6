// The project's Python environment (.venv, made by tools/python/venv.sh from requirements.txt) as the Node tools
// and the tests use it: make sure it is installed, find its programs, and register the convlab kernel in its
// prefix (like `jupyter kernelspec install --sys-prefix`) so the venv's Jupyter finds the kernel without
// touching the user's ~/.local. CONVLAB_JUPYTER=/path/to/jupyter uses a Jupyter the user already has instead.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot } from "../lessons/files.js";

export interface PythonEnv {
  /** The folder whose bin/ holds python and jupyter (the venv, or the folder of CONVLAB_JUPYTER). */
  prefix: string;
  python: string;
  jupyter: string;
  /** process.env plus the venv's bin/ first on PATH and Jupyter told to prefer the venv's kernels. */
  env: NodeJS.ProcessEnv;
}

/** Runs tools/python/venv.sh (quick when requirements.txt is unchanged); throws with its message on failure. */
export function ensureVenv(root: string = repoRoot(), options: { quiet?: boolean } = {}): string {
  const script = join(root, "tools", "python", "venv.sh");
  const run = spawnSync("bash", [script, "--print"], {
    cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", options.quiet ? "pipe" : "inherit"],
  });
  if (run.error) throw new Error(`cannot run ${script}: ${run.error.message}`);
  if (run.status !== 0) {
    throw new Error(`tools/python/venv.sh failed (status ${run.status}): the Python environment .venv with JupyterLab `
      + `could not be installed from requirements.txt${run.stderr ? `:\n${run.stderr}` : " (see its messages above)"}`);
  }
  return run.stdout.trim();
}

function envFor(binDir: string, prefix: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${binDir}:${process.env.PATH ?? ""}`,
    VIRTUAL_ENV: prefix,
    // jupyter_core ≥ 5 already prefers a venv's share/jupyter over ~/.local; say so in case the env is unusual.
    JUPYTER_PREFER_ENV_PATH: "1",
  };
}

/**
 * The Python environment with Jupyter, installed if needed. With CONVLAB_JUPYTER set, that Jupyter's folder is
 * used as is (its python must import jupyter_client and friends).
 */
export function pythonEnv(root: string = repoRoot(), options: { quiet?: boolean } = {}): PythonEnv {
  const own = process.env.CONVLAB_JUPYTER;
  if (own) {
    if (!existsSync(own)) throw new Error(`CONVLAB_JUPYTER=${own} does not exist`);
    const binDir = dirname(own);
    const python = existsSync(join(binDir, "python3")) ? join(binDir, "python3") : join(binDir, "python");
    return { prefix: dirname(binDir), python, jupyter: own, env: envFor(binDir, dirname(binDir)) };
  }
  const prefix = ensureVenv(root, options);
  const binDir = join(prefix, "bin");
  return { prefix, python: join(binDir, "python"), jupyter: join(binDir, "jupyter"), env: envFor(binDir, prefix) };
}

/**
 * Registers this checkout's built kernel in `prefix`/share/jupyter/kernels/convlab (needs `npm run build`).
 * Idempotent and atomic (install.js writes through a rename), so parallel callers are safe.
 */
export function registerKernel(root: string, prefix: string): void {
  const installer = join(root, "dist", "tools", "jupyter-kernel", "install.js");
  if (!existsSync(installer)) throw new Error(`${installer} is missing: run \`npm run build\` first`);
  const run = spawnSync(process.execPath, [installer, "--prefix", prefix, "--quiet"], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`registering the convlab kernel in ${prefix} failed: ${run.stderr}`);
}
