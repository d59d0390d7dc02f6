// The training progress bar in a terminal (cli-progress, which needs Node's readline).
export { default } from "cli-progress";
