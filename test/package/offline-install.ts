// Installs the packed convlab tarball into a fresh project with no network: npm needs no registry metadata when
// the project has a complete package-lock.json, so one is written from this repository's own lock (the same
// versions, hence tarballs already in the npm cache after `npm install`/`npm ci` here) plus an entry for the
// tarball, and `npm ci --offline` installs it. Nothing is mocked: npm unpacks the real tarballs.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface Manifest {
  name: string;
  version: string;
  license?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
}

/** Where Node would find `name` from the package at `location` in a lock's tree ("" is the root). */
function resolveIn(packages: Record<string, LockEntry>, location: string, name: string): string | null {
  let base = location;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return null;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut < 0 ? "" : base.slice(0, cut);
  }
}

/**
 * The tarball URL npm would fetch for the package at `location` (`…/node_modules/@scope/name`). This repository's
 * lock records no `resolved` URLs (npm here omits them), and without one `npm ci --offline` asks for the package's
 * registry metadata, which the cache may not hold; with one it takes the tarball from the cache by its integrity.
 */
function tarballUrl(registry: string, location: string, version: string): string {
  const name = location.slice(location.lastIndexOf("node_modules/") + "node_modules/".length);
  return `${registry.replace(/\/?$/, "/")}${name}/-/${name.split("/").pop()}-${version}.tgz`;
}

/** The entries of `packages` that `names` (resolved from the root) need, at the same places in the tree. */
function closure(packages: Record<string, LockEntry>, names: string[]): Record<string, LockEntry> {
  const registry = spawnSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).stdout.trim();
  const kept: Record<string, LockEntry> = {};
  const pending = names.map((name) => {
    const location = resolveIn(packages, "", name);
    if (!location) throw new Error(`offline install: ${name} is not in this repository's package-lock.json`);
    return location;
  });
  while (pending.length > 0) {
    const location = pending.pop()!;
    if (kept[location]) continue;
    const entry = packages[location];
    kept[location] = { ...entry, dev: true, resolved: (entry.resolved as string | undefined) ?? tarballUrl(registry, location, entry.version!) };
    const peers = Object.keys(entry.peerDependencies ?? {}).filter((name) => !entry.peerDependenciesMeta?.[name]?.optional);
    for (const name of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers]) {
      const found = resolveIn(packages, location, name);
      if (found) pending.push(found);
      else if (!entry.optionalDependencies?.[name]) throw new Error(`offline install: ${location} needs ${name}, missing from the lock`);
    }
  }
  return kept;
}

/**
 * Writes package.json and package-lock.json for a project at `folder` whose devDependencies are the convlab
 * tarball and `others` (names whose versions come from this repository's lock), then runs `npm ci --offline`.
 */
export function installOffline(repoRoot: string, folder: string, tarball: string, others: string[]): void {
  const repoLock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const packed = JSON.parse(
    spawnSync("tar", ["-xOzf", tarball, "package/package.json"], { encoding: "utf8", maxBuffer: 1 << 24 }).stdout,
  ) as Manifest;
  const spec = `file:${basename(tarball)}`;
  const direct: Record<string, string> = { convlab: spec };
  for (const name of others) direct[name] = repoLock.packages[`node_modules/${name}`]!.version!;
  const packages: Record<string, LockEntry> = {
    "": { name: "my-course", devDependencies: direct },
    ...closure(repoLock.packages, [...others, ...Object.keys(packed.dependencies ?? {})]),
    "node_modules/convlab": {
      version: packed.version,
      resolved: spec,
      integrity: `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`,
      dev: true,
      license: packed.license,
      dependencies: packed.dependencies,
      bin: packed.bin,
      engines: packed.engines,
      peerDependencies: packed.peerDependencies,
      peerDependenciesMeta: packed.peerDependenciesMeta,
    },
  };
  writeFileSync(join(folder, "package.json"), JSON.stringify({ name: "my-course", private: true, type: "module", devDependencies: direct }, null, 2));
  writeFileSync(join(folder, "package-lock.json"), JSON.stringify({ name: "my-course", lockfileVersion: 3, requires: true, packages }, null, 2));
  // --ignore-scripts: zeromq ships prebuilt binaries; its install script would try a download or a compiler.
  const install = spawnSync("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: folder, encoding: "utf8" });
  if (install.status !== 0) {
    throw new Error(
      `npm ci --offline failed in ${folder} (the npm cache needs these packages' tarballs: run \`npm ci\` in this ` +
        `repository once with network):\n${install.stdout}\n${install.stderr}`,
    );
  }
}
