// Autograd invariants on random graphs built from the core ops.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { F, gradcheck, noGrad, Tensor } from "../../src/index.js";
import { assertProperty, expectClose, seeded } from "./fuzz-helpers.js";
import { leavesOf as programLeaves, lossOf, programs, run, type Outcome, type Program } from "./inplace-programs.js";
import { loadFixture } from "../torch/fixtures.js";

type Step = { op: number; a: number; b: number };
interface GraphCase { leaves: number; steps: Step[]; seed: number }

const graphCase: fc.Arbitrary<GraphCase> = fc.record({
  leaves: fc.integer({ min: 1, max: 3 }),
  steps: fc.array(fc.record({ op: fc.integer({ min: 0, max: 9 }), a: fc.nat(), b: fc.nat() }), { minLength: 1, maxLength: 12 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

/** Applies the steps to the leaves: each step combines earlier nodes (chosen by index) into a new [3, 4] node. */
function build(c: GraphCase, leaves: Tensor[]): Tensor {
  const nodes: Tensor[] = [...leaves];
  const pick = (k: number) => nodes[k % nodes.length];
  for (const { op, a, b } of c.steps) {
    const x = pick(a), y = pick(b);
    const next = [
      () => x.add(y), () => x.mul(y), () => x.sub(y.mul(0.5)), () => F.tanh(x), () => F.sigmoid(x),
      () => x.matmul(y.T).matmul(y).div(4), () => x.sum(1, true).add(y), () => F.softmax(x, 1), () => x.square().mean(0, true).mul(y),
      () => x.get(":, 1:3").sum(1, true).mul(y),
    ][op]();
    nodes.push(next);
  }
  return nodes[nodes.length - 1];
}

const leavesOf = (c: GraphCase) => Array.from({ length: c.leaves }, (_, i) => {
  const t = seeded([3, 4], c.seed + i).mul(0.5).detach();
  t.requiresGrad = true;
  return t;
});

const describeGraph = (c: GraphCase) => `build(${JSON.stringify(c)}, leavesOf(...))`;

describe("autograd on random graphs", () => {
  it("finite differences agree with backward (float64)", () => {
    assertProperty(graphCase, (c) => {
      const leaves = leavesOf(c);
      gradcheck((...inputs) => build(c, inputs), leaves, { atol: 1e-6, rtol: 1e-4 });
    }, describeGraph);
  });

  it("two backward calls accumulate exactly twice one call", () => {
    assertProperty(graphCase, (c) => {
      const leaves = leavesOf(c);
      const upstream = seeded([3, 4], c.seed + 99);
      build(c, leaves).backward(upstream);
      const once = leaves.map((l) => l.grad?.dataSync() ?? new Float64Array(l.size));
      build(c, leaves).backward(upstream);
      leaves.forEach((l, i) => expectClose(l.grad?.data ?? new Float64Array(l.size), once[i].map((v) => 2 * v), `leaf ${i}`, 1e-12));
    }, describeGraph);
  });

  it("noGrad records nothing and detach cuts the graph", () => {
    assertProperty(graphCase, (c) => {
      const leaves = leavesOf(c);
      const out = noGrad(() => build(c, leaves));
      if (out.requiresGrad || out.gradFn !== null) throw new Error("noGrad recorded a graph");
      const detached = build(c, leaves).detach();
      if (detached.requiresGrad || detached.gradFn !== null) throw new Error("detach kept the graph");
      const probe = leaves[0];
      detached.mul(2).add(probe).sum().backward();
      expect(Array.from(probe.grad!.data)).toEqual(new Array(probe.size).fill(1));
      leaves.slice(1).forEach((l) => { if (l.grad !== null) throw new Error("a gradient flowed through detach"); });
    }, describeGraph);
  });
});

// In-place edits (issue 18): random programs of ops and writes into their results, the constant or the leaves.
describe("autograd after in-place edits", () => {
  const fixture = loadFixture<{ programs: (Program & { expect: Outcome })[]; outcomes: Record<string, number> }>("inplace.json");

  it(`${fixture.programs.length} random programs give PyTorch's gradients, or refuse where PyTorch refuses`, () => {
    let compared = 0;
    fixture.programs.forEach((program, i) => {
      const ours = run(program);
      const where = `program ${i}: ${JSON.stringify(program.steps)}`;
      if ("error" in program.expect) {
        expect("error" in ours ? ours.error : `gradients ${JSON.stringify(ours)}`, where).toBe(program.expect.error);
        if ("error" in ours && ours.error === "version") {
          // The same tensor (type and shape) at the same versions as PyTorch reports.
          const versions = (m: string) => /(\[torch\.\w+ \[[\d, ]*\]\]).*?(is at version \d+; expected version \d+ instead)/.exec(m)?.slice(1);
          expect(versions(ours.message), where).toEqual(versions(program.expect.message));
        }
        return;
      }
      if ("error" in ours) throw new Error(`${where}: PyTorch computes gradients, convlab threw ${ours.message}`);
      program.expect.grads.forEach((expected, k) => {
        if (expected === null) {
          expect(ours.grads[k], `${where}: leaf ${k}`).toBeNull();
          return;
        }
        expectClose(Float64Array.from(ours.grads[k] ?? []), Float64Array.from(expected), `${where}: leaf ${k}`, 1e-9);
        compared++;
      });
    });
    // The fixture holds every outcome, so this test holds convlab to each.
    expect(Object.keys(fixture.outcomes).sort()).toEqual(["grads", "leaf", "version", "view-leaf"]);
    expect(compared).toBeGreaterThan(200);
  });

  it("finite differences agree with backward through in-place edits, or backward refuses with PyTorch's error", () => {
    assertProperty(programs, (program) => {
      const outcome = run(program);
      if ("error" in outcome) {
        expect(["leaf", "view-leaf", "version"]).toContain(outcome.error);
        return;
      }
      // exp of exp can make the loss so large that a step of 1e-6 in a leaf is below its rounding: central
      // differences then read 0. Such programs say nothing about backward; the rest must agree.
      const magnitude = Math.abs(noGrad(() => lossOf(program, programLeaves(program))).item());
      if (!(magnitude < 1e6)) return;
      // Central differences carry a rounding error of about ulp(loss) / eps = loss · 1e-10; allow 100 times that.
      gradcheck((...leaves) => lossOf(program, leaves), programLeaves(program), { atol: 1e-6 + 1e-8 * magnitude, rtol: 1e-4 });
    }, (program) => `run(${JSON.stringify(program)})`);
  });
});
