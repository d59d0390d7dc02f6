// How to start JupyterHub with course/jupyterhub_config.py from the project's venv: shared by `npm run hub`,
// the load test (tools/hub/load.ts) and test/course/hub.test.ts, so all three run the same hub.
import { join } from "node:path";
import type { PythonEnv } from "../python/venv.js";

export interface HubCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export function hubCommand(root: string, python: PythonEnv, env: NodeJS.ProcessEnv, extraArgs: string[] = []): HubCommand {
  return {
    command: join(python.prefix, "bin", "jupyterhub"),
    args: ["-f", join(root, "course", "jupyterhub_config.py"), ...extraArgs],
    env: { ...python.env, ...env, PATH: python.env.PATH },
  };
}
