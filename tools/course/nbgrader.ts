// `npm run nbgrader -- <command> ...`: nbgrader from the project's .venv (requirements.txt pins it), run in the
// course folder out/course/ (where `npm run course` put nbgrader_config.py and source/), with the venv's bin/ on
// PATH (nbgrader calls alembic from it) and the convlab kernel registered in the venv (autograde runs it).
//   npm run nbgrader -- generate_assignment 02-cross-correlation
//   npm run nbgrader -- autograde 02-cross-correlation
//   CONVLAB_COURSE_DIR=/elsewhere npm run nbgrader -- ...      another course folder
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { repoRoot } from "../lessons/files.js";
import { pythonEnv, registerKernel } from "../python/venv.js";

function main(): number {
  const root = repoRoot();
  const course = process.env.CONVLAB_COURSE_DIR ? resolve(process.env.CONVLAB_COURSE_DIR) : join(root, "out", "course");
  if (!existsSync(join(course, "nbgrader_config.py"))) {
    console.error(`nbgrader: ${course} is not a course folder yet (no nbgrader_config.py): run \`npm run course\` first.`);
    return 1;
  }
  const python = pythonEnv(root);
  registerKernel(root, python.prefix);
  const run = spawnSync(join(python.prefix, "bin", "nbgrader"), process.argv.slice(2), { cwd: course, env: python.env, stdio: "inherit" });
  if (run.error) {
    console.error(`nbgrader: ${run.error.message}`);
    return 1;
  }
  return run.status ?? 1;
}

process.exitCode = main();
