// The kernel_info_reply content: who we are and which language the cells are in.
import { createRequire } from "node:module";
import { PROTOCOL_VERSION } from "./wire.js";

const requireFromHere = createRequire(import.meta.url);

/**
 * The language of the cells, as kernel_info_reply reports it and as generated notebooks store it in
 * metadata.language_info. Both must be equal: JupyterLab copies the kernel's into the notebook when it connects,
 * and a notebook whose stored value differs is marked modified the moment it opens.
 */
export function languageInfo(): Record<string, unknown> {
  // Cells are compiled by tslab's TypeScript fork, not by the project's TypeScript: report that one.
  const typescriptVersion: string = requireFromHere("@tslab/typescript-for-tslab/package.json").version;
  return {
    name: "typescript",
    version: typescriptVersion,
    mimetype: "text/typescript",
    file_extension: ".ts",
    pygments_lexer: "typescript",
    // JupyterLab 4 and Notebook 7 look the editor mode up by this name: "typescript" is their TypeScript mode.
    // (CodeMirror 5's {name: "javascript", typescript: true}, which tslab sends, resolves to plain JavaScript there.)
    codemirror_mode: "typescript",
  };
}

export function kernelInfo(): Record<string, unknown> {
  const typescriptVersion: string = requireFromHere("@tslab/typescript-for-tslab/package.json").version;
  const tslabVersion: string = requireFromHere("tslab/package.json").version;
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "convlab",
    implementation_version: `tslab ${tslabVersion}`,
    language_info: languageInfo(),
    // No debug_request handling: JupyterLab then leaves its debugger off for this kernel.
    debugger: false,
    banner: `TypeScript (convlab) — tslab ${tslabVersion}, TypeScript ${typescriptVersion}, Node.js ${process.version}`,
    help_links: [{ text: "tslab", url: "https://github.com/yunabe/tslab" }],
  };
}
