// notebooks/ from lessons/: writing them, and finding the ones that are out of date.

import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { notebookFile, notebookPath, notebooksFolderOf } from "./files.js";
import { lessonToNotebook, serializeNotebook } from "./notebook.js";
import type { Lesson } from "./parse.js";
import { applyCiOverrides } from "./transform.js";

export interface StaleNotebooks {
  /** notebooks/*.ipynb (notebooks/zh/*.ipynb) that differ from what their lesson generates, or are missing. */
  outdated: string[];
  /** notebooks/*.ipynb and notebooks/zh/*.ipynb without a lesson. */
  orphaned: string[];
}

/** The notebooks in notebooks/ and notebooks/zh/, repository-relative. */
function notebookFilesOnDisk(root: string): string[] {
  return [notebooksFolderOf("en"), notebooksFolderOf("zh")].flatMap((relative) => {
    const folder = join(root, relative);
    return existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith(".ipynb")).map((name) => `${relative}/${name}`) : [];
  });
}

/** `lessons` may hold both editions (English and lessons/zh/): each is checked against its own notebook. */
export function findStaleNotebooks(root: string, lessons: Lesson[]): StaleNotebooks {
  const outdated = lessons
    .filter((lesson) => {
      const path = notebookPath(root, lesson);
      return !existsSync(path) || readFileSync(path, "utf8") !== serializeNotebook(lessonToNotebook(lesson));
    })
    .map(notebookFile);
  const expected = new Set(lessons.map(notebookFile));
  const orphaned = notebookFilesOnDisk(root).filter((file) => !expected.has(file));
  return { outdated, orphaned };
}

/**
 * Writes every lesson's notebook (notebooks/, notebooks/zh/ for the Chinese edition) and deletes notebooks whose
 * lesson is gone. Returns the paths written.
 */
export function writeNotebooks(root: string, lessons: Lesson[]): string[] {
  mkdirSync(join(root, "notebooks"), { recursive: true });
  const { orphaned } = findStaleNotebooks(root, lessons);
  for (const path of orphaned) unlinkSync(join(root, path));
  return lessons.map((lesson) => {
    mkdirSync(dirname(notebookPath(root, lesson)), { recursive: true });
    writeFileSync(notebookPath(root, lesson), serializeNotebook(lessonToNotebook(lesson)));
    return notebookFile(lesson);
  });
}

/**
 * Writes CI copies of the notebooks to `folder`: code cells with `ci` values (metadata.convlab.ci) have them
 * substituted, for runners that execute a notebook's code as it is (`pytest --nbmake`). notebooks/ never carries
 * them; our own runners apply the values themselves (`notebooks:exec -- --quick`). The folder must be inside the
 * course so that cells resolve `convlab` from its node_modules. Chinese lessons go to `folder/zh/`, as in notebooks/.
 */
export function writeQuickNotebooks(folder: string, lessons: Lesson[]): string[] {
  mkdirSync(folder, { recursive: true });
  return lessons.map((lesson) => {
    const notebook = lessonToNotebook(lesson);
    for (const cell of notebook.cells) {
      const ci = (cell.metadata as { convlab?: { ci?: Record<string, unknown> } }).convlab?.ci;
      if (cell.cell_type === "code" && ci) cell.source = applyCiOverrides(cell.source.join(""), ci).split(/(?<=\n)/);
    }
    const path = join(folder, ...(lesson.lang === "zh" ? ["zh"] : []), `${lesson.slug}.ipynb`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, serializeNotebook(notebook));
    return path;
  });
}
