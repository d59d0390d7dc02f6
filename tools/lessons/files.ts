// Where lessons, notebooks and the built worker live, found from this file's location so every entry point
// (npm scripts, vitest, the site builder) agrees whichever directory it is started from.

import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Lesson, type LessonLang, parseLesson } from "./parse.js";

/**
 * The course whose lessons/ and notebooks/ the tools work on: `$CONVLAB_COURSE_ROOT` when set (the `convlab`
 * command sets it to the course repository it runs in, which may depend on convlab from node_modules), else
 * this repository.
 */
export function repoRoot(): string {
  const course = process.env.CONVLAB_COURSE_ROOT;
  return course ? resolve(course) : packageRoot();
}

/** The convlab package holding this file: the nearest folder above it whose package.json is named "convlab". */
export function packageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(folder, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "convlab") {
      return folder;
    }
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no convlab package.json above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
}

/** The folder of an edition's lessons, repository-relative: `lessons` (English) or `lessons/zh` (Chinese). */
export function lessonsFolderOf(lang: LessonLang): string {
  return lang === "zh" ? "lessons/zh" : "lessons";
}

/**
 * An edition's lesson files (`lessons/*.md`, or `lessons/zh/*.md` for the Chinese edition) sorted by name, as
 * repository-relative paths. lessons/README.md, lessons/zh/README.md (instructors' guides) and
 * lessons/zh/glossary.md (the glossary page) are not lessons.
 */
export function lessonFiles(root: string, lang: LessonLang = "en"): string[] {
  const relative = lessonsFolderOf(lang);
  const folder = join(root, relative);
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => !entry.isDirectory() || entry.name.endsWith(".md"))
    .map((entry) => entry.name)
    .filter((name) => name.endsWith(".md") && name !== "README.md" && !(lang === "zh" && name === "glossary.md"))
    .sort()
    .map((name) => `${relative}/${name}`);
}

/** Parses an edition's lessons; throws the first lesson's LessonLintError (use `lintLessons` to see them all). */
export function loadLessons(root: string, lang: LessonLang = "en"): Lesson[] {
  return lessonFiles(root, lang).map((file) => parseLesson(file, readFileSync(join(root, file), "utf8")));
}

/** The folder of an edition's notebooks, repository-relative: `notebooks` or `notebooks/zh`. */
export function notebooksFolderOf(lang: LessonLang): string {
  return lang === "zh" ? "notebooks/zh" : "notebooks";
}

/** A lesson's notebook, repository-relative: `notebooks/03-x.ipynb`, `notebooks/zh/03-x.ipynb`. */
export function notebookFile(lesson: Lesson): string {
  return `${notebooksFolderOf(lesson.lang)}/${lesson.slug}.ipynb`;
}

export function notebookPath(root: string, lesson: Lesson): string {
  return join(root, notebookFile(lesson));
}

/**
 * The working folder a lesson's cells run in, as in Jupyter: its notebook's folder (notebooks/ or notebooks/zh/).
 * Both are inside the course, so `import … from "convlab"` resolves from its node_modules, and the library finds
 * its data from its own location, not from this folder.
 */
export function lessonWorkingFolder(root: string, lesson: Lesson): string {
  return join(root, notebooksFolderOf(lesson.lang));
}

/** The compiled child-process entry that runs cells (tests run TypeScript sources, children run the build). */
export function workerPath(root: string): string {
  return join(root, "dist", "tools", "lessons", "worker.js");
}

/**
 * The browser build's own modules: tsconfig.json leaves them out (esbuild bundles them, `npm run build:browser`), so
 * dist/ never holds them and lessons never load them. Without this every run warned about them.
 */
function browserOnly(path: string): boolean {
  return path === "src/browser.ts" || path.endsWith(".browser.ts");
}

/** TypeScript sources of the library and of the runner that are not built, or edited since the build. */
export function sourcesNewerThanBuild(root: string): string[] {
  const newer: string[] = [];
  const visit = (folder: string) => {
    if (!existsSync(join(root, folder))) return;
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") && !browserOnly(path)) {
        const built = join(root, "dist", path.replace(/\.ts$/, ".js"));
        if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(root, path)).mtimeMs) newer.push(path);
      }
    }
  };
  for (const folder of ["src", "tools/lessons", "tools/jupyter-kernel"]) visit(folder);
  return newer;
}

/**
 * Stops a test run that cannot work (the library or the worker was never built), and warns when sources
 * changed since the build: `npm test` builds first, but vitest run alone after an edit tests the previous build.
 */
export function requireBuild(root: string): void {
  const entryPoints = [join(root, "dist", "src", "index.js"), workerPath(root)];
  const missing = entryPoints.filter((path) => !existsSync(path));
  if (missing.length > 0) throw new Error(`lessons run the built library and runner: run \`npm run build\` (missing ${missing.join(", ")})`);
  const newer = sourcesNewerThanBuild(root);
  if (newer.length > 0) {
    console.warn(`warning: changed since the last build, so lessons run the previous version (run \`npm run build\`): ${newer.join(", ")}`);
  }
}
