// `npm run lab`: JupyterLab 4 on notebooks/, bound to 127.0.0.1 with a token, using the project's .venv
// (tools/python/venv.sh installs requirements.txt into it on first use) and the "TypeScript (convlab)" kernel
// registered in that venv. Jupyter prints the URL with its token; we repeat it once the server is up.
//   npm run lab                         JupyterLab
//   npm run lab -- --notebook           Notebook 7 instead
//   npm run lab -- --no-browser --port 8899     other arguments go to Jupyter
//   CONVLAB_JUPYTER=/path/to/jupyter npm run lab   a Jupyter you already have (kernel: npm run kernel:install)

import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./lessons/files.js";
import { findStaleNotebooks } from "./lessons/generate.js";
import { lintLessons } from "./lessons/lint.js";
import { pythonEnv, registerKernel } from "./python/venv.js";

function main(): number {
  const root = repoRoot();
  const { lessons, zhLessons, problems } = lintLessons(root);
  const { outdated, orphaned } = findStaleNotebooks(root, [...lessons, ...zhLessons]);
  if (problems.length > 0 || outdated.length + orphaned.length > 0) {
    // Not regenerated here: that would overwrite edits made in Jupyter. Lessons are the source.
    console.warn(`notebooks/ is not in step with lessons/ (${[...outdated, ...orphaned].join(", ") || "lint problems"}); run \`npm run notebooks\`.`);
  }

  let python;
  try {
    python = pythonEnv(root);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  if (process.env.CONVLAB_JUPYTER) {
    // The user's own Jupyter reads the user's kernels folder.
    const install = spawnSync("npm", ["run", "--silent", "kernel:install"], { cwd: root, stdio: "inherit" });
    if (install.status !== 0) {
      console.error("Could not register the convlab kernel (npm run kernel:install failed).");
      return 1;
    }
  } else {
    registerKernel(root, python.prefix);
  }

  const extra = process.argv.slice(2);
  const subcommand = extra.includes("--notebook") ? "notebook" : "lab";
  const args = [subcommand, "--ip=127.0.0.1", `--ServerApp.root_dir=${join(root, "notebooks")}`,
    ...extra.filter((arg) => arg !== "--notebook")];
  // Containers (Docker, Codespaces) often run as root, which Jupyter refuses without this flag.
  if (process.getuid?.() === 0 && !args.includes("--allow-root")) args.push("--allow-root");
  console.log(`Starting: ${python.jupyter} ${args.join(" ")}`);
  const jupyter = spawn(python.jupyter, args, { cwd: join(root, "notebooks"), env: python.env, stdio: ["inherit", "inherit", "pipe"] });
  // Jupyter logs to stderr; pass it through and repeat the URL (with its token) plainly once it appears.
  let toldUrl = false;
  jupyter.stderr!.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    process.stderr.write(text);
    const url = /http:\/\/127\.0\.0\.1:\d+\/(lab|tree)\?token=[0-9a-f]+/.exec(text);
    if (url && !toldUrl) {
      toldUrl = true;
      console.log(`\nconvlab: ${subcommand === "lab" ? "JupyterLab" : "Notebook 7"} is at ${url[0]}\n`);
    }
  });
  // Ctrl-C reaches Jupyter through the terminal's process group; this process just waits for it to finish.
  process.on("SIGINT", () => undefined);
  // Stopped some other way (kill, a supervisor): stop Jupyter and its kernels too rather than orphan them.
  process.on("SIGTERM", () => jupyter.kill("SIGTERM"));
  jupyter.on("exit", (code) => process.exit(code ?? 1));
  return 0;
}

const code = main();
if (code !== 0) process.exitCode = code;
