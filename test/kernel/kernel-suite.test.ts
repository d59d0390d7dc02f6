// Runs Jupyter's own kernel conformance suite (Debian's python3-jupyter-kernel-test) against the
// convlab kernel installed into a temporary prefix, and requires every test to pass.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { installKernelSpec, jupyterPathOf } from "./kernel-client.js";

const PYTHON = "/usr/bin/python3";

function kernelTestAvailable(): boolean {
  const probe = spawnSync(PYTHON, ["-c", "import jupyter_kernel_test, jupyter_client"], { encoding: "utf8" });
  return probe.status === 0;
}

const available = kernelTestAvailable();
if (!available) {
  console.warn(
    "\n*** SKIPPING the Jupyter kernel conformance suite: /usr/bin/python3 cannot import jupyter_kernel_test.\n" +
      "*** Install it with: apt-get install python3-jupyter-kernel-test python3-jupyter-client\n",
  );
}

describe("jupyter_kernel_test suite against the convlab kernel", () => {
  it.skipIf(!available)("passes every conformance test (none skipped)", () => {
    const prefix = installKernelSpec();
    const run = spawnSync(PYTHON, ["-m", "unittest", "-v", "test_convlab_kernel"], {
      cwd: import.meta.dirname,
      env: { ...process.env, JUPYTER_PATH: jupyterPathOf(prefix) },
      encoding: "utf8",
      timeout: 240_000,
    });
    rmSync(prefix, { recursive: true, force: true });
    const report = run.stderr;
    const ran = Number(/Ran (\d+) tests?/.exec(report)?.[1] ?? 0);
    const skipped = Number(/skipped=(\d+)/.exec(report)?.[1] ?? 0);
    console.log(`kernel conformance suite: ${ran} tests, ${ran - skipped} passed, ${skipped} skipped`);
    expect(run.status, report).toBe(0);
    expect(report).toMatch(/\nOK( \(skipped=\d+\))?\s*$/);
    // 12 tests exist in jupyter_kernel_test 0.4.5; our class supplies samples for all of them.
    expect(ran).toBeGreaterThanOrEqual(12);
    expect(skipped).toBe(0);
  }, 300_000);
});
