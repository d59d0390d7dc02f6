// The kernel_info_reply content: who we are and which language the cells are in.
import { createRequire } from "node:module";
import { PROTOCOL_VERSION } from "./wire.js";

const requireFromHere = createRequire(import.meta.url);

export function kernelInfo(): Record<string, unknown> {
  // Cells are compiled by tslab's TypeScript fork, not by the project's TypeScript: report that one.
  const typescriptVersion: string = requireFromHere("@tslab/typescript-for-tslab/package.json").version;
  const tslabVersion: string = requireFromHere("tslab/package.json").version;
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "convlab",
    implementation_version: `tslab ${tslabVersion}`,
    language_info: {
      name: "typescript",
      version: typescriptVersion,
      mimetype: "text/x.typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      // codemirror_mode as tslab sends it: enables TypeScript highlighting in Notebook and JupyterLab.
      codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
    },
    banner: `TypeScript (convlab) — tslab ${tslabVersion}, TypeScript ${typescriptVersion}, Node.js ${process.version}`,
    help_links: [{ text: "tslab", url: "https://github.com/yunabe/tslab" }],
  };
}
