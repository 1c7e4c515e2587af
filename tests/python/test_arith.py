"""Elementwise arithmetic, GEMM and closure bindings against the scalar C++ reference."""
import subprocess

import numpy as np
import pytest

import lnslab
from lnslab import _lnslab

ref = _lnslab.reference


def all_pairs(f):
    c = np.arange(f.code_count)
    a, b = np.meshgrid(c, c, indexing="ij")
    return a.reshape(-1).astype(f.code_dtype), b.reshape(-1).astype(f.code_dtype)


@pytest.mark.parametrize("spec", ["lns8:eta0=0.016", "lns8:gamma=8"])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_every_pair_of_an_8_bit_format(spec, op):
    f = lnslab.Format(spec)
    a, b = all_pairs(f)
    got = getattr(f, op)(a, b)
    assert got.dtype == np.uint8
    assert np.array_equal(got, ref.binary(f, op, a, b))
    # The same pairs as a 2-D array: shape kept, same results.
    got2 = getattr(f, op)(a.reshape(256, 256), b.reshape(256, 256))
    assert np.array_equal(got2.reshape(-1), got)


@pytest.mark.parametrize("op", ["add", "sub"])
def test_stochastic_add_equals_reference(op):
    f = lnslab.Format("lns8:eta0=0.016")
    a, b = all_pairs(f)
    got = getattr(f, op)(a, b, rounding="stochastic", seed=11)
    assert np.array_equal(got, ref.binary(f, op, a, b, "stochastic", 11))


@pytest.mark.parametrize("spec", ["lns12:eta0=0.001", "lns12:gamma=64", "lns10:eta0=0.004"])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_random_arrays_of_wider_formats(spec, op):
    f = lnslab.Format(spec)
    rng = np.random.default_rng(5)
    a = rng.integers(0, f.code_count, 200000).astype(np.uint16)
    b = rng.integers(0, f.code_count, 200000).astype(np.uint16)
    assert np.array_equal(getattr(f, op)(a, b), ref.binary(f, op, a, b))
    # Non-contiguous operands are converted once; results element for element.
    assert np.array_equal(getattr(f, op)(a[::2], b[::2]), ref.binary(f, op, a[::2], b[::2]))


def test_neg_abs_and_shapes():
    f = lnslab.Format("lns8:eta0=0.016")
    c = np.arange(256, dtype=np.uint8)
    assert np.array_equal(f.decode(f.neg(c)), -f.decode(c), equal_nan=True)
    assert np.array_equal(f.decode(f.abs(c)), np.abs(f.decode(c)), equal_nan=True)
    with pytest.raises(ValueError, match="shapes"):
        f.add(c, c[:10])
    assert f.add(c[:0], c[:0]).shape == (0,)


@pytest.mark.parametrize("spec,datapath", [
    ("lns8:eta0=0.016", "linear:F=16,W=32"),
    ("lns8:eta0=0.016", "linear:F=8,W=12"),  # saturates
    ("lns8:gamma=8", "bins:F=8,W=32"),
    ("lns8:gamma=8", "bins:F=4,W=10"),
    ("lns8:gamma=8", "bins_mitchell:F=8,W=24,low=1"),
    ("lns12:eta0=0.001", "logadd"),
    ("lns10:gamma=16", "exact"),
])
def test_gemm_equals_reference(spec, datapath):
    f = lnslab.Format(spec)
    rng = np.random.default_rng(9)
    a = f.encode(rng.normal(size=(17, 40)) * 2)
    b = f.encode(rng.normal(size=(40, 9)) * 2)
    c_ref, sat, zero, nan, bins = ref.gemm(f, a, b, datapath)
    for threads in (1, 2):
        c, counts = f.gemm(a, b, datapath=datapath, threads=threads)
        assert c.shape == (17, 9) and c.dtype == np.float64
        assert np.array_equal(c, c_ref, equal_nan=True)
        assert counts == {"macs": 17 * 9 * 40, "zero_skipped": zero, "nan_outputs": nan,
                          "saturations": sat, "bins_touched": bins}
    # A transposed (non-contiguous) operand gives the same product.
    c_t, _ = f.gemm(np.ascontiguousarray(a.T).T, b, datapath=datapath)
    assert np.array_equal(c_t, c_ref, equal_nan=True)


def test_gemm_saturation_is_counted():
    f = lnslab.Format("lns8:eta0=0.016")
    big = f.encode(np.full((1, 64), 2.5))
    _, counts = f.gemm(big, big.T, datapath="linear:F=8,W=12")
    assert counts["saturations"] > 0


def test_gemm_errors():
    f = lnslab.Format("lns8:eta0=0.016")
    a = np.zeros((3, 4), np.uint8)
    with pytest.raises(ValueError, match="inner dimensions"):
        f.gemm(a, a)
    with pytest.raises(ValueError, match="needs base 2"):
        f.gemm(a, a.T, datapath="bins:F=8,W=32")
    with pytest.raises(ValueError, match="2-D"):
        f.gemm(a.reshape(-1), a.T)
    with pytest.raises(ValueError):
        f.gemm(a, a.T, datapath="linear:F=99")
    with pytest.raises(ValueError, match="threads"):
        f.gemm(a, a.T, threads=0)


@pytest.mark.parametrize("op", ["add", "mul"])
def test_closure_matches_cli(op, cli):
    spec = "lns8:eta0=0.016"
    s = lnslab.Format(spec).closure(op)
    out = subprocess.run([cli, "closure", spec, "--op", op], capture_output=True, text=True,
                         check=True).stdout
    counts = {line.split()[0].lower(): int(line.split()[1]) for line in out.splitlines()[1:]}
    assert s["pairs"] == 65536
    assert {k: s[k] for k in ("exact", "rounded", "saturated", "flushed", "nan")} == counts
    assert sum(counts.values()) == s["pairs"]


def test_closure_too_wide():
    with pytest.raises(ValueError):
        lnslab.Format("lns16:gamma=256").closure("add")
