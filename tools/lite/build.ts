// `npm run lite`: the course as a static JupyterLite site in out/lite/ —
//   1. convlab's browser build (tools/browser/build.ts);
//   2. the kernel extension lite/kernel (its own npm dependencies, `npm ci` there on first use; tsc, then
//      @jupyterlab/builder against the JupyterLab core of the project's .venv), with convlab's build and
//      TypeScript's compiler copied into its static files, where its worker loads them;
//   3. `jupyter lite build` (jupyterlite-core, pinned in requirements.txt) with that extension and every lesson
//      notebook (notebooks/*.ipynb, and notebooks/zh/ when it exists), their kernelspec set to the lite kernel.
// A hash of every input is kept in out/lite/.convlab-lite-inputs: when nothing changed, nothing is rebuilt.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildBrowser, ROOT } from "../browser/build.js";

export const LITE_OUT = join(ROOT, "out", "lite");
const KERNEL = join(ROOT, "lite", "kernel");
const STAMP = ".convlab-lite-inputs";
export const LITE_KERNEL_NAME = "convlab-lite";

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 2 ** 20 });
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "lib" || entry.name === "labextension" ? [] : files(path);
    return [path];
  }).sort();
}

/** The notebook folders the site carries: the lessons, and the Chinese edition when there is one. */
function notebookDirs(): { from: string; to: string }[] {
  const dirs = [{ from: join(ROOT, "notebooks"), to: "" }];
  if (existsSync(join(ROOT, "notebooks", "zh"))) dirs.push({ from: join(ROOT, "notebooks", "zh"), to: "zh" });
  return dirs;
}

/** Everything the site is made from (sources, locks, notebooks, the compiled library and kernels). */
function inputsHash(): string {
  const hash = createHash("sha256");
  const inputs = [
    ...files(join(ROOT, "src")), ...files(join(ROOT, "asm")), ...files(join(ROOT, "tools", "browser")), ...files(join(ROOT, "tools", "lite")),
    ...files(KERNEL).filter((f) => !f.includes(`${join(KERNEL, "node_modules")}`)),
    ...notebookDirs().flatMap(({ from }) => readdirSync(from).filter((n) => n.endsWith(".ipynb")).map((n) => join(from, n))),
    join(ROOT, "requirements.txt"), join(ROOT, "package-lock.json"),
  ];
  for (const path of inputs) hash.update(relative(ROOT, path)).update("\0").update(readFileSync(path)).update("\0");
  return hash.digest("hex");
}

function venvPython(): string {
  const venv = run("bash", [join(ROOT, "tools", "python", "venv.sh"), "--print"], ROOT).trim();
  return join(venv, "bin", "python");
}

/** Builds lite/kernel/labextension: the extension, with convlab's browser build and TypeScript inside. */
export async function buildKernelExtension(python: string): Promise<string> {
  if (!existsSync(join(KERNEL, "node_modules", "@jupyterlab", "builder"))) {
    console.log("lite: installing the kernel extension's npm dependencies (lite/kernel, npm ci)");
    run("npm", ["ci", "--no-audit", "--no-fund"], KERNEL);
  }
  run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], KERNEL);
  const core = run(python, ["-c", "import jupyterlab, os; print(os.path.join(os.path.dirname(jupyterlab.__file__), 'staging'))"], ROOT).trim();
  run(process.execPath, [join(KERNEL, "node_modules", "@jupyterlab", "builder", "lib", "build-labextension.js"), "--core-path", core, "."], KERNEL);
  const out = join(KERNEL, "labextension");
  const staticDir = join(out, "static");
  await buildBrowser(join(staticDir, "convlab"));
  mkdirSync(join(staticDir, "typescript"), { recursive: true });
  cpSync(join(ROOT, "node_modules", "typescript", "lib", "typescript.js"), join(staticDir, "typescript", "typescript.js"));
  return out;
}

/** The lesson notebooks with the lite kernel as their kernelspec, in a folder jupyter lite build reads. */
function stageNotebooks(stage: string): number {
  rmSync(stage, { recursive: true, force: true });
  let count = 0;
  for (const { from, to } of notebookDirs()) {
    mkdirSync(join(stage, to), { recursive: true });
    for (const name of readdirSync(from).filter((n) => n.endsWith(".ipynb"))) {
      const notebook = JSON.parse(readFileSync(join(from, name), "utf8")) as { metadata: Record<string, unknown> };
      notebook.metadata.kernelspec = { name: LITE_KERNEL_NAME, display_name: "TypeScript (convlab)", language: "typescript" };
      writeFileSync(join(stage, to, name), JSON.stringify(notebook, null, 1) + "\n");
      count++;
    }
  }
  return count;
}

function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? bytesUnder(path) : statSync(path).size);
  }, 0);
}

export async function buildLite(options: { force?: boolean } = {}): Promise<{ out: string; rebuilt: boolean; bytes: number }> {
  const want = inputsHash();
  const stampPath = join(LITE_OUT, STAMP);
  if (!options.force && existsSync(stampPath) && readFileSync(stampPath, "utf8") === want) {
    return { out: LITE_OUT, rebuilt: false, bytes: bytesUnder(LITE_OUT) };
  }
  const python = venvPython();
  const extension = await buildKernelExtension(python);
  const stage = join(ROOT, "out", "lite-contents");
  const notebooks = stageNotebooks(stage);
  rmSync(LITE_OUT, { recursive: true, force: true });
  const lite = join(python, "..", "jupyter-lite");
  // Its own working folder, where jupyter lite keeps its build database.
  const work = join(ROOT, "out", "lite-work");
  mkdirSync(work, { recursive: true });
  // New notebooks open with our kernel (JupyterLite's default would be a Python kernel the site does not have).
  writeFileSync(join(work, "jupyter-lite.json"), JSON.stringify({ "jupyter-lite-schema-version": 0,
    "jupyter-config-data": { appName: "convlab", defaultKernelName: LITE_KERNEL_NAME } }, null, 2) + "\n");
  run(lite, ["build", "--lite-dir", work, "--contents", stage, "--output-dir", LITE_OUT,
    `--LiteBuildConfig.federated_extensions=${extension}`, "--no-sourcemaps"], work);
  writeFileSync(stampPath, want);
  console.log(`lite: ${notebooks} notebooks`);
  return { out: LITE_OUT, rebuilt: true, bytes: bytesUnder(LITE_OUT) };
}

if (process.argv[1] && process.argv[1].endsWith(join("tools", "lite", "build.js"))) {
  const built = await buildLite({ force: process.argv.includes("--force") });
  console.log(`lite: ${built.rebuilt ? "built" : "up to date:"} ${built.out} (${(built.bytes / 2 ** 20).toFixed(1)} MiB)`);
}
