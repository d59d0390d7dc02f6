// notebooks/ from lessons/: writing them, and finding the ones that are out of date.

import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { notebookPath } from "./files.js";
import { lessonToNotebook, serializeNotebook } from "./notebook.js";
import type { Lesson } from "./parse.js";
import { applyCiOverrides } from "./transform.js";

export interface StaleNotebooks {
  /** notebooks/*.ipynb that differ from what their lesson generates, or are missing. */
  outdated: string[];
  /** notebooks/*.ipynb without a lesson. */
  orphaned: string[];
}

function notebookFilesOnDisk(root: string): string[] {
  const folder = join(root, "notebooks");
  return existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith(".ipynb")) : [];
}

export function findStaleNotebooks(root: string, lessons: Lesson[]): StaleNotebooks {
  const outdated = lessons
    .filter((lesson) => {
      const path = notebookPath(root, lesson);
      return !existsSync(path) || readFileSync(path, "utf8") !== serializeNotebook(lessonToNotebook(lesson));
    })
    .map((lesson) => `notebooks/${lesson.slug}.ipynb`);
  const expected = new Set(lessons.map((lesson) => `${lesson.slug}.ipynb`));
  const orphaned = notebookFilesOnDisk(root)
    .filter((name) => !expected.has(name))
    .map((name) => `notebooks/${name}`);
  return { outdated, orphaned };
}

/** Writes every lesson's notebook to notebooks/ and deletes notebooks whose lesson is gone. Returns the paths written. */
export function writeNotebooks(root: string, lessons: Lesson[]): string[] {
  mkdirSync(join(root, "notebooks"), { recursive: true });
  const { orphaned } = findStaleNotebooks(root, lessons);
  for (const path of orphaned) unlinkSync(join(root, path));
  return lessons.map((lesson) => {
    writeFileSync(notebookPath(root, lesson), serializeNotebook(lessonToNotebook(lesson)));
    return `notebooks/${lesson.slug}.ipynb`;
  });
}

/**
 * Writes CI copies of the notebooks to `folder`: code cells with `ci` values (metadata.convlab.ci) have them
 * substituted, for runners that execute a notebook's code as it is (`pytest --nbmake`). notebooks/ never carries
 * them; our own runners apply the values themselves (`notebooks:exec -- --quick`). The folder must be inside the
 * course so that cells resolve `convlab` from its node_modules.
 */
export function writeQuickNotebooks(folder: string, lessons: Lesson[]): string[] {
  mkdirSync(folder, { recursive: true });
  return lessons.map((lesson) => {
    const notebook = lessonToNotebook(lesson);
    for (const cell of notebook.cells) {
      const ci = (cell.metadata as { convlab?: { ci?: Record<string, unknown> } }).convlab?.ci;
      if (cell.cell_type === "code" && ci) cell.source = applyCiOverrides(cell.source.join(""), ci).split(/(?<=\n)/);
    }
    const path = join(folder, `${lesson.slug}.ipynb`);
    writeFileSync(path, serializeNotebook(notebook));
    return path;
  });
}
