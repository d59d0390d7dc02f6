// What legitimately differs between two runs of the same seeded notebook, replaced by placeholders so the
// rest can be compared exactly: throughput and ETA figures of the progress display, per-figure random DOM ids.
// Execution metadata (timings, display ids) is not part of the compared outputs at all.
const VARYING: [RegExp, string][] = [
  [/convlab-figure-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "convlab-figure-<id>"],
  [/\d+(\.\d+)? examples\/sec/g, "<n> examples/sec"],
  [/ETA \d+(\.\d+)? s/g, "ETA <n> s"],
];

export function normaliseText(text: string): string {
  return VARYING.reduce((normalised, [pattern, placeholder]) => normalised.replace(pattern, placeholder), text);
}

interface OutputLike {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

const joined = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value));

/**
 * A cell's outputs as comparable text: streams of one name merged (a flood may arrive in one message or
 * several), rich outputs as their mime bundles, metadata and transient display ids left out.
 */
export function normaliseOutputs(outputs: OutputLike[]): string[] {
  const parts: string[] = [];
  for (const output of outputs) {
    if (output.output_type === "stream") {
      const text = `stream ${output.name}: ${joined(output.text)}`;
      const previous = parts[parts.length - 1];
      if (previous?.startsWith(`stream ${output.name}: `)) parts[parts.length - 1] = previous + joined(output.text);
      else parts.push(text);
    } else if (output.output_type === "error") {
      parts.push(`error ${output.ename}: ${output.evalue}`);
    } else {
      const data = output.data ?? {};
      for (const mime of Object.keys(data).sort()) parts.push(`${output.output_type} ${mime}: ${joined(data[mime])}`);
    }
  }
  return parts.map(normaliseText);
}

/** The first cell whose normalised outputs differ, described with the first differing characters; null if none. */
export function firstDifference(cellsA: OutputLike[][], cellsB: OutputLike[][]): string | null {
  if (cellsA.length !== cellsB.length) return `${cellsA.length} cells vs ${cellsB.length}`;
  for (let index = 0; index < cellsA.length; index++) {
    const a = normaliseOutputs(cellsA[index]).join("\n"), b = normaliseOutputs(cellsB[index]).join("\n");
    if (a === b) continue;
    let at = 0;
    while (at < Math.min(a.length, b.length) && a[at] === b[at]) at++;
    return `cell index ${index}: …${a.slice(Math.max(0, at - 80), at + 60)}… vs …${b.slice(Math.max(0, at - 80), at + 60)}…`;
  }
  return null;
}
