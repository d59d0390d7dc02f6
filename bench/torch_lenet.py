"""PyTorch's side of convlab's LeNet bench: `/usr/bin/python3 bench/torch_lenet.py '<WorkerSpec JSON>'`.

The same script runs under Debian's PyTorch 1.13 (/usr/bin/python3, framework "torch") and under PyTorch 2.13
in the project's .venv (framework "torch2", installed by `npm run bench -- --with-torch2`).

Started by dist/bench/lenet.js once per round. It follows bench/measure.ts step for step: d2l's LeNet (sigmoid,
average pooling, Xavier-uniform weights), SGD lr 0.9, batch 256, consecutive batches of Fashion-MNIST in file
order read from the same IDX files convlab loaded; untimed warm-up steps, timed steps, one untimed evaluation
batch, timed evaluation batches, then the two forward convolutions. Prints one line: BENCH_RESULT {json}.
"""
import gzip
import json
import os
import resource
import statistics
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F

BATCH_SIZE = 256
LEARNING_RATE = 0.9
# name: (input shape, weight shape, padding, multiply-adds per example) — as CONV_LAYERS in bench/workload.ts
CONV_LAYERS = {
    "conv1": ((BATCH_SIZE, 1, 28, 28), (6, 1, 5, 5), 2, 117_600),
    "conv2": ((BATCH_SIZE, 6, 14, 14), (16, 6, 5, 5), 0, 240_000),
}
FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
         "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def read_idx(folder, name, header_bytes):
    """The IDX payload as a uint8 tensor, from `name` or `name.gz` (the official names, as convlab's loader accepts).

    torch.frombuffer, not numpy: the .venv that holds PyTorch 2.13 has no numpy (torch does not need it)."""
    for path, opener in ((os.path.join(folder, name), open), (os.path.join(folder, name + ".gz"), gzip.open)):
        if os.path.exists(path):
            with opener(path, "rb") as f:
                return torch.frombuffer(bytearray(f.read()), dtype=torch.uint8, offset=header_bytes)
    raise FileNotFoundError(f"torch_lenet: neither {name} nor {name}.gz in {folder}")


def load_split(folder, split):
    images_name, labels_name = FILES[split]
    images = (read_idx(folder, images_name, 16).to(torch.float32) / 255).reshape(-1, 1, 28, 28)
    labels = read_idx(folder, labels_name, 8).to(torch.int64)
    return images, labels


def batches(images, labels, count):
    result = []
    for b in range(count):
        start = (b * BATCH_SIZE) % len(images)
        end = min(start + BATCH_SIZE, len(images))
        result.append((images[start:end], labels[start:end]))
    return result


def lenet():
    net = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
    return net


def main(spec):
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(spec["seed"])
    train_images, train_labels = load_split(spec["dataDir"], "train")
    test_images, test_labels = load_split(spec["dataDir"], "test")
    train = batches(train_images, train_labels, spec["warmupBatches"] + spec["trainBatches"])
    whole_test = -(-len(test_images) // BATCH_SIZE)
    eval_count = whole_test if spec["evalBatches"] is None else min(spec["evalBatches"], whole_test)
    evaluation = batches(test_images, test_labels, eval_count)

    net = lenet()
    optimizer = torch.optim.SGD(net.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.CrossEntropyLoss()

    def train_step(index):
        X, y = train[index]
        net.train()
        optimizer.zero_grad()
        loss = loss_fn(net(X), y)
        value = loss.item()
        loss.backward()
        optimizer.step()
        return value

    def eval_batch(index):
        X, y = evaluation[index]
        net.eval()
        with torch.no_grad():
            return int((net(X).argmax(1) == y).sum().item())

    for b in range(spec["warmupBatches"]):
        train_step(b)
    train_examples, train_seconds, loss_sum = 0, 0.0, 0.0
    for b in range(spec["warmupBatches"], spec["warmupBatches"] + spec["trainBatches"]):
        start = time.perf_counter()
        loss = train_step(b)
        train_seconds += time.perf_counter() - start
        n = len(train[b][0])
        train_examples += n
        loss_sum += loss * n

    eval_batch(0)
    eval_examples, eval_seconds, correct = 0, 0.0, 0
    for b in range(len(evaluation)):
        start = time.perf_counter()
        correct += eval_batch(b)
        eval_seconds += time.perf_counter() - start
        eval_examples += len(evaluation[b][0])

    conv = {}
    for layer, (input_shape, weight_shape, padding, macs) in CONV_LAYERS.items():
        x, w, bias = torch.randn(input_shape), torch.randn(weight_shape), torch.randn(weight_shape[0])
        times = []
        with torch.no_grad():
            F.conv2d(x, w, bias, padding=padding)
            for _ in range(spec["convRepeats"]):
                start = time.perf_counter()
                F.conv2d(x, w, bias, padding=padding)
                times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        conv[layer] = {"seconds": seconds, "gflops": 2 * macs * BATCH_SIZE / seconds / 1e9}

    return {
        "framework": spec["framework"], "version": f"torch {torch.__version__}", "threads": torch.get_num_threads(),
        "trainExamples": train_examples, "trainSeconds": train_seconds,
        "trainExamplesPerSec": train_examples / train_seconds, "trainLoss": loss_sum / train_examples,
        "evalExamples": eval_examples, "evalSeconds": eval_seconds,
        "evalExamplesPerSec": eval_examples / eval_seconds, "evalAccuracy": correct / eval_examples,
        "conv": conv,
        # ru_maxrss is in kilobytes on Linux.
        "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/torch_lenet.py '<WorkerSpec JSON>' (started by dist/bench/lenet.js)")
    print("BENCH_RESULT " + json.dumps(main(json.loads(sys.argv[1]))), flush=True)
