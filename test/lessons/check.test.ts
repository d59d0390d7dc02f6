// check(): the assertions lessons use. Each failure throws CheckError with expected and actual in the message.

import { describe, expect, it } from "vitest";
import { check, CheckError } from "../../src/check.js";
import { ConvlabError } from "../../src/errors.js";

/** A stand-in with the two members check() reads from a Tensor (it duck-types them). */
const tensorLike = (values: unknown, shape: number[]) => ({ shape, toArray: () => values });

function messageOf(assertion: () => void): string {
  try {
    assertion();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckError);
    expect(error).toBeInstanceOf(ConvlabError);
    expect((error as Error).name).toBe("CheckError");
    return (error as Error).message;
  }
  throw new Error("expected the check to fail");
}

describe("equals", () => {
  it("passes on equal numbers, strings, nested arrays, typed arrays and tensors", () => {
    check(3).equals(3);
    check("abc").equals("abc");
    check([[1, 2], [3, 4]]).equals([[1, 2], [3, 4]]);
    check(new Float32Array([0.5, 1])).equals([0.5, 1]);
    check(tensorLike([[1, 2]], [1, 2])).equals([[1, 2]]);
    check(tensorLike([1, 2], [2])).equals(tensorLike([1, 2], [2]));
    check(NaN).equals(NaN);
  });

  it("names the first differing index and shows both values", () => {
    expect(messageOf(() => check([[1, 2], [3, 4]], "out").equals([[1, 2], [3, 5]]))).toBe(
      "check(out).equals: expected 5, got 4 at index [1, 1]\n  expected: [[1, 2], [3, 5]]\n  actual:   [[1, 2], [3, 4]]",
    );
  });

  it("reports shape differences", () => {
    expect(messageOf(() => check([1, 2, 3]).equals([1, 2]))).toContain("expected length 2, got length 3");
    expect(messageOf(() => check(tensorLike(5, [])).equals([5]))).toContain("expected an array of shape [1], got 5");
  });

  it("is exact: 0.1 + 0.2 is not 0.3", () => {
    expect(messageOf(() => check(0.1 + 0.2).equals(0.3))).toContain("expected 0.3, got 0.30000000000000004");
  });
});

describe("closeTo", () => {
  it("uses torch.allclose's rule |a - e| <= atol + rtol * |e|", () => {
    check(0.1 + 0.2).closeTo(0.3);
    check([1.0001, 2]).closeTo([1, 2], { rtol: 1e-3 });
    check(tensorLike([[0.5]], [1, 1])).closeTo([[0.5000001]]);
    expect(messageOf(() => check([1, 2.1]).closeTo([1, 2], { atol: 0.05, rtol: 0 }))).toBe(
      "check(actual).closeTo: expected 2, got 2.1 (difference 0.100 > tolerance 0.0500 = atol 0.05 + rtol 0 * |expected|) at index [1]\n" +
        "  expected: [1, 2]\n  actual:   [1, 2.1]",
    );
  });

  it("fails on NaN against a number and on non-numbers", () => {
    expect(messageOf(() => check(NaN).closeTo(1))).toContain("expected 1, got NaN");
    expect(messageOf(() => check("1").closeTo(1))).toContain('expected a number 1, got "1"');
  });
});

describe("atLeast / atMost", () => {
  it("checks numbers and every element of arrays", () => {
    check(0.81).atLeast(0.8);
    check([0, 0.5, 1]).atMost(1);
    expect(messageOf(() => check(0.79, "test accuracy").atLeast(0.8))).toBe(
      "check(test accuracy).atLeast(0.8): expected a number >= 0.8, got 0.79\n  actual:   0.79",
    );
    expect(messageOf(() => check([[0.2, 1.5]]).atMost(1))).toContain("expected a number <= 1, got 1.5 at index [0, 1]");
  });
});

describe("shape", () => {
  it("reads a tensor's shape, or a nested array's", () => {
    check(tensorLike([], [1, 6, 28, 28])).shape([1, 6, 28, 28]);
    check([[1, 2, 3], [4, 5, 6]]).shape([2, 3]);
    check(7).shape([]);
    expect(messageOf(() => check(tensorLike([], [1, 6, 24, 24]), "conv1").shape([1, 6, 28, 28]))).toBe(
      "check(conv1).shape: expected shape [1, 6, 28, 28], got [1, 6, 24, 24]",
    );
  });
});
