// The checkout the tests run in: one finder for every test helper (the tools find it with packageRoot()).
import { packageRoot } from "../../tools/lessons/files.js";

export const REPO_ROOT = packageRoot();
