// Chinese prose has no spaces between words, but Markdown turns a line break inside a paragraph into a space: a
// lesson wrapped at 120 columns would show a stray gap wherever a Chinese sentence crosses a line (3.6 px in
// Chromium, the same in JupyterLab). A line break between two CJK characters is therefore dropped — on the site
// as a markdown-it rule over soft breaks, in notebooks by joining the lines of a markdown cell, since Jupyter
// renders the cell's text itself. Lines stay as the author wrapped them in the lesson file.

/** Han ideographs, CJK punctuation and symbols, kana, full-width forms. */
const CJK = /[\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/u;

export const isCjk = (char: string | undefined): boolean => char !== undefined && CJK.test(char);

/** The markdown-it core rule: a soft break between CJK characters renders as nothing. */
export function dropCjkSoftBreaks(tokens: { type: string; content: string; children: { type: string; content: string }[] | null }[]): void {
  for (const token of tokens) {
    const children = token.children;
    if (token.type !== "inline" || !children) continue;
    for (let i = 1; i < children.length - 1; i++) {
      if (children[i].type !== "softbreak") continue;
      const before = children[i - 1], after = children[i + 1];
      if (before.type === "text" && after.type === "text" && isCjk(before.content.at(-1)) && isCjk(after.content[0])) {
        children[i].type = "text";
        children[i].content = "";
      }
    }
  }
}

const BLOCK_START = /^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|\||```|~~~|\$\$|>?\s*$)/;

/**
 * A markdown cell's text with each line break between CJK characters removed, where the next line continues the
 * same paragraph (or the same blockquote): not inside fences or display math, not before a line that starts a
 * heading, list item, table row, fence or blank line, and not after a heading.
 */
export function joinCjkLines(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let fenced = false, math = false;
  for (const line of lines) {
    const previous = out.length > 0 ? out[out.length - 1] : undefined;
    const quoted = /^\s*>\s?/.exec(line);
    const body = quoted && previous !== undefined && /^\s*>/.test(previous) ? line.slice(quoted[0].length) : line;
    const joinable = previous !== undefined && !fenced && !math
      && !/^\s*#{1,6}\s/.test(previous) && !BLOCK_START.test(quoted ? body : line) && (!quoted || /^\s*>/.test(previous))
      && isCjk(previous.trimEnd().at(-1)) && isCjk(body.trimStart()[0]);
    if (joinable) out[out.length - 1] = previous.trimEnd() + body.trimStart();
    else out.push(line);
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced && /^\s*\$\$\s*$/.test(line)) math = !math;
  }
  return out.join("\n");
}
