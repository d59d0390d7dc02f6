// source: "subset" loads the bundled subset whatever else is installed, verified against its SHA256SUMS.
import { describe, expect, it } from "vitest";
import { loadFashionMnistSync, ValueError } from "../../src/index.js";

describe('loadFashionMnistSync({ source: "subset" })', () => {
  it("reports the subset as its source, checked", () => {
    const train = loadFashionMnistSync({ split: "train", source: "subset" });
    expect(train.length).toBe(6000);
    expect(train.source.kind).toBe("subset");
    expect(train.source.verified).toBe(true);
    expect(train.message).toContain("bundled with convlab");
  });
  it("refuses a dir together with it, and unknown sources", () => {
    expect(() => loadFashionMnistSync({ dir: "/tmp", source: "subset" })).toThrow(ValueError);
    expect(() => loadFashionMnistSync({ source: "web" as never })).toThrow('source must be "auto" or "subset"');
  });
});
