// In-memory input history for history_request (tail, range and search), one session per kernel process.
// Front ends use it for "previous input" navigation; IPython keeps it in SQLite, a list is enough here.

interface HistoryEntry {
  line: number;
  input: string;
  /** The text/plain of the cell's execute_result, if any. */
  output: string | null;
}

type HistoryRow = [number, number, string | [string, string | null]];

export const HISTORY_SESSION = 1;

export class History {
  private readonly entries: HistoryEntry[] = [];

  add(line: number, input: string, output: string | null): void {
    this.entries.push({ line, input, output });
  }

  /** Answers a history_request's content with the `history` list of its reply. */
  query(request: Record<string, any>): HistoryRow[] {
    const selected = this.select(request);
    return selected.map((entry) => [
      HISTORY_SESSION,
      entry.line,
      request.output ? [entry.input, entry.output] : entry.input,
    ]);
  }

  private select(request: Record<string, any>): HistoryEntry[] {
    switch (request.hist_access_type) {
      case "tail":
        return lastN(this.entries, request.n);
      case "range": {
        // Session 0 and negative offsets mean "this session" for a single-session history.
        const session = request.session ?? 0;
        if (session !== 0 && session !== HISTORY_SESSION && session >= 0) return [];
        const start = request.start ?? 0;
        const stop = request.stop ?? Number.POSITIVE_INFINITY;
        return this.entries.filter((entry) => entry.line >= start && entry.line < stop);
      }
      case "search": {
        const pattern = globToRegExp(request.pattern ?? "*");
        let matches = this.entries.filter((entry) => pattern.test(entry.input));
        if (request.unique) {
          // Keep the latest run of each distinct input, in chronological order.
          const latest = new Map<string, HistoryEntry>();
          for (const entry of matches) {
            latest.delete(entry.input);
            latest.set(entry.input, entry);
          }
          matches = [...latest.values()];
        }
        return lastN(matches, request.n);
      }
      default:
        return [];
    }
  }
}

function lastN<T>(items: T[], n: unknown): T[] {
  return typeof n === "number" && n >= 0 ? items.slice(Math.max(0, items.length - n)) : items;
}

/** IPython's history search takes shell-style globs: * and ? are wildcards, the rest is literal. */
function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, "[\\s\\S]");
  return new RegExp(`^${escaped}$`);
}
