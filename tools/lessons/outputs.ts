// Collects a lesson's outputs cell by cell the way a Jupyter front end does: consecutive stream chunks merge,
// an update_display_data replaces every earlier output with its display id, clear_output empties the cell
// (at once, or with `wait` when the next output arrives).
//
// Stream text is appended in time proportional to the chunk, never to what the cell printed before it (a cell
// printing 200,000 lines used to take minutes here and time out), and a cell keeps at most
// MAX_STREAM_CHARS_PER_CELL characters of stream text: the rest is counted and replaced by one "output
// truncated" line, so a runaway print loop cannot fill the parent's memory or the executed notebook.

import type { NotebookOutput } from "./notebook.js";

type DisplayOutput = Extract<NotebookOutput, { output_type: "display_data" }>;
type StreamOutput = Extract<NotebookOutput, { output_type: "stream" }>;

/** Stream text kept per cell; about 60,000 lines of training log. */
export const MAX_STREAM_CHARS_PER_CELL = 1_000_000;

/** The line that stands for the stream text a cell printed beyond the cap (rewritten on every dropped chunk: keep it cheap). */
export function truncationMarker(droppedChars: number, droppedLines: number): string {
  return (
    `[output truncated: ${droppedChars} more characters (${droppedLines} lines) were printed and not kept; ` +
    `a cell keeps the first ${MAX_STREAM_CHARS_PER_CELL} characters of its output]\n`
  );
}

interface Truncation {
  marker: StreamOutput;
  droppedChars: number;
  droppedLines: number;
}

export class OutputCollector {
  private readonly byCell = new Map<number, NotebookOutput[]>();
  private readonly byDisplayId = new Map<string, DisplayOutput[]>();
  private readonly clearOnNextOutput = new Set<number>();
  private readonly streamChars = new Map<number, number>();
  private readonly truncations = new Map<number, Truncation>();

  of(index: number): NotebookOutput[] {
    let outputs = this.byCell.get(index);
    if (!outputs) this.byCell.set(index, (outputs = []));
    return outputs;
  }

  add(index: number, output: NotebookOutput, displayId?: string, update = false): void {
    if (update && displayId !== undefined && output.output_type === "display_data") {
      for (const shown of this.byDisplayId.get(displayId) ?? []) {
        shown.data = output.data;
        shown.metadata = output.metadata;
      }
      return;
    }
    if (this.clearOnNextOutput.delete(index)) this.reset(index);
    if (output.output_type === "stream") return this.addStream(index, output);
    this.of(index).push(output);
    if (displayId !== undefined && output.output_type === "display_data") {
      let shown = this.byDisplayId.get(displayId);
      if (!shown) this.byDisplayId.set(displayId, (shown = []));
      shown.push(output);
    }
  }

  clear(index: number, wait: boolean): void {
    if (wait) this.clearOnNextOutput.add(index);
    else this.reset(index);
  }

  private reset(index: number): void {
    this.of(index).length = 0;
    this.streamChars.delete(index);
    this.truncations.delete(index);
  }

  private addStream(index: number, output: StreamOutput): void {
    const text = output.text.join("");
    if (text === "") return;
    const kept = this.streamChars.get(index) ?? 0;
    const room = MAX_STREAM_CHARS_PER_CELL - kept;
    if (room <= 0 || this.truncations.has(index)) return this.drop(index, output.name, text);
    const keep = text.length <= room ? text : text.slice(0, room);
    this.streamChars.set(index, kept + keep.length);
    this.append(index, output.name, keep);
    if (keep.length < text.length) this.drop(index, output.name, text.slice(keep.length));
  }

  /** Appends to the cell's last output when it is the same stream; only the new text is split into lines. */
  private append(index: number, name: StreamOutput["name"], text: string): void {
    const outputs = this.of(index);
    const last = outputs[outputs.length - 1];
    const lines = text.split(/(?<=\n)/);
    if (last?.output_type === "stream" && last.name === name && last !== this.truncations.get(index)?.marker) {
      const open = last.text.length > 0 && !last.text[last.text.length - 1].endsWith("\n");
      if (open) last.text[last.text.length - 1] += lines.shift()!;
      for (const line of lines) last.text.push(line);
      return;
    }
    outputs.push({ output_type: "stream", name, text: lines });
  }

  private drop(index: number, name: StreamOutput["name"], text: string): void {
    let truncation = this.truncations.get(index);
    if (!truncation) {
      truncation = { marker: { output_type: "stream", name, text: [] }, droppedChars: 0, droppedLines: 0 };
      this.truncations.set(index, truncation);
      this.of(index).push(truncation.marker);
    }
    truncation.droppedChars += text.length;
    for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) truncation.droppedLines++;
    truncation.marker.text = [truncationMarker(truncation.droppedChars, truncation.droppedLines)];
  }
}
