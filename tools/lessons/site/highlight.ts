// Code cells highlighted at build time by highlight.js with its TypeScript grammar only (the core build does
// not register the other 190 languages). highlight.js escapes the code itself and emits only
// <span class="hljs-…"> around the escaped text; the colours come from the GitHub light and dark themes
// copied next to the site (./assets.ts), picked by the reader's colour-scheme setting.

import hljs from "highlight.js/lib/core";
import typescript from "highlight.js/lib/languages/typescript";

hljs.registerLanguage("typescript", typescript);

/** Highlighted HTML for a TypeScript cell (to go inside <pre><code class="hljs">). */
export function highlightTypeScript(code: string): string {
  return hljs.highlight(code, { language: "typescript", ignoreIllegals: true }).value;
}
