// is_complete_request for TypeScript cells. tslab's check declares any code that ends with a blank line complete
// (its way to let a console user force a run), so "function f() {\n\n" was "complete". JupyterLab's "Run
// Selected Text or Current Line in Console" grows a block line by line, asking is_complete with "\n\n" appended,
// and sends the first block the kernel calls complete: with tslab's answer that was always the first line alone.
// Here trailing blank lines are ignored for the check; unfinished code followed by a blank line is "invalid"
// (as IPython answers), so consoles still submit it on a double Enter and show the compiler's error.

export type IsCompleteReply = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

export type TslabIsComplete = (code: string) => { completed: boolean; indent?: string };

export function isCompleteReply(code: string, tslabCheck: TslabIsComplete): IsCompleteReply {
  const trimmed = code.replace(/\s+$/, "");
  if (trimmed === "") return { status: "complete" };
  const endsWithBlankLine = /\n[ \t]*\n\s*$/.test(code);
  const result = tslabCheck(endsWithBlankLine ? trimmed : code);
  if (result.completed) return { status: "complete" };
  return endsWithBlankLine ? { status: "invalid" } : { status: "incomplete", indent: result.indent ?? "" };
}
