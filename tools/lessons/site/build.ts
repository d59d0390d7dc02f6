// Writes the course site into a folder: a page per lesson, the index, the search index, and the files the
// pages use from assets/ — KaTeX's stylesheet and WOFF2 fonts, the highlight.js themes, MiniSearch's browser
// build, and the site's own stylesheet and script (tools/lessons/site/assets/). Nothing is fetched at view
// time: the folder opens from disk.

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { repoRoot } from "../files.js";
import type { Lesson } from "../parse.js";
import type { CellResult } from "../runner.js";
import { renderIndex, renderLessonPage, renderProsePage } from "../site.js";
import type { SiteLang } from "./i18n.js";
import { lessonPageName } from "./names.js";
import { searchIndexScript } from "./search.js";

const require = createRequire(import.meta.url);
/** A dependency's folder: the nearest folder with a package.json above its entry point (not every package exports ./package.json). */
function packageFolder(name: string): string {
  let folder = dirname(require.resolve(name));
  while (!existsSync(join(folder, "package.json"))) folder = dirname(folder);
  return folder;
}

export interface SiteEntry {
  lesson: Lesson;
  results: CellResult[];
}

function copyAssets(assets: string): void {
  const katex = join(packageFolder("katex"), "dist");
  mkdirSync(join(assets, "katex", "fonts"), { recursive: true });
  // Every browser that runs the site reads WOFF2; the WOFF and TTF copies (two thirds of the fonts) are left out.
  const katexCss = readFileSync(join(katex, "katex.min.css"), "utf8").replace(/,url\(fonts\/[^)]+\.(woff|ttf)\) format\("(woff|truetype)"\)/g, "");
  writeFileSync(join(assets, "katex", "katex.min.css"), katexCss);
  for (const font of readdirSync(join(katex, "fonts")).filter((name) => name.endsWith(".woff2"))) {
    copyFileSync(join(katex, "fonts", font), join(assets, "katex", "fonts", font));
  }
  const styles = join(packageFolder("highlight.js"), "styles");
  const light = readFileSync(join(styles, "github.min.css"), "utf8");
  const dark = readFileSync(join(styles, "github-dark.min.css"), "utf8");
  writeFileSync(join(assets, "highlight.css"), `${light}\n@media (prefers-color-scheme: dark) {\n${dark}\n}\n`);
  const minisearch = readFileSync(join(packageFolder("minisearch"), "dist", "umd", "index.js"), "utf8");
  writeFileSync(join(assets, "minisearch.js"), minisearch.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n"));
  const own = join(repoRoot(), "tools", "lessons", "site", "assets");
  for (const name of ["site.css", "site.js"]) copyFileSync(join(own, name), join(assets, name));
}

/** How one edition's site sits beside the other: out/site/ (English) and out/site/zh/ (Chinese). */
export interface SiteOptions {
  /** The edition (default en). */
  lang?: SiteLang;
  /** Slugs of the lessons the other edition has: those pages get a language switch to their twin. */
  twins?: ReadonlySet<string>;
  /** Where the other edition's site is, relative to this one's folder: "zh/" from English, "../" from Chinese. */
  otherSite?: string;
  /** A prose page to add (the Chinese site's glossary): written as `name`, linked from every page's header. */
  glossary?: { name: string; file: string; text: string };
}

/** Writes every page and asset of one edition's site into `folder` (which must exist and may hold other files). */
export function writeSite(folder: string, entries: SiteEntry[], options: SiteOptions = {}): void {
  const lang = options.lang ?? "en";
  const lessons = entries.map((entry) => entry.lesson);
  const assets = join(folder, "assets");
  mkdirSync(assets, { recursive: true });
  copyAssets(assets);
  writeFileSync(join(assets, "search-index.js"), searchIndexScript(lessons, lang));
  const other = options.otherSite;
  const glossaryHref = options.glossary?.name;
  for (const { lesson, results } of entries) {
    const twinHref = other !== undefined && options.twins?.has(lesson.slug) ? `${other}${lessonPageName(lesson)}` : undefined;
    writeFileSync(join(folder, lessonPageName(lesson)), renderLessonPage(lesson, results, { lessons, twinHref, glossaryHref }));
  }
  const indexTwin = other !== undefined ? `${other}index.html` : undefined;
  writeFileSync(join(folder, "index.html"), renderIndex(entries, { lang, twinHref: indexTwin, glossaryHref }));
  if (options.glossary) {
    const { name, file, text } = options.glossary;
    // The glossary has no twin page: its switch leads to the other edition's index.
    writeFileSync(join(folder, name), renderProsePage(file, text, lessons, { lang, twinHref: indexTwin, glossaryHref }));
  }
}
