// issue 18 item 9: after `kill -9` of its client the convlab kernel ran on as an orphan (ipykernel exits). The
// kernel is started here by Jupyter's own KernelManager (jupyter_client from the project's .venv, which sets
// JPY_PARENT_PID), the Python client is SIGKILLed, and the kernel must be gone within a few seconds.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parentToWatch } from "../../tools/jupyter-kernel/guard.js";
import { venvPython } from "../helpers/jupyter.js";
import { installKernelSpec, jupyterPathOf } from "./kernel-client.js";

// jupyter_client from the project's .venv (made now if needed; fails loudly, never skips).
const PYTHON = venvPython();

const CLIENT = `
import time
from jupyter_client import KernelManager
manager = KernelManager(kernel_name="convlab")
manager.start_kernel()
client = manager.client()
client.start_channels()
client.wait_for_ready(timeout=60)
provisioner = getattr(manager, "provisioner", None)
print(provisioner.pid if provisioner is not None else manager.kernel.pid, flush=True)
time.sleep(600)
`;

/** Running, and not a zombie waiting for a reaper (a container's init may never reap it). */
function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    return readFileSync(stat, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

describe("which parent the kernel watches", () => {
  it("Jupyter's JPY_PARENT_PID when it is the actual parent, else the parent it started with, none under init", () => {
    expect(parentToWatch({ JPY_PARENT_PID: "4242" }, 4242)).toBe(4242);
    // A wrapper between Jupyter and the kernel: watch the wrapper, which dies with (or instead of) Jupyter.
    expect(parentToWatch({ JPY_PARENT_PID: "4242" }, 5151)).toBe(5151);
    expect(parentToWatch({}, 5151)).toBe(5151);
    expect(parentToWatch({ JPY_PARENT_PID: "not a pid" }, 5151)).toBe(5151);
    expect(parentToWatch({}, 1)).toBeNull();
  });
});

describe("the kernel does not outlive its client", () => {
  let prefix = "";
  let kernelPid = 0;

  afterAll(() => {
    if (kernelPid && alive(kernelPid)) process.kill(kernelPid, "SIGKILL");
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  it("exits within 5 s of a kill -9 of the Jupyter client that started it", async () => {
    prefix = installKernelSpec();
    const client = spawn(PYTHON, ["-c", CLIENT], { env: { ...process.env, JUPYTER_PATH: jupyterPathOf(prefix) }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    client.stderr.on("data", (chunk) => (stderr += chunk));
    const pidLine = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      client.stdout.on("data", (chunk) => {
        stdout += chunk;
        if (stdout.includes("\n")) resolve(stdout.trim());
      });
      client.on("exit", () => reject(new Error(`the Jupyter client ended before the kernel was ready: ${stderr}`)));
    });
    kernelPid = Number(pidLine);
    expect(alive(kernelPid)).toBe(true);
    client.kill("SIGKILL");
    const killedAt = Date.now();
    while (alive(kernelPid) && Date.now() - killedAt < 15_000) await new Promise((resolve) => setTimeout(resolve, 100));
    const seconds = (Date.now() - killedAt) / 1000;
    expect(alive(kernelPid), `the kernel (pid ${kernelPid}) still runs ${seconds} s after its client was killed`).toBe(false);
    expect(seconds).toBeLessThan(5);
  }, 120_000);
});
