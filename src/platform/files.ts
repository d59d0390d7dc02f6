// Files, seen from Node: the synchronous calls saveWeights/loadWeights make.
export { readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
