#!/usr/bin/python3
"""Training throughput of lnslab against PyTorch on the same core, model, batch and optimizer.

Both sides train Fashion-MNIST (pixels / 255) for --epochs epochs with batch 128, one thread, and
count images per second over the training loop of each epoch (shuffle, batch gather, forward,
backward, optimizer step; evaluation excluded), as `lnslab train` records it in run.json. The runs
alternate (lnslab, PyTorch, lnslab, ...) so that a drift of the machine's speed hits both sides;
the table gives the median over --repeats of each side's mean images/s over epochs, and the ratio.

  /usr/bin/python3 bench/compare_pytorch.py --lnslab build/cli/lnslab [--models mlp,cnn]
      [--optimizers adam,sgd] [--epochs 2] [--repeats 3] [--isa best] [--json FILE]

Needs Debian's python3-torch (skips with exit code 0 and a message when it is missing). The
PyTorch models mirror `lnslab train --model mlp|cnn` (nn/src/models.cpp): MLP 784-256-10 with
ReLU; CNN Conv(16, 5x5, pad 2), ReLU, MaxPool 2, Conv(32, 5x5), ReLU, MaxPool 2, Linear(10).
"""
import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

DATA = "/usr/share/datasets/fashion-mnist"
LR = {"adam": 1e-3, "sgd": 0.1}  # lnslab train's defaults (SGD with momentum 0.9)


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return shape, data[4 + 4 * dims:]


def find(name):
    for suffix in ("", ".gz"):
        p = os.path.join(DATA, name + suffix)
        if os.path.exists(p):
            return p
    sys.exit(f"compare_pytorch: {DATA}/{name}[.gz] not found (Debian package dataset-fashion-mnist)")


def torch_model(torch, kind):
    nn = torch.nn
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    return nn.Sequential(nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(32 * 5 * 5, 10))


def pytorch_images_per_second(torch, images, labels, kind, optimizer, epochs, batch):
    torch.manual_seed(1)
    model = torch_model(torch, kind)
    if optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=LR["adam"])
    else:
        opt = torch.optim.SGD(model.parameters(), lr=LR["sgd"], momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = images.shape[0]
    g = torch.Generator().manual_seed(1)
    rates = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(n, generator=g)
        for first in range(0, n, batch):
            idx = order[first:first + batch]
            x, y = images[idx], labels[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
        rates.append(n / (time.perf_counter() - start))
    return statistics.mean(rates)


def lnslab_images_per_second(lnslab, kind, optimizer, epochs, batch, isa):
    with tempfile.TemporaryDirectory() as out:
        cmd = [lnslab, "train", "--model", kind, "--optimizer", optimizer, "--epochs", str(epochs),
               "--batch", str(batch), "--isa", isa, "--data", DATA, "--out", out]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(out, "run.json")) as f:
            record = json.load(f)
    rates = [e["images_per_second"] for e in record["epochs"]]
    return statistics.mean(rates), record["settings"]["isa"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lnslab", required=True, help="path of the lnslab executable")
    ap.add_argument("--models", default="mlp,cnn")
    ap.add_argument("--optimizers", default="adam")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--isa", default="best", help="lnslab train --isa")
    ap.add_argument("--json", help="also write the figures as JSON to this file")
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        print("compare_pytorch: python3-torch is not installed; nothing compared")
        return 0
    torch.set_num_threads(1)
    if not os.access(args.lnslab, os.X_OK):
        sys.exit(f"compare_pytorch: --lnslab {args.lnslab}: not an executable file")

    (n, h, w), pixels = read_idx(find("train-images-idx3-ubyte"))
    _, label_bytes = read_idx(find("train-labels-idx1-ubyte"))
    images = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).float().div_(255.0)
    images = images.reshape(n, 1, h, w)
    labels = torch.frombuffer(bytearray(label_bytes), dtype=torch.uint8).long()

    rows = []
    for kind in args.models.split(","):
        for optimizer in args.optimizers.split(","):
            ours, theirs, isa = [], [], None
            for _ in range(args.repeats):
                rate, isa = lnslab_images_per_second(args.lnslab, kind, optimizer, args.epochs,
                                                     args.batch, args.isa)
                ours.append(rate)
                theirs.append(pytorch_images_per_second(torch, images, labels, kind, optimizer,
                                                        args.epochs, args.batch))
            rows.append({"model": kind, "optimizer": optimizer, "batch": args.batch,
                         "epochs": args.epochs, "repeats": args.repeats, "lnslab_isa": isa,
                         "lnslab_images_per_second": statistics.median(ours),
                         "pytorch_images_per_second": statistics.median(theirs),
                         "ratio": statistics.median(ours) / statistics.median(theirs)})

    print(f"machine: {platform.processor() or platform.machine()}, 1 thread; PyTorch "
          f"{torch.__version__} ({torch.backends.mkldnn.is_available() and 'oneDNN' or 'no oneDNN'})")
    print(f"{'model':6} {'optimizer':9} {'lnslab isa':10} {'lnslab img/s':>13} "
          f"{'PyTorch img/s':>14} {'ratio':>7}")
    for r in rows:
        print(f"{r['model']:6} {r['optimizer']:9} {r['lnslab_isa']:10} "
              f"{r['lnslab_images_per_second']:13.0f} {r['pytorch_images_per_second']:14.0f} "
              f"{r['ratio']:6.2f}x")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "rows": rows}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
