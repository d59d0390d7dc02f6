// Math on the static site without network or a TeX engine: `$…$` and `$$…$$` are taken out of markdown-it's
// hands (so `_` and `\` are not read as emphasis or escapes) and shown as readable HTML: Greek letters and
// operators as Unicode, `x_{i,j}` / `x^2` as <sub>/<sup>, `\frac{a}{b}` as (a)/(b). The TeX source stays in
// the element's title. Jupyter renders the same source with MathJax.

import type { MarkdownIt } from "markdown-it";
import { escapeHtml } from "./html.js";

const SYMBOLS: Record<string, string> = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ", eta: "η", theta: "θ",
  iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π", rho: "ρ", sigma: "σ", tau: "τ",
  upsilon: "υ", phi: "φ", varphi: "φ", chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ", Delta: "Δ", Theta: "Θ",
  Lambda: "Λ", Xi: "Ξ", Pi: "Π", Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω",
  sum: "∑", prod: "∏", int: "∫", partial: "∂", nabla: "∇", infty: "∞", times: "×", cdot: "·", div: "÷", pm: "±",
  le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠", approx: "≈", equiv: "≡", sim: "∼", propto: "∝",
  in: "∈", notin: "∉", subset: "⊂", cup: "∪", cap: "∩", forall: "∀", exists: "∃", to: "→", rightarrow: "→",
  leftarrow: "←", Rightarrow: "⇒", mapsto: "↦", star: "⋆", ast: "∗", circ: "∘", odot: "⊙", otimes: "⊗",
  ldots: "…", cdots: "⋯", dots: "…", lfloor: "⌊", rfloor: "⌋", lceil: "⌈", rceil: "⌉", langle: "⟨", rangle: "⟩",
  vert: "|", lvert: "|", rvert: "|", "|": "‖", Vert: "‖", quad: "\u2003", qquad: "\u2003\u2003", ",": "\u2009", ";": "\u2005", " ": " ", "{": "{", "}": "}", "\\": " ",
  max: "max", min: "min", log: "log", exp: "exp", arg: "arg", argmax: "argmax", sqrt: "√",
};
/** Commands that only change fonts or sizing: their argument is shown as it is. */
const TRANSPARENT = new Set([
  "text", "textrm", "textbf", "textit", "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathcal", "mathbb",
  "boldsymbol", "operatorname", "displaystyle", "left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr",
]);

/** A tiny recursive reader over the TeX source; unknown commands are shown by name. */
class TexReader {
  private position = 0;
  constructor(private readonly tex: string) {}

  /** Renders until the end or an unmatched `}`. */
  readAll(): string {
    let html = "";
    while (this.position < this.tex.length && this.tex[this.position] !== "}") html += this.readItem();
    return html;
  }

  /** One argument: a `{group}`, a command, or a single character. */
  private readArgument(): string {
    while (this.tex[this.position] === " ") this.position++;
    return this.readItem();
  }

  private readItem(): string {
    const char = this.tex[this.position++];
    if (char === "{") {
      const inner = this.readAll();
      this.position++; // the closing brace
      return inner;
    }
    if (char === "_" || char === "^") {
      const tag = char === "_" ? "sub" : "sup";
      return `<${tag}>${this.readArgument()}</${tag}>`;
    }
    if (char === "\\") {
      const name = /^([A-Za-z]+|.)/.exec(this.tex.slice(this.position))?.[1] ?? "";
      this.position += name.length;
      if (name === "frac" || name === "tfrac" || name === "dfrac") {
        const numerator = this.readArgument();
        const denominator = this.readArgument();
        return `${grouped(numerator)}/${grouped(denominator)}`;
      }
      if (name === "sqrt") return `√${grouped(this.readArgument())}`;
      // Environments (aligned, cases, ...) only lay rows out: drop the markers, keep the rows.
      if (name === "begin" || name === "end") {
        this.readArgument();
        return "";
      }
      if (name === "\\") return "<br>";
      if (TRANSPARENT.has(name)) return "";
      return escapeHtml(SYMBOLS[name] ?? `\\${name}`);
    }
    if (char === "&") return " "; // an alignment point
    return escapeHtml(char);
  }
}

/** Parenthesizes a rendered argument unless it is a single symbol or word (1/n, not (1)/(n)). */
function grouped(html: string): string {
  return /^[\p{L}\p{N}.]+$/u.test(html) ? html : `(${html})`;
}

/** Readable HTML for a TeX formula (never raw: everything from the source is escaped). */
export function texToHtml(tex: string): string {
  return new TexReader(tex.trim()).readAll();
}

/** markdown-it plugin: `$$…$$` (display) and `$…$` (inline) become `<span class="math">`. */
export function mathPlugin(markdown: MarkdownIt): void {
  markdown.inline.ruler.before("escape", "math", (state, silent) => {
    const source = state.src;
    const start = state.pos;
    if (source[start] !== "$") return false;
    const display = source.startsWith("$$", start);
    const delimiter = display ? "$$" : "$";
    let end = start + delimiter.length;
    for (;;) {
      end = source.indexOf(delimiter, end);
      if (end < 0) return false;
      if (source[end - 1] !== "\\") break;
      end += 1;
    }
    const tex = source.slice(start + delimiter.length, end);
    if (tex.trim() === "") return false;
    if (!silent) {
      const token = state.push("math", "span", 0);
      token.content = tex;
      token.meta = { display };
    }
    state.pos = end + delimiter.length;
    return true;
  });
  markdown.renderer.rules.math = (tokens, index) => {
    const token = tokens[index];
    const className = token.meta?.display ? "math display" : "math";
    return `<span class="${className}" title="${escapeHtml(token.content.trim())}">${texToHtml(token.content)}</span>`;
  };
}
