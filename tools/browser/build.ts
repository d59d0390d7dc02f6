// `npm run build:browser`: the browser build of convlab, dist/browser/ —
//   convlab.js          src/browser.ts bundled as one ES module (esbuild, platform "browser")
//   gemm.wasm conv.wasm the kernels from `npm run build:wasm`, fetched by the bundle from next to itself
//   plotly.min.js       the plotly.js partial bundle the package ships (loadPlotly)
//   data/fashion-mnist-subset/  the bundled subset, fetched by loadFashionMnist
// Every module with a `.browser.ts` sibling is swapped for it (src/platform/README.md), and esbuild refuses any
// `node:` import left, so nothing in the bundle needs Node.
import { build, type Plugin } from "esbuild";
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: tools/browser is two levels down, in src and in dist. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

export const ROOT = repositoryRoot();
export const BROWSER_DIR = join(ROOT, "dist", "browser");

/** Resolves `./x.js` imports in this repository's sources to `x.browser.ts` when there is one, else to `x.ts`. */
const browserSiblings: Plugin = {
  name: "convlab-browser-siblings",
  setup(builder) {
    builder.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      if (!args.importer.startsWith(ROOT) || args.importer.includes("node_modules")) return undefined;
      const target = resolve(args.resolveDir, args.path).replace(/\.js$/, "");
      if (target.endsWith(".browser")) return { path: `${target}.ts` };
      if (existsSync(`${target}.browser.ts`)) return { path: `${target}.browser.ts` };
      if (existsSync(`${target}.ts`)) return { path: `${target}.ts` };
      return undefined;
    });
  },
};

/**
 * Bundles one more entry (a test or bench page's code) the way convlab.js is bundled, into `outfile`.
 * `external`: imports left for the page's import map (e.g. "convlab" → the built ./convlab.js).
 */
export async function bundleForBrowser(entry: string, outfile: string, external: string[] = []): Promise<void> {
  await build({
    entryPoints: [entry], outfile, bundle: true, format: "esm", platform: "browser", target: "es2022",
    sourcemap: "inline", keepNames: true, logLevel: "warning", plugins: [browserSiblings], external,
  });
}

export interface BrowserBuild {
  dir: string;
  /** Bytes of convlab.js. */
  bundleBytes: number;
}

/** Builds the browser bundle into `outDir` (default dist/browser); needs dist/wasm from `npm run build:wasm`. */
export async function buildBrowser(outDir = BROWSER_DIR, options: { minify?: boolean } = {}): Promise<BrowserBuild> {
  for (const name of ["gemm", "conv"]) {
    if (!existsSync(join(ROOT, "dist", "wasm", `${name}.wasm`))) {
      throw new Error(`build:browser: dist/wasm/${name}.wasm is missing; run \`npm run build:wasm\` first`);
    }
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(ROOT, "src", "browser.ts")],
    outfile: join(outDir, "convlab.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: options.minify ?? true,
    // Error classes name themselves from their class (src/errors.ts): minified names would read "R: …".
    keepNames: true,
    sourcemap: true,
    legalComments: "linked",
    logLevel: "warning",
    plugins: [browserSiblings],
  });
  for (const name of ["gemm", "conv"]) copyFileSync(join(ROOT, "dist", "wasm", `${name}.wasm`), join(outDir, `${name}.wasm`));
  const plotly = createRequire(join(ROOT, "package.json")).resolve("plotly.js-cartesian-dist-min/plotly-cartesian.min.js");
  copyFileSync(plotly, join(outDir, "plotly.min.js"));
  cpSync(join(ROOT, "data", "fashion-mnist-subset"), join(outDir, "data", "fashion-mnist-subset"), { recursive: true });
  return { dir: outDir, bundleBytes: statSync(join(outDir, "convlab.js")).size };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildBrowser();
  console.log(`build:browser: ${built.dir}/convlab.js (${(built.bundleBytes / 1024).toFixed(0)} KiB), kernels, plotly.min.js, data subset`);
}
