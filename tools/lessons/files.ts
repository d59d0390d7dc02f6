// Where lessons, notebooks and the built worker live, found from this file's location so every entry point
// (npm scripts, vitest, the site builder) agrees whichever directory it is started from.

import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Lesson, parseLesson } from "./parse.js";

/** The repository root: the nearest folder above this file whose package.json is named "convlab". */
export function repoRoot(): string {
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

/** Lesson files (`lessons/*.md`) sorted by name, as repository-relative paths. */
export function lessonFiles(root: string): string[] {
  const folder = join(root, "lessons");
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `lessons/${name}`);
}

/** Parses every lesson; throws the first lesson's LessonLintError (use `lintLessons` to see them all). */
export function loadLessons(root: string): Lesson[] {
  return lessonFiles(root).map((file) => parseLesson(file, readFileSync(join(root, file), "utf8")));
}

export function notebookPath(root: string, lesson: Lesson): string {
  return join(root, "notebooks", `${lesson.slug}.ipynb`);
}

/** The compiled child-process entry that runs cells (tests run TypeScript sources, children run the build). */
export function workerPath(root: string): string {
  return join(root, "dist", "tools", "lessons", "worker.js");
}

/** TypeScript sources (of the library and of the runner) newer than their build: runs would test old code. */
export function staleBuildOutputs(root: string): string[] {
  const stale: string[] = [];
  const visit = (folder: string) => {
    if (!existsSync(join(root, folder))) return;
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const built = join(root, "dist", path.replace(/\.ts$/, ".js"));
        if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(root, path)).mtimeMs) stale.push(path);
      }
    }
  };
  for (const folder of ["src", "tools/lessons", "tools/kernel"]) visit(folder);
  return stale;
}
