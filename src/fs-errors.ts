// File-system failures as DataErrors that name the function, the path and the reason in words, instead of a raw
// ENOENT/EISDIR/ELOOP from node:fs that names neither the call that failed nor what to do.
import { DataError } from "./errors.js";

const REASONS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EISDIR: "it is a directory, not a file",
  ENOTDIR: "a part of the path is a file, not a directory",
  ELOOP: "too many levels of symbolic links (a symlink loop?)",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EEXIST: "a file of that name already exists",
  ENAMETOOLONG: "the name is too long",
  EMFILE: "too many open files",
};

/** The error's code and its reason in words, e.g. "EISDIR (it is a directory, not a file)". */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === "string") return `${code} (${REASONS[code] ?? (error as Error).message})`;
  return error instanceof Error ? error.message : String(error);
}

/** A DataError for a failed file operation: `op: cannot <doing> <path>: <CODE> (<reason>)`, the cause kept. */
export function fileError(op: string, doing: string, path: string, error: unknown): DataError {
  const wrapped = new DataError(`${op}: cannot ${doing} ${path}: ${fsReason(error)}`);
  (wrapped as Error & { cause?: unknown }).cause = error;
  return wrapped;
}
