// Memory and CPU of process trees from /proc (Linux): the load test's measurements of the hub, the proxy and each
// learner's server with its kernels. RSS counts shared pages in every process, so a tree's sum overstates what
// a learner adds a little (node and Python binaries are shared); that is the safe side for sizing.
import { readdirSync, readFileSync } from "node:fs";

export interface ProcSample {
  pid: number;
  ppid: number;
  rssBytes: number;
  /** utime + stime in seconds. */
  cpuSeconds: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node supports
const PAGE_BYTES = 4096;

function readProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 2 (comm) may hold spaces and parentheses: the rest starts after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(fields[1]);
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    const rssPages = Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
    return { pid, ppid, rssBytes: rssPages * PAGE_BYTES, cpuSeconds };
  } catch {
    return null; // ended between readdir and read
  }
}

/** Every process now, by pid. */
export function snapshot(): Map<number, ProcSample> {
  const all = new Map<number, ProcSample>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const sample = readProc(Number(name));
    if (sample) all.set(sample.pid, sample);
  }
  return all;
}

/** The pids of `root` and all its descendants in `all` (none if root has ended). */
export function treeOf(all: Map<number, ProcSample>, root: number): number[] {
  if (!all.has(root)) return [];
  const children = new Map<number, number[]>();
  for (const sample of all.values()) {
    const list = children.get(sample.ppid) ?? [];
    list.push(sample.pid);
    children.set(sample.ppid, list);
  }
  const tree: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export function treeTotals(all: Map<number, ProcSample>, pids: number[]): { rssBytes: number; cpuSeconds: number } {
  let rssBytes = 0;
  let cpuSeconds = 0;
  for (const pid of pids) {
    const sample = all.get(pid);
    if (!sample) continue;
    rssBytes += sample.rssBytes;
    cpuSeconds += sample.cpuSeconds;
  }
  return { rssBytes, cpuSeconds };
}

/** Polls /proc every `intervalMs` and keeps the peak RSS of each named tree (a root pid, or a single pid). */
export class PeakSampler {
  readonly peaks = new Map<string, number>();
  private readonly roots = new Map<string, { pid: number; tree: boolean }>();
  private timer: NodeJS.Timeout | null = null;

  track(name: string, pid: number, options: { tree: boolean }): void {
    this.roots.set(name, { pid, tree: options.tree });
  }

  start(intervalMs = 500): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }

  sample(): void {
    const all = snapshot();
    for (const [name, { pid, tree }] of this.roots) {
      const pids = tree ? treeOf(all, pid) : all.has(pid) ? [pid] : [];
      const { rssBytes } = treeTotals(all, pids);
      if (rssBytes > (this.peaks.get(name) ?? 0)) this.peaks.set(name, rssBytes);
    }
  }
}

/** CPU-seconds used so far by `root` and its descendants that are still running, and their RSS now. */
export function treeUsage(root: number): { rssBytes: number; cpuSeconds: number } {
  const all = snapshot();
  return treeTotals(all, treeOf(all, root));
}
