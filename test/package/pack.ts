// `npm pack` of this repository as it is built now, into a temporary folder: what `npm publish` would upload.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
