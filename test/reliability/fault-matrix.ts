// One fault matrix for both runners: each case is a small lesson and the verdict every runner must reach on it
// — the in-process lesson runner (tools/lessons/runner.ts, used by `npm test` and `npm start`) and the notebook
// runner (`npm run notebooks:exec`, nbclient driving the real convlab kernel). A lesson that fails in one
// must fail in the other, at the same cell, with the same status and the same error named.
import { parseLesson, type Lesson } from "../../tools/lessons/parse.js";

/** Statuses both runners share ("not-run" is the lesson runner's word, "unexecuted" nbrun's). */
export type FaultStatus = "ok" | "error" | "timeout" | "crashed";

export interface FaultCase {
  name: string;
  /** Code cells; a cell may start with `//|` option lines. */
  cells: string[];
  /** The first failing code cell (1-based, counting code cells), or null when the lesson passes. */
  firstFailure: { codeCell: number; status: FaultStatus; says: string[] } | null;
}

const fence = "```";

// A timer set by one cell that throws once the next cell has begun, whatever the gap between the two cells: a
// plain 100 ms timer fired between them when CI was loaded (the reply and the next request took longer), and its
// error then rightly surfaced in the first cell. The 10 ms poll fires before the next cell's 500 ms wait ends.
export const LATE_TIMER =
  'const late = setInterval(() => { if ((globalThis as any).nextCellStarted) { clearInterval(late); throw new Error("late"); } }, 10);';
export const NEXT_CELL_STARTS = "(globalThis as any).nextCellStarted = true;";

export const FAULT_MATRIX: FaultCase[] = [
  { name: "clean", cells: ["let a = 1;", "a + 1"], firstFailure: null },
  {
    name: "throws",
    cells: ["const a = 1;", 'throw new Error("broken on purpose");', "const c = 3;"],
    firstFailure: { codeCell: 2, status: "error", says: ["Error: broken on purpose"] },
  },
  {
    name: "type-error",
    cells: ["const b: string = 1;"],
    firstFailure: { codeCell: 1, status: "error", says: ["Type 'number' is not assignable to type 'string'"] },
  },
  {
    name: "sync-loop",
    cells: ["const a = 1;", "//| timeout: 2\nwhile (true) {}", "const c = 3;"],
    firstFailure: { codeCell: 2, status: "timeout", says: ["timed out after 2 s"] },
  },
  {
    name: "process-exit",
    cells: ["1", "process.exit(3);", "2"],
    firstFailure: { codeCell: 2, status: "crashed", says: [] },
  },
  {
    name: "killed",
    cells: ["let before = 1;", 'process.kill(process.pid, "SIGKILL");', "before + 1"],
    firstFailure: { codeCell: 2, status: "crashed", says: [] },
  },
  {
    // issue 18 item 5: the lesson runner called this lesson ok and the error was nowhere.
    name: "timer-after-last-cell",
    cells: ["let ready = 1;", 'setTimeout(() => { throw new Error("after the end") }, 200);'],
    firstFailure: { codeCell: 2, status: "error", says: ["Uncaught exception: Error: after the end"] },
  },
  {
    name: "timer-while-next-cell-awaits",
    cells: [LATE_TIMER, `${NEXT_CELL_STARTS} await new Promise((resolve) => setTimeout(resolve, 500));`, '"third"'],
    firstFailure: { codeCell: 2, status: "error", says: ["Uncaught exception: Error: late"] },
  },
  {
    name: "timer-while-next-cell-is-busy",
    cells: [LATE_TIMER, `${NEXT_CELL_STARTS} const until = Date.now() + 500; while (Date.now() < until) {}`, '"third"'],
    firstFailure: { codeCell: 2, status: "error", says: ["Uncaught exception: Error: late"] },
  },
  {
    name: "unhandled-rejection",
    cells: ['Promise.reject(new Error("nobody catches me")); 1', '"second"'],
    firstFailure: { codeCell: 1, status: "error", says: ["Unhandled promise rejection: Error: nobody catches me"] },
  },
  {
    name: "rejection-after-last-cell",
    cells: ["let ready = 1;", 'setTimeout(() => { void Promise.reject(new Error("rejected late")); }, 100);'],
    firstFailure: { codeCell: 2, status: "error", says: ["Unhandled promise rejection: Error: rejected late"] },
  },
  {
    // issue 18 item 6: the lesson runner's output collection was quadratic; this cell was reported as a timeout.
    name: "output-flood",
    cells: ['for (let i = 0; i < 200000; i++) console.log("flood line " + i);\nconsole.log("LAST LINE after the flood");', '"after the flood"'],
    firstFailure: null,
  },
  {
    // issue 18 item 4: `npm start` waited forever for this lesson's process to exit.
    name: "interval-left-running",
    cells: ["setInterval(() => {}, 1000);", '"done"'],
    firstFailure: null,
  },
];

/** The case as a lesson (file `lessons/NN-<name>.md`); its generated notebook is what nbrun executes. */
export function lessonOfCase(testCase: FaultCase, number: number): Lesson {
  const text = [`# ${testCase.name}`, ...testCase.cells.map((cell) => `${fence}ts\n${cell}\n${fence}`)].join("\n\nSome prose.\n\n");
  return parseLesson(`lessons/${String(number).padStart(2, "0")}-${testCase.name}.md`, text);
}

/** The lesson.cells index of the n-th code cell (1-based). */
export function indexOfCodeCell(lesson: Lesson, codeCell: number): number {
  const indexes = lesson.cells.flatMap((cell, index) => (cell.kind === "code" ? [index] : []));
  return indexes[codeCell - 1];
}
