// `npm pack` of this repository as it is built now, into a temporary folder: what `npm publish` would upload.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

export function packConvlab(repoRoot: string): { folder: string; tarball: string } {
  for (const built of ["dist/src/index.js", "dist/tools/cli/main.js", "dist/wasm/conv.wasm"]) {
    if (!existsSync(join(repoRoot, built))) throw new Error(`${built} is missing: run \`npm run build\` before the package tests`);
  }
  const folder = mkdtempSync(join(tmpdir(), "convlab-pack-"));
  // --ignore-scripts: `prepare` only links node_modules/convlab for this checkout; packing needs nothing else.
  const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", folder], { cwd: repoRoot, encoding: "utf8" });
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const [{ filename }] = JSON.parse(pack.stdout) as { filename: string }[];
  return { folder, tarball: join(folder, filename) };
}

/** One packed tarball for a whole test file, removed after its tests; `use` receives it. */
export function usePackedConvlab(repoRoot: string, use: (packed: { folder: string; tarball: string }) => void): void {
  let folder = "";
  beforeAll(() => {
    const packed = packConvlab(repoRoot);
    folder = packed.folder;
    use(packed);
  }, 120_000);
  afterAll(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });
}
