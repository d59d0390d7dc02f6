// Raw HTML in a lesson's prose is shown as text on the course site (markdown-it with html: false), but the
// notebooks are read by other renderers: nbconvert's HTML export, for one, copies raw HTML from markdown cells
// into its page and runs its scripts. So a notebook's markdown cells carry the lesson text with every piece of
// raw HTML escaped (`<` → `&lt;`): every Markdown renderer then shows the same text the site shows, and no
// renderer can find a tag to run. Code spans and fences are left as they are (they are text already).

import MarkdownIt from "markdown-it";
import type { Token } from "markdown-it";

const detector = new MarkdownIt({ html: true });

/** [start, end) character ranges of `code spans` in a text, where `<` is literal and must stay so. */
function codeSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const match of text.matchAll(/(?<!`)(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g)) spans.push([match.index!, match.index! + match[0].length]);
  return spans;
}

const escapeTags = (html: string) => html.replace(/</g, "&lt;");

/** Line offsets of a text, so token line maps become character positions. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf("\n"); index >= 0; index = text.indexOf("\n", index + 1)) starts.push(index + 1);
  starts.push(text.length + 1);
  return starts;
}

/** One pass: escapes what markdown-it reads as raw HTML (blocks by their lines, inline tags by their text). */
function escapeOnce(source: string): string {
  const starts = lineStarts(source);
  const edits: Array<{ from: number; to: number; text: string }> = [];
  const walk = (tokens: Token[]) => {
    // Table cells' inline tokens carry no line map: they take their row's.
    let enclosing: [number, number] | null = null;
    for (const token of tokens) {
      if (token.map) enclosing = token.map;
      const map = token.map ?? enclosing;
      if (!map) continue;
      const from = starts[map[0]], to = Math.min(source.length, starts[map[1]] - 1);
      if (token.type === "html_block") {
        edits.push({ from, to, text: escapeTags(source.slice(from, to)) });
      } else if (token.type === "inline" && token.children?.some((child) => child.type === "html_inline")) {
        // Find each tag in the block's own lines, in order, outside code spans.
        const spans = codeSpans(source.slice(from, to)).map(([a, b]) => [a + from, b + from]);
        let cursor = from;
        for (const child of token.children) {
          if (child.type !== "html_inline") continue;
          let at = source.indexOf(child.content, cursor);
          while (at >= 0 && spans.some(([a, b]) => at >= a && at < b)) at = source.indexOf(child.content, at + 1);
          if (at < 0 || at >= to) continue;
          edits.push({ from: at, to: at + child.content.length, text: escapeTags(child.content) });
          cursor = at + child.content.length;
        }
      }
    }
  };
  walk(detector.parse(source, {}));
  edits.sort((a, b) => b.from - a.from);
  let result = source;
  for (const edit of edits) result = result.slice(0, edit.from) + edit.text + result.slice(edit.to);
  return result;
}

function hasRawHtml(source: string): boolean {
  return detector.parse(source, {}).some((token) =>
    token.type === "html_block" || (token.type === "inline" && (token.children ?? []).some((child) => child.type === "html_inline")));
}

/** The prose with its raw HTML shown as text, or null if some remains (a case the passes above do not cover). */
export function escapeRawHtml(source: string): string | null {
  let result = source;
  for (let pass = 0; pass < 4 && hasRawHtml(result); pass++) result = escapeOnce(result);
  return hasRawHtml(result) ? null : result;
}
