// A browser has no terminal: training reports progress through the notebook display API or plain lines
// (src/train/progress.ts picks those), so only an explicit progress: "terminal" reaches this.
import { ValueError } from "../errors.js";

class SingleBar {
  constructor() {
    throw new ValueError(`train: progress "terminal" needs a terminal, and a browser has none; use "auto", "notebook" or "none"`);
  }
}

export default { SingleBar, Presets: { shades_classic: {} } };
