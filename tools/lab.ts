// `npm run lab`: registers the "TypeScript (convlab)" kernel and opens Jupyter on notebooks/, bound to
// 127.0.0.1. JupyterLab when it is installed, else the classic Notebook. Extra arguments go to Jupyter:
//   npm run lab -- --no-browser --port 8899

import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./lessons/files.js";
import { findStaleNotebooks } from "./lessons/generate.js";
import { lintLessons } from "./lessons/lint.js";

function jupyterHas(subcommand: "lab" | "notebook"): boolean {
  return spawnSync("jupyter", [subcommand, "--version"], { stdio: "ignore" }).status === 0;
}

function main(): number {
  const root = repoRoot();
  const { lessons, problems } = lintLessons(root);
  const { outdated, orphaned } = findStaleNotebooks(root, lessons);
  if (problems.length > 0 || outdated.length + orphaned.length > 0) {
    // Not regenerated here: that would overwrite edits made in Jupyter. Lessons are the source.
    console.warn(`notebooks/ is not in step with lessons/ (${[...outdated, ...orphaned].join(", ") || "lint problems"}); run \`npm run notebooks\`.`);
  }

  const install = spawnSync("npm", ["run", "--silent", "kernel:install"], { cwd: root, stdio: "inherit" });
  if (install.status !== 0) {
    console.error("Could not register the convlab kernel (npm run kernel:install failed).");
    return 1;
  }
  const subcommand = jupyterHas("lab") ? "lab" : jupyterHas("notebook") ? "notebook" : null;
  if (!subcommand) {
    console.error("Jupyter is not installed. Install JupyterLab (pip install jupyterlab) or the classic Notebook");
    console.error("(Debian/Ubuntu: apt install jupyter-notebook), then run `npm run lab` again.");
    return 1;
  }
  const args = [subcommand, "--ip=127.0.0.1", `--notebook-dir=${join(root, "notebooks")}`];
  // Containers (Docker, Codespaces) often run as root, which Jupyter refuses without this flag.
  if (process.getuid?.() === 0) args.push("--allow-root");
  args.push(...process.argv.slice(2));
  console.log(`Starting: jupyter ${args.join(" ")}`);
  const jupyter = spawn("jupyter", args, { cwd: join(root, "notebooks"), stdio: "inherit" });
  // Ctrl-C reaches Jupyter through the terminal's process group; this process just waits for it to finish.
  process.on("SIGINT", () => undefined);
  jupyter.on("exit", (code) => process.exit(code ?? 1));
  return 0;
}

const code = main();
if (code !== 0) process.exitCode = code;
