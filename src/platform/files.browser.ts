// A browser has no file system: saveWeights/loadWeights say so, and point at the byte-level calls a page
// can pair with a download link or a file picker. The error is raised as ENOSYS-coded, so fileError
// (src/fs-errors.ts) words it with the op and the path like every other file problem.
function noFiles(): never {
  const error = new Error("a browser has no file system: use nn.encodeWeights / nn.decodeWeights with bytes from a file the user picks or a fetch") as Error & { code: string };
  error.code = "ENOSYS";
  throw error;
}

export function readFileSync(_path: string): Uint8Array {
  return noFiles();
}

export function writeFileSync(_path: string, _bytes: Uint8Array): void {
  noFiles();
}

export function renameSync(_from: string, _to: string): void {
  noFiles();
}

export function unlinkSync(_path: string): void {
  noFiles();
}
