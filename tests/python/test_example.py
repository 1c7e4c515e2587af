"""examples/torch_fashion_mnist.py trains on a subset above a stated accuracy."""
import gzip
import importlib.util

import pytest


@pytest.fixture
def example(source_dir):
    path = source_dir / "examples" / "torch_fashion_mnist.py"
    spec = importlib.util.spec_from_file_location("torch_fashion_mnist", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# One epoch on the first 6000 training images, tested on the first 2000 test images: measured
# 70.4% (8-bit LNS Madam) and 66.5% (FP32 Madam) with OpenBLAS and with the reference BLAS.
# Chance is 10%; the thresholds leave room for other BLAS builds' float sums.
@pytest.mark.parametrize("args,threshold", [
    (["--optimizer", "lns-madam", "--format", "lns8:eta0=0.016"], 65.0),
    (["--optimizer", "madam"], 60.0),
])
def test_subset_trains(example, args, threshold):
    acc = example.run(args + ["--epochs", "1", "--train-limit", "6000", "--test-limit", "2000"])
    assert len(acc) == 1 and acc[0] > threshold


def test_bad_idx_file(example, tmp_path):
    bad = tmp_path / "x.gz"
    bad.write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x05abc"))
    with pytest.raises(ValueError, match="3 bytes of data"):
        example.read_idx(bad, 1)
    with pytest.raises(ValueError, match="not an unsigned-byte IDX file"):
        example.read_idx(bad, 3)
    with pytest.raises(ValueError, match="no such data file"):
        example.load(tmp_path, "train", 0)
