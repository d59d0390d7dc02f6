// The Chinese edition's glossary (lessons/zh/glossary.md, rendered as the 术语表 page of out/site/zh/) and its
// variants rule (ZH-SPEC.md): a lesson uses the preferred term (first column); another common name (fourth
// column, e.g. 池化层 for 汇聚层) may appear only on a line that also has the preferred term — the sentence that
// says they are the same. A struck-through name (~~核函数~~) is never used, except inside a 常见误区 box (the
// blockquote that starts with `> **常见误区**` and the `//| zh-only` cell after it), which corrects it.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { lessonFiles } from "./files.js";

export const GLOSSARY_FILE = "lessons/zh/glossary.md";

export interface GlossaryTerm {
  /** The preferred names (first column; `扩张卷积、空洞卷积` lists two equally preferred ones). */
  preferred: string[];
  english: string;
  api: string;
  /** Other common names, allowed only beside a preferred name. */
  variants: string[];
  /** Names never used outside a 常见误区 box (written ~~struck through~~ in the glossary). */
  banned: string[];
  /** 1-based line of the row in glossary.md. */
  line: number;
}

const cellsOf = (row: string) => row.trim().replace(/^\||\|$/g, "").split("|").map((cell) => cell.trim());
const names = (cell: string) => cell.split(/[、,，]/).map((name) => name.trim()).filter(Boolean);

/** The glossary's table rows (a markdown table with columns 中文 | English | convlab / PyTorch | 其他译名). */
export function parseGlossary(text: string): GlossaryTerm[] {
  const terms: GlossaryTerm[] = [];
  text.split("\n").forEach((row, index) => {
    if (!row.trim().startsWith("|")) return;
    const [chinese = "", english = "", api = "", others = ""] = cellsOf(row);
    if (chinese === "中文" || /^:?-{3,}:?$/.test(chinese)) return; // the header and its rule
    const variants: string[] = [];
    const banned: string[] = [];
    for (const name of names(others)) {
      const struck = /^~~(.+)~~$/.exec(name);
      if (struck) banned.push(struck[1]);
      else variants.push(name);
    }
    terms.push({ preferred: names(chinese), english, api, variants, banned, line: index + 1 });
  });
  return terms;
}

export function loadGlossary(root: string): GlossaryTerm[] {
  return parseGlossary(readFileSync(join(root, GLOSSARY_FILE), "utf8"));
}

/**
 * The lines of a lesson inside a 常见误区 box: the blockquote whose first line has `常见误区` (to the first line
 * that is not quoted), and the `//| zh-only` code cell that follows it.
 */
function misconceptionLines(lines: string[]): Set<number> {
  const inside = new Set<number>();
  let inBox = false;
  /** A box ended and no code fence has opened since: the next fence may be its zh-only cell. */
  let afterBox = false;
  let fence: { marker: string; marked: boolean } | null = null;
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (fence) {
      if (fence.marked) inside.add(index);
      if (trimmed.startsWith(fence.marker) && /^(`+|~+)$/.test(trimmed)) fence = null;
      return;
    }
    const opening = /^(`{3,}|~{3,})/.exec(trimmed);
    if (opening) {
      const options: string[] = [];
      for (let next = index + 1; next < lines.length && lines[next].trim().startsWith("//|"); next++) options.push(lines[next]);
      fence = { marker: opening[1], marked: afterBox && options.some((option) => /^\s*\/\/\|\s*zh-only\b/.test(option)) };
      if (fence.marked) inside.add(index);
      inBox = false;
      afterBox = false;
      return;
    }
    if (trimmed.startsWith(">") && (inBox || trimmed.includes("常见误区"))) {
      inBox = true;
      inside.add(index);
      return;
    }
    if (inBox) {
      inBox = false;
      afterBox = true;
    }
  });
  return inside;
}

/**
 * Every line of `text` (the lesson `file`) that breaks the variants rule, as
 * `lessons/zh/NN-slug.md:LINE: message naming the term`.
 */
export function glossaryProblems(file: string, text: string, terms: GlossaryTerm[]): string[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const box = misconceptionLines(lines);
  const problems: string[] = [];
  lines.forEach((line, index) => {
    const at = `${file}:${index + 1}`;
    for (const term of terms) {
      const preferred = term.preferred.join("、");
      for (const name of term.banned) {
        if (line.includes(name) && !box.has(index)) {
          problems.push(`${at}: "${name}" is not used for ${term.english} (say ${preferred}); it may appear only in the 常见误区 box that corrects it`);
        }
      }
      for (const name of term.variants) {
        if (!line.includes(name) || box.has(index)) continue;
        // A variant inside a longer preferred name (none today) is that name, not the variant.
        const withoutPreferred = term.preferred.reduce((rest, p) => rest.split(p).join(" "), line);
        if (!withoutPreferred.includes(name)) continue;
        if (!term.preferred.some((p) => line.includes(p))) {
          problems.push(`${at}: "${name}" for ${term.english}: use the glossary's term ${preferred}; the other name may appear only in the sentence that says they are the same (on a line with ${preferred})`);
        }
      }
    }
  });
  return problems;
}

/** The variants rule over every lesson of lessons/zh/ (not its README.md or the glossary itself). */
export function glossaryReport(root: string): string[] {
  const terms = loadGlossary(root);
  return lessonFiles(root, "zh").flatMap((file) => glossaryProblems(file, readFileSync(join(root, file), "utf8"), terms));
}
