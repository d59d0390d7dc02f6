// convlab outside this repository: the package as `npm pack` makes it, installed from the tarball with no network
// into fresh projects. A library user (convlab + their own TypeScript) gets the library, its runtime packages and
// no lesson tooling; imports work from plain ESM, CommonJS and TypeScript 5.9 (nodenext and bundler resolution).
// A course author (convlab + tslab + markdown-it + katex) runs `npx convlab test` on two lessons: one passes, one fails
// naming its file and line, and the exit code and the closing "N passed, N failed" line say so.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { jupyterEnv } from "../helpers/jupyter.js";
import { installOffline } from "./offline-install.js";
import { usePackedConvlab } from "./pack.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

// The worked example of lesson 02, as a batch of one image with one channel.
const CONVOLUTION = `const x = tensor([[[[0, 1, 2], [3, 4, 5], [6, 7, 8]]]]);
const w = tensor([[[[0, 1], [2, 3]]]]);
console.log(JSON.stringify(F.conv2d(x, w).toArray()));`;
const CONVOLUTION_OUTPUT = "[[[[19,25],[37,43]]]]";

let packed: { folder: string; tarball: string };
usePackedConvlab(REPO, (made) => (packed = made));

/** A new project folder holding a copy of the tarball, installed offline with `others` beside convlab. */
function project(name: string, others: string[]): string {
  const folder = join(packed.folder, name);
  mkdirSync(folder);
  copyFileSync(packed.tarball, join(folder, basename(packed.tarball)));
  installOffline(REPO, folder, join(folder, basename(packed.tarball)), others);
  return folder;
}

function run(folder: string, command: string, args: string[], timeout = 120_000, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  // npm_config_offline: `npx` must find the project's own bin and never ask the registry.
  return spawnSync(command, args, { cwd: folder, encoding: "utf8", timeout, env: { ...process.env, npm_config_offline: "true", ...env } });
}

function output(result: SpawnSyncReturns<string>): string {
  return `${result.stdout}\n${result.stderr}`;
}

describe("a library user's project: convlab and the user's own TypeScript 5.9", () => {
  let app = "";

  beforeAll(() => {
    app = project("app", ["typescript", "@types/node"]);
  }, 300_000);

  it("installs the library and its runtime packages, not the lesson tooling, and no foreign tsc", () => {
    const installed = readdirSync(join(app, "node_modules")).filter((name) => !name.startsWith("."));
    for (const tooling of ["tslab", "zeromq", "markdown-it", "katex", "highlight.js", "minisearch", "@tslab"]) expect(installed).not.toContain(tooling);
    expect(installed).toEqual(expect.arrayContaining(["convlab", "cli-progress", "plotly.js-cartesian-dist-min", "typescript"]));
    expect(readdirSync(join(app, "node_modules", ".bin")).sort()).toEqual(["convlab", "tsc", "tsserver"]);
    expect(readlinkSync(join(app, "node_modules", ".bin", "tsc"))).toBe("../typescript/bin/tsc");
    expect(run(app, "npx", ["tsc", "--version"]).stdout.trim()).toBe("Version 5.9.3");
    // The self-link this repository's notebooks use is not part of what users install.
    const manifest = JSON.parse(readFileSync(join(app, "node_modules", "convlab", "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).not.toContain("convlab");
  });

  it("plain Node ESM imports convlab and runs a convolution", () => {
    writeFileSync(join(app, "esm.mjs"), `import { tensor, F } from "convlab";\n${CONVOLUTION}\n`);
    const result = run(app, process.execPath, ["esm.mjs"]);
    expect(output(result)).toContain(CONVOLUTION_OUTPUT);
    expect(result.status).toBe(0);
  });

  it("CommonJS require works (the package is ES modules; Node >= 20.19 requires them)", () => {
    writeFileSync(join(app, "cjs.cjs"), `const { tensor, F } = require("convlab");\n${CONVOLUTION}\n`);
    const result = run(app, process.execPath, ["cjs.cjs"]);
    expect(output(result)).toContain(CONVOLUTION_OUTPUT);
    expect(result.status).toBe(0);
  });

  const compilerOptions = {
    nodenext: { module: "nodenext", moduleResolution: "nodenext", outDir: "built" },
    bundler: { module: "preserve", moduleResolution: "bundler", noEmit: true },
  };
  for (const [resolution, options] of Object.entries(compilerOptions)) {
    it(`a TypeScript file compiles against convlab with moduleResolution ${resolution} (skipLibCheck off)`, () => {
      const folder = join(app, `ts-${resolution}`);
      mkdirSync(folder);
      writeFileSync(join(folder, "tsconfig.json"), JSON.stringify({
        compilerOptions: { target: "es2022", strict: true, skipLibCheck: false, types: ["node"], ...options },
        include: ["index.ts", "wrong.ts"],
      }));
      writeFileSync(join(folder, "index.ts"), `import { tensor, F, nn, type Tensor } from "convlab";\n${CONVOLUTION}\n` +
        "const conv: nn.Conv2d = new nn.Conv2d(1, 1, 2);\nconst y: Tensor = conv.forward(x);\nconsole.log(y.shape.join('x'));\n");
      // The types are really read: a name convlab does not export is an error, not an `any`. One compiler run
      // checks both files (the machine is shared); index.ts must have no error at all.
      writeFileSync(join(folder, "wrong.ts"), `import { notAnExport } from "convlab";\nconsole.log(notAnExport);\n`);
      const tsc = join(app, "node_modules", "typescript", "bin", "tsc");
      const compiled = run(folder, process.execPath, [tsc, "-p", "."], 600_000);
      expect(compiled.status).not.toBe(0);
      expect(compiled.stdout.trim().split("\n")).toEqual([
        `wrong.ts(1,10): error TS2305: Module '"convlab"' has no exported member 'notAnExport'.`,
      ]);
      if (resolution === "nodenext") {
        const result = run(folder, process.execPath, [join("built", "index.js")]);
        expect(result.stdout).toBe(`${CONVOLUTION_OUTPUT}\n1x1x2x2\n`);
      }
    }, 600_000);
  }

  it("`convlab test` without the lesson tooling says what to install", () => {
    mkdirSync(join(app, "lessons"));
    writeFileSync(join(app, "lessons", "01-one.md"), "# One\n\n```ts\n1 + 1\n```\n");
    const result = run(app, "npx", ["convlab", "test"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("convlab test needs markdown-it, katex, tslab, zeromq, which are not installed");
    expect(result.stderr).toMatch(/npm install --save-dev markdown-it@"\^15[^"]*" katex@"\^0\.19[^"]*" tslab@"\^1[^"]*"\n/);
  });
});

const PASSING = `# A convolution that works

\`\`\`ts
import { tensor, corr2d, check } from "convlab";
\`\`\`

The four sums of a 2×2 kernel over a 3×3 input:

\`\`\`ts
const out = corr2d(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), tensor([[0, 1], [2, 3]]));
check(out).equals([[19, 25], [37, 43]]);
\`\`\`
`;

// The failing cell's fence is on line 9.
const FAILING = PASSING.replace("# A convolution that works", "# A check that fails").replace("[37, 43]]);", "[37, 44]]);");

describe("a course repository: convlab, tslab, markdown-it and katex, two lessons, `npx convlab test`", () => {
  let course = "";
  let test: SpawnSyncReturns<string>;

  beforeAll(() => {
    course = project("course", ["tslab", "markdown-it", "katex"]);
    mkdirSync(join(course, "lessons"));
    writeFileSync(join(course, "lessons", "01-passing.md"), PASSING);
    writeFileSync(join(course, "lessons", "02-failing.md"), FAILING);
    // The course's Jupyter is this repository's .venv (a course has its own; CONVLAB_JUPYTER names it).
    test = run(course, "npx", ["convlab", "test"], 900_000, { CONVLAB_JUPYTER: jupyterEnv().jupyter });
  }, 1_200_000);

  it("runs the passing lesson and reports it ok", () => {
    expect(test.stdout).toMatch(/ok {4}lessons\/01-passing\.md/);
  });

  it("fails the other lesson, naming its file, line, cell and the failed check", () => {
    expect(test.stdout).toContain("FAIL  lessons/02-failing.md");
    expect(test.stdout).toContain("lessons/02-failing.md:9: cell error");
    expect(test.stdout).toContain("check(out).equals([[19, 25], [37, 44]]);");
    expect(test.stdout).toContain("CheckError: check(actual).equals: expected 44, got 43 at index [1, 1]");
  });

  it("runs both notebooks in the real kernel too; the failing cell is named by its lesson line", () => {
    expect(test.stdout).toMatch(/PASS .*01-passing\.ipynb/);
    expect(test.stdout).toMatch(/FAIL .*02-failing\.ipynb/);
    expect(test.stdout).toContain("[lessons/02-failing.md:9]: error: CheckError");
  });

  it("exits non-zero and ends with the line CI systems read", () => {
    expect(test.status, output(test)).toBe(1);
    expect(test.stdout.trim().split("\n").at(-1)).toBe("2 passed, 2 failed");
  });

  it("lints the lessons and generates their notebooks, which the kernel can open", () => {
    const lint = run(course, "npx", ["convlab", "lessons", "lint"]);
    expect(lint.stdout).toContain("2 lesson(s) lint clean.");
    expect(lint.status).toBe(0);
    const notebooks = run(course, "npx", ["convlab", "notebooks"]);
    expect(notebooks.status, output(notebooks)).toBe(0);
    const notebook = JSON.parse(readFileSync(join(course, "notebooks", "01-passing.ipynb"), "utf8")) as { metadata: { kernelspec: { name: string } } };
    expect(notebook.metadata.kernelspec.name).toBe("convlab");
    expect(run(course, "npx", ["convlab", "notebooks", "--check"]).status).toBe(0);
  }, 300_000);
});
