// Requests JupyterLab 4 makes of a kernel beyond running cells, checked against the real convlab kernel process:
// kernel_info's language_info (which picks the editor mode, and must equal the notebooks' stored copy or every
// lesson opens "modified"), is_complete as JupyterLab's "run in console" uses it, inspect at both detail levels
// (tooltip 0, contextual help 1) and comm_info.
import { describe, expect, it } from "vitest";
import { lessonToNotebook } from "../../tools/lessons/notebook.js";
import { parseLesson } from "../../tools/lessons/parse.js";
import { type KernelClient, useKernel } from "./kernel-client.js";

let kernel: KernelClient;
useKernel((started) => (kernel = started));

async function isComplete(code: string): Promise<Record<string, unknown>> {
  return (await kernel.request("is_complete_request", { code })).content;
}

describe("kernel_info as JupyterLab reads it", () => {
  it("names the TypeScript editor mode, says there is no debugger, and equals the notebooks' language_info", async () => {
    const info = (await kernel.request("kernel_info_request", {})).content;
    expect(info.language_info.codemirror_mode).toBe("typescript");
    expect(info.language_info.name).toBe("typescript");
    expect(info.language_info.file_extension).toBe(".ts");
    expect(info.debugger).toBe(false);
    const notebook = lessonToNotebook(parseLesson("lessons/01-x.md", "# X\n\n```ts\n1\n```\n"));
    expect(notebook.metadata.language_info).toEqual(info.language_info);
  });
});

describe("is_complete", () => {
  it("answers complete, incomplete (with indent) and invalid for unfinished code followed by a blank line", async () => {
    expect(await isComplete("const x = 1;")).toEqual({ status: "complete" });
    expect(await isComplete("const x = 1;\n\n")).toEqual({ status: "complete" });
    expect(await isComplete("")).toEqual({ status: "complete" });
    expect(await isComplete("function f() {")).toMatchObject({ status: "incomplete" });
    expect(await isComplete("function f() {\n\n")).toEqual({ status: "invalid" });
    expect(await isComplete("const a = [1, 2,\n\n")).toEqual({ status: "invalid" });
  });

  it("lets JupyterLab's run-in-console find the whole statement under the cursor, not its first line", async () => {
    // JupyterLab (notebook:run-in-console) grows the block from the cursor's line, asking is_complete with
    // "\n\n" appended, and sends the first block that is complete.
    const lines = ["function twice(n: number) {", "  return 2 * n;", "}", "twice(21)"];
    let end = 1;
    while ((await isComplete(lines.slice(0, end).join("\n") + "\n\n")).status !== "complete" && end < lines.length) end += 1;
    expect(lines.slice(0, end)).toEqual(lines.slice(0, 3));
  });
});

describe("inspect", () => {
  it("shows F.conv2d's signature at detail level 0 (tooltip) and 1 (contextual help)", async () => {
    await kernel.execute('import { F } from "convlab";');
    for (const level of [0, 1]) {
      const code = "F.conv2d";
      const reply = (await kernel.request("inspect_request", { code, cursor_pos: code.length, detail_level: level })).content;
      expect(reply.status).toBe("ok");
      expect(reply.found).toBe(true);
      expect(reply.data["text/plain"]).toMatch(/conv2d\(input: Tensor/);
    }
  });

  it("answers found: false with no data for an unknown name", async () => {
    const code = "noSuchNameAnywhere";
    const reply = (await kernel.request("inspect_request", { code, cursor_pos: code.length, detail_level: 0 })).content;
    expect(reply).toEqual({ status: "ok", found: false, data: {}, metadata: {} });
  });
});

describe("comm_info", () => {
  it("answers with no comms, with or without a target name", async () => {
    expect((await kernel.request("comm_info_request", {})).content).toEqual({ status: "ok", comms: {} });
    expect((await kernel.request("comm_info_request", { target_name: "jupyter.widget" })).content).toEqual({ status: "ok", comms: {} });
  });
});
