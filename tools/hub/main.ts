// `npm run hub [-- JUPYTERHUB ARGS]`: the class server. JupyterHub from the project's pinned .venv
// (tools/python/venv.sh installs requirements.txt on first use) with course/jupyterhub_config.py, the convlab
// kernel registered in that venv, configurable-http-proxy from node_modules. Listens on 127.0.0.1:8000 unless
// CONVLAB_HUB_IP/CONVLAB_HUB_PORT say otherwise; course/README.md has the rest (authentication, seeding, limits).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../lessons/files.js";
import { pythonEnv, registerKernel } from "../python/venv.js";
import { hubCommand } from "./hub-process.js";

function main(): void {
  const root = repoRoot();
  const python = pythonEnv(root);
  registerKernel(root, python.prefix);
  const { command, args, env } = hubCommand(root, python, process.env, process.argv.slice(2));
  const seed = env.CONVLAB_HUB_SEED ?? join(root, "out", "course", "student", "notebooks");
  if (!existsSync(seed)) {
    console.warn(`convlab hub: ${seed} does not exist yet; run \`npm run course\` (student edition) or set CONVLAB_HUB_SEED `
      + "to a folder of notebooks, or learners' ~/convlab will start empty.");
  }
  console.log(`Starting: ${command} ${args.join(" ")}`);
  const hub = spawn(command, args, { cwd: root, env, stdio: "inherit" });
  // Ctrl-C reaches JupyterHub through the terminal's process group; it stops the servers and the proxy itself.
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", () => hub.kill("SIGTERM"));
  hub.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
