// `npm run bench -- --with-torch2`: PyTorch 2.13 (CPU build) in the project's .venv, on request only.
// The pin lives in requirements.txt as a comment, `# bench: torch==X.Y.Z`, next to the Python tools' real pins:
// one file holds every Python version the project uses, yet `pip install -r requirements.txt` (venv.sh: npm test,
// CI, npm run lab) never installs torch — only this bench step reads that line. pip takes the CPU build from the
// machine's local file; any other version would pull a multi-GB CUDA build from PyPI, so exactly the pin is asked.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT, torchVersion, VENV_PYTHON } from "./spawn.js";

const REQUIREMENTS = join(PROJECT_ROOT, "requirements.txt");
const PIN_LINE = /^#\s*bench:\s*torch==(\S+)\s*$/m;

/** The torch version pinned by requirements.txt's `# bench: torch==…` line. */
export function torch2Pin(text = readFileSync(REQUIREMENTS, "utf8")): string {
  const match = PIN_LINE.exec(text);
  if (!match) throw new Error(`bench: ${REQUIREMENTS} has no '# bench: torch==X.Y.Z' line (the pin --with-torch2 installs)`);
  return match[1];
}

/**
 * Makes .venv (tools/python/venv.sh) and installs torch==<pin> into it unless that version already imports.
 * Returns the installed version; throws with pip's output when the install fails.
 */
export function ensureTorch2(log: (line: string) => void): string {
  const pin = torch2Pin();
  const venv = spawnSync("bash", [join(PROJECT_ROOT, "tools", "python", "venv.sh")], { stdio: ["ignore", "inherit", "inherit"] });
  if (venv.status !== 0) throw new Error("bench: --with-torch2: tools/python/venv.sh failed (see above)");
  const found = torchVersion(VENV_PYTHON);
  // torch.__version__ of a CPU wheel may carry a local tag ("2.13.0+cpu").
  if ("version" in found && found.version.split("+")[0] === pin) {
    log(`bench: --with-torch2: .venv already has torch ${found.version}`);
    return found.version;
  }
  log(`bench: --with-torch2: installing torch==${pin} into .venv (${"version" in found ? `replacing ${found.version}` : "not installed yet"})`);
  const pip = spawnSync(VENV_PYTHON, ["-m", "pip", "install", "--disable-pip-version-check", `torch==${pin}`],
    { stdio: ["ignore", "inherit", "inherit"] });
  const after = torchVersion(VENV_PYTHON);
  if (pip.status !== 0 || !("version" in after)) {
    throw new Error(`bench: --with-torch2: pip install torch==${pin} failed (exit ${pip.status})${"reason" in after ? `; ${after.reason}` : ""}`);
  }
  log(`bench: --with-torch2: .venv now has torch ${after.version}`);
  return after.version;
}
