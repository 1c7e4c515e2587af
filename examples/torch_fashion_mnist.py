#!/usr/bin/env python3
"""A PyTorch MLP (784-256-10, ReLU) on Fashion-MNIST trained with lnslab's optimizers:
FP32 Madam (lnslab.torch.Madam) or B-bit LNS Madam (lnslab.torch.LnsMadam), whose weights are
LNS codes updated by integer exponent adds. Prints the test accuracy after every epoch.

    PYTHONPATH=build/release/python python3 examples/torch_fashion_mnist.py \\
        --optimizer lns-madam --format lns8:eta0=0.016 --epochs 3

Data: the IDX gzip files of Debian's dataset-fashion-mnist package (see --data).
"""
import argparse
import gzip
import pathlib
import sys
import time

import numpy as np
import torch

import lnslab.torch as lt

DEFAULT_DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path, ndims):
    """An unsigned-byte IDX file (gzip or plain) as a numpy array of its dimensions."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such data file (Debian's dataset-fashion-mnist installs "
                         f"them in {DEFAULT_DATA}; or give --data DIR)")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic = int.from_bytes(raw[0:4], "big")
    if magic != 0x0800 + ndims:
        raise ValueError(f"{path}: not an unsigned-byte IDX file of {ndims} dimension(s)")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndims)]
    data = np.frombuffer(raw, np.uint8, offset=4 + 4 * ndims)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {data.size} bytes of data, header says {dims}")
    return data.reshape(dims)


def load(data_dir, split, limit):
    """Images as float32 rows in [0, 1] (pixel / 255, as lnslab's IDX reader) and int64 labels;
    the first `limit` examples when limit > 0."""
    prefix = "train" if split == "train" else "t10k"
    d = pathlib.Path(data_dir)
    images = read_idx(d / f"{prefix}-images-idx3-ubyte.gz", 3)
    labels = read_idx(d / f"{prefix}-labels-idx1-ubyte.gz", 1)
    if limit > 0:
        images, labels = images[:limit], labels[:limit]
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / np.float32(255))
    return x, torch.from_numpy(labels.astype(np.int64))


def make_optimizer(args, params):
    if args.optimizer == "madam":
        return lt.Madam(params, lr=args.lr or 0.01, p_scale=args.p_scale)
    return lt.LnsMadam(params, format=args.format, lr=args.lr or 0.016, p_scale=args.p_scale)


def accuracy(model, x, y):
    with torch.no_grad():
        return 100.0 * (model(x).argmax(1) == y).double().mean().item()


def run(argv=None):
    """Trains as the arguments say; returns the test accuracy (percent) after each epoch."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--optimizer", choices=["madam", "lns-madam"], default="lns-madam")
    p.add_argument("--format", default="lns8:eta0=0.016", help="LNS Madam weight format")
    p.add_argument("--lr", type=float, default=0.0,
                   help="learning rate (default: madam 0.01, lns-madam 0.016 = m * eta0)")
    p.add_argument("--p-scale", type=float, default=3.0, help="sigma* = p_scale * RMS(W0)")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    p.add_argument("--data", default=DEFAULT_DATA, help="directory of the IDX gzip files")
    p.add_argument("--train-limit", type=int, default=0, help="use the first N training images")
    p.add_argument("--test-limit", type=int, default=0, help="use the first N test images")
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    x_train, y_train = load(args.data, "train", args.train_limit)
    x_test, y_test = load(args.data, "test", args.test_limit)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 10))
    opt = make_optimizer(args, model.parameters())
    loss_fn = torch.nn.CrossEntropyLoss()
    name = args.optimizer + ("" if args.optimizer == "madam" else f" {args.format}")
    print(f"# {name}, lr {opt.param_groups[0]['lr']}, p_scale {args.p_scale}, batch "
          f"{args.batch}, seed {args.seed}, {len(x_train)} train / {len(x_test)} test images")
    accuracies = []
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(len(x_train))
        model.train()
        for i in range(0, len(order), args.batch):
            idx = order[i:i + args.batch]
            opt.zero_grad()
            loss_fn(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
        model.eval()
        accuracies.append(accuracy(model, x_test, y_test))
        print(f"epoch {epoch}: test accuracy {accuracies[-1]:.2f}% "
              f"({time.perf_counter() - start:.1f} s)")
    return accuracies


if __name__ == "__main__":
    try:
        run()
    except ValueError as e:
        print(f"torch_fashion_mnist: error: {e}", file=sys.stderr)
        sys.exit(2)
