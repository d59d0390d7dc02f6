// Command-line options of `npm run bench` (dist/bench/lenet.js).
import type { Framework } from "./workload.js";

export interface BenchOptions {
  mode: "full" | "short" | "soak" | "book";
  rounds: number;
  warmupBatches: number;
  trainBatches: number;
  /** null = the whole test set. */
  evalBatches: number | null;
  convRepeats: number;
  /** Thread counts convlab and both PyTorches each run at, every round (TF.js runs on one only). */
  threads: number[];
  /** Install PyTorch 2.13 (the pin in requirements.txt) into .venv before running, if it is not there. */
  withTorch2: boolean;
  frameworks: Framework[];
  seed: number;
  out: string;
  /** Soak mode: full epochs of convlab's train(), RSS recorded after each. */
  epochs: number;
  /** Soak mode: batches per epoch (default all), for a quick check of the machinery. */
  maxBatches: number | undefined;
  /** convlab in headless Chromium (isolated and plain pages) next to Node, instead of the peers. */
  browser: boolean;
}

export const USAGE = `usage: node dist/bench/lenet.js [options]      (npm run bench -- [options])

Trains d2l's LeNet on Fashion-MNIST for a fixed number of batches and evaluates the test set, for convlab,
TF.js (wasm, cpu), Debian's PyTorch 1.13 (torch: /usr/bin/python3) and PyTorch 2.13 (torch2: .venv), alternating
in rounds, convlab and both PyTorches at each --threads count; prints a table and issue 15's targets against the
best PyTorch, and writes JSON.

  --short               CI mode: 1 round of 3 batches, 2 eval batches (checks the machinery, not a timing)
  --rounds N            rounds of convlab, tfjs-wasm, torch (default 3; TF.js cpu runs in the first only)
  --train-batches N     timed training batches per round (default 40, after --warmup 3)
  --warmup N            untimed training batches first (default 3)
  --eval-batches N|all  timed test batches (default all: the whole test set)
  --threads N[,M…]      thread counts convlab and both PyTorches each run at, every round (default 1,2;
                        TF.js runs on 1)
  --with-torch2         first install torch==<the '# bench: torch==' pin in requirements.txt> into .venv
                        (tools/python/venv.sh makes .venv; skipped when that version is already there)
  --with-tfjs-cpu       include TF.js's pure-JS cpu backend in --short (≈16 train examples/s: 1 batch only)
  --no-tfjs-cpu, --no-tfjs-wasm, --no-torch, --no-torch2   leave a framework out
  --seed N              weight initialisation seed (default 0)
  --out PATH            JSON output (default artifacts/bench/bench.json; soak: artifacts/bench/soak.json)
  --browser             convlab only: Node against headless Chromium (the browser build), in a cross-origin
                        isolated page (2 threads) and a plain one (1 thread); JSON in artifacts/bench/browser.json
  --soak                convlab only: train full epochs with train() and record RSS after each epoch
  --epochs N            soak epochs (default 10)
  --max-batches N       soak: batches per epoch (default all)
  --book-run            issue 15's book run instead: times \`node dist/tools/cli/main.js train --epochs 10
                        --batch-size 256 --lr 0.9\` (full data, 2 threads) from start to its result line, with
                        peak RSS, against the 45 s target (JSON: artifacts/bench/book-run.json; minutes long)`;

function integer(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`bench: ${flag} needs an integer ≥ ${min}, got ${value ?? "nothing"}`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions | "help" {
  const flags = new Set(argv.filter((a) => a.startsWith("--")));
  if (flags.has("--help") || flags.has("-h")) return "help";
  const mode = flags.has("--soak") ? "soak" : flags.has("--book-run") ? "book" : flags.has("--short") ? "short" : "full";
  const short = mode === "short";
  const options: BenchOptions = {
    mode,
    rounds: short ? 1 : 3,
    warmupBatches: short ? 1 : 3,
    trainBatches: short ? 3 : 40,
    evalBatches: short ? 2 : null,
    convRepeats: short ? 3 : 10,
    threads: [1, 2],
    withTorch2: false,
    frameworks: ["convlab", "tfjs-wasm", "tfjs-cpu", "torch", "torch2"],
    seed: 0,
    out: mode === "soak" ? "artifacts/bench/soak.json" : mode === "book" ? "artifacts/bench/book-run.json" : "artifacts/bench/bench.json",
    epochs: 10,
    maxBatches: undefined,
    browser: flags.has("--browser"),
  };
  if (options.browser && mode !== "soak") options.out = "artifacts/bench/browser.json";
  let withTfjsCpu = !short;
  const without = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string | undefined => argv[++i];
    switch (arg) {
      case "--short": case "--soak": case "--browser": case "--book-run": break;
      case "--rounds": options.rounds = integer(arg, value(), 1); break;
      case "--train-batches": options.trainBatches = integer(arg, value(), 1); break;
      case "--warmup": options.warmupBatches = integer(arg, value(), 0); break;
      case "--eval-batches": {
        const v = value();
        options.evalBatches = v === "all" ? null : integer(arg, v, 1);
        break;
      }
      case "--conv-repeats": options.convRepeats = integer(arg, value(), 1); break;
      case "--threads": {
        const v = value();
        options.threads = [...new Set((v ?? "").split(",").map((t) => integer(arg, t, 1)))].sort((a, b) => a - b);
        break;
      }
      case "--with-torch2": options.withTorch2 = true; break;
      case "--no-torch2": without.add("torch2"); break;
      case "--seed": options.seed = integer(arg, value(), 0); break;
      case "--epochs": options.epochs = integer(arg, value(), 1); break;
      case "--max-batches": options.maxBatches = integer(arg, value(), 1); break;
      case "--out": options.out = value() ?? options.out; break;
      case "--with-tfjs-cpu": withTfjsCpu = true; break;
      case "--no-tfjs-cpu": without.add("tfjs-cpu"); break;
      case "--no-tfjs-wasm": without.add("tfjs-wasm"); break;
      case "--no-torch": without.add("torch"); break;
      default: throw new Error(`bench: unknown option ${arg}\n\n${USAGE}`);
    }
  }
  if (!withTfjsCpu) without.add("tfjs-cpu");
  options.frameworks = options.frameworks.filter((f) => !without.has(f));
  return options;
}
