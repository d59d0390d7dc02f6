// The kernels' parameter lists that JS calls are checked against (CONV_KERNELS, GEMM_PARAMETERS) must be the asm
// functions' own parameters, in order: a call by name is only as right as the list it is mapped through.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CONV_KERNELS } from "../../src/kernels/wasm/conv-module.js";
import { GEMM_PARAMETERS } from "../../src/kernels/wasm/gemm-wasm.js";

const ASM = join(import.meta.dirname, "..", "..", "asm");

/** Every `export function name(a: T, b: U, …)` in asm/, as name → parameter names. */
function asmParameters(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of readdirSync(ASM).filter((name) => name.endsWith(".ts"))) {
    const source = readFileSync(join(ASM, file), "utf8");
    for (const match of source.matchAll(/export function (\w+)\(([^)]*)\)/g)) {
      const names = match[2].split(",").map((part) => part.trim()).filter((part) => part !== "")
        .map((part) => part.split(":")[0].trim());
      found.set(match[1], names);
    }
  }
  return found;
}

describe("kernel parameter lists match asm/", () => {
  const asm = asmParameters();
  test("gemmF32", () => {
    expect([...GEMM_PARAMETERS]).toEqual(asm.get("gemmF32"));
  });
  for (const [kernel, parameters] of Object.entries(CONV_KERNELS)) {
    test(kernel, () => {
      expect([...parameters]).toEqual(asm.get(kernel));
    });
  }
});
