// The one way tests reach Jupyter: the project's .venv (tools/python/venv.sh installs requirements.txt, quick when
// nothing changed), with this checkout's kernel registered in the venv's prefix. Never skips: a test that needs
// Jupyter fails loudly, naming the cause, when the venv cannot be made.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonEnv, registerKernel, type PythonEnv } from "../../tools/python/venv.js";

export { REPO_ROOT } from "./root.js";
import { REPO_ROOT } from "./root.js";

let cached: PythonEnv | null = null;

/** The venv's python, jupyter and an env for spawning them; the convlab kernel is registered in it. */
export function jupyterEnv(): PythonEnv {
  if (cached) return cached;
  const found = pythonEnv(REPO_ROOT);
  if (process.env.CONVLAB_JUPYTER) {
    // Someone's own Jupyter: leave its prefix alone and point it at a throwaway kernel folder instead.
    const prefix = mkdtempSync(join(tmpdir(), "convlab-kernelspec-"));
    registerKernel(REPO_ROOT, prefix);
    found.env.JUPYTER_PATH = join(prefix, "share", "jupyter");
  } else {
    registerKernel(REPO_ROOT, found.prefix);
  }
  cached = found;
  return found;
}

/** The venv's python (nbclient, nbformat, nbconvert, jupyter_client, jupyter_kernel_test importable). */
export function venvPython(): string {
  return jupyterEnv().python;
}

/** The folder the venv's Jupyter reads kernel specs from (…/share/jupyter). */
export function venvDataDir(): string {
  return join(jupyterEnv().prefix, "share", "jupyter");
}
