// Collects a lesson's outputs cell by cell the way a Jupyter front end does: consecutive stream chunks merge,
// an update_display_data replaces every earlier output with its display id, clear_output empties the cell
// (at once, or with `wait` when the next output arrives).

import type { NotebookOutput } from "./notebook.js";

type DisplayOutput = Extract<NotebookOutput, { output_type: "display_data" }>;

export class OutputCollector {
  private readonly byCell = new Map<number, NotebookOutput[]>();
  private readonly byDisplayId = new Map<string, DisplayOutput[]>();
  private readonly clearOnNextOutput = new Set<number>();

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
    if (this.clearOnNextOutput.delete(index)) this.of(index).length = 0;
    const outputs = this.of(index);
    const last = outputs[outputs.length - 1];
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      last.text = (last.text.join("") + output.text.join("")).split(/(?<=\n)/);
      return;
    }
    outputs.push(output);
    if (displayId !== undefined && output.output_type === "display_data") {
      this.byDisplayId.set(displayId, [...(this.byDisplayId.get(displayId) ?? []), output]);
    }
  }

  clear(index: number, wait: boolean): void {
    if (wait) this.clearOnNextOutput.add(index);
    else this.of(index).length = 0;
  }
}
