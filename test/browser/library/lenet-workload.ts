// The LeNet step both Node (src/index.ts) and the browser bundle (dist/browser/convlab.js) run for
// test/browser/library.test.ts: seeded weights and images, forward, cross-entropy, backward, one SGD step and
// a second forward. Written against the public API only, so the same text runs on either library object.
import type * as Convlab from "../../../src/index.js";

export interface LenetRun {
  /** Every array the step produced, as float32 bytes in order: logits, loss, gradients, updated logits. */
  arrays: Float32Array[];
  loss: number;
}

export function lenetStep(convlab: typeof Convlab, batch = 32): LenetRun {
  convlab.manualSeed(7);
  const net = convlab.lenet();
  const images = convlab.randn([batch, 1, 28, 28]);
  const labels = new convlab.Tensor(Int32Array.from({ length: batch }, (_, i) => (i * 3) % 10), [batch]);
  const optimizer = new convlab.optim.SGD(net.parameters(), { lr: 0.9 });
  const logits = net.forward(images);
  const loss = convlab.F.crossEntropy(logits, labels);
  optimizer.zeroGrad();
  loss.backward();
  const gradients = net.parameters().map((p) => Float32Array.from(p.grad!.data));
  optimizer.step();
  const after = convlab.noGrad(() => net.forward(images));
  return {
    arrays: [Float32Array.from(logits.data), Float32Array.from(loss.data), ...gradients, Float32Array.from(after.data)],
    loss: loss.item(),
  };
}
