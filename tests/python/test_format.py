"""Format bindings: properties, encode/decode/quantize through the kernels, equal bit for bit to
the scalar lns::Format reference loops; shapes, dtypes, layouts and errors."""
import json
import subprocess

import numpy as np
import pytest

import lnslab
from lnslab import _lnslab

ref = _lnslab.reference


def test_done_when_example():
    f = lnslab.Format("lns8:eta0=0.016")
    x = np.array([0.75, 1.5])
    codes = f.encode(x)
    v = f.decode(codes)
    # The nearest codes: k - bias = round(log_b x) for b = 1.016 (no tie this close).
    assert np.array_equal(codes, np.rint(np.log(x) / np.log(1.016)) + f.bias)
    assert np.array_equal(v, ref.decode(f, codes))
    for xi, c in zip(x, codes):
        lo, hi = f.decode(np.array([c - 1, c + 1]))
        assert abs(np.log(xi / f.decode(c))) < min(abs(np.log(xi / lo)), abs(np.log(xi / hi)))


def test_properties_match_cli(cli, tmp_path):
    specs = ["lns8:eta0=0.016", "lns12:eta0=0.001", "lns8:gamma=8"]
    out = tmp_path / "formats.json"
    subprocess.run([cli, "format", *specs, "--json", str(out)], check=True, capture_output=True)
    assert [lnslab.Format(s).properties() for s in specs] == json.loads(out.read_text())


def test_parameters():
    f = lnslab.Format("lns10:gamma=8,bias=100")
    assert (f.bits, f.kmax, f.bias, f.gamma, f.code_count) == (10, 511, 100, 8, 1024)
    assert f.base == 2 ** (1 / 8)
    assert f.code_dtype == np.uint16
    assert lnslab.Format("lns8:eta0=0.016").code_dtype == np.uint8
    assert lnslab.Format("lns8:eta0=0.016").gamma is None
    assert f == lnslab.Format(f.spec) and repr(f) == "Format('lns10:gamma=8,bias=100')"


@pytest.mark.parametrize("spec", ["lns99:eta0=0.1", "lns8", "lns8:eta0=-1", "fp32", ""])
def test_bad_spec_is_value_error(spec, cli):
    with pytest.raises(ValueError) as e:
        lnslab.Format(spec)
    # The same message as the CLI's exit-2 error.
    r = subprocess.run([cli, "closure", spec, "--op", "add"], capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.strip() == f"lnslab: error: {e.value}"


def sample(n, seed):
    """Values across and beyond the range of the formats (log-uniform magnitudes, both signs,
    zeros, infinities, NaN)."""
    rng = np.random.default_rng(seed)
    x = np.exp(rng.uniform(-12, 12, n)) * rng.choice([-1.0, 1.0], n)
    x[:8] = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 1e-300]
    return x


SPECS = ["lns8:eta0=0.016", "lns8:gamma=8", "lns6:eta0=0.1", "lns10:eta0=0.004",
         "lns12:eta0=0.001", "lns12:gamma=64", "lns16:gamma=256"]


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("rounding", ["nearest", "toward_zero", "stochastic"])
def test_encode_equals_reference(spec, rounding):
    f = lnslab.Format(spec)
    x64 = sample(20000, 1)
    x32 = x64.astype(np.float32)
    got32 = f.encode(x32, rounding=rounding, seed=7)
    got64 = f.encode(x64, rounding=rounding, seed=7)
    assert got32.dtype == f.code_dtype and got64.dtype == f.code_dtype
    assert np.array_equal(got32, ref.encode_float(f, x32, rounding, 7))
    assert np.array_equal(got64, ref.encode_double(f, x64, rounding, 7))


@pytest.mark.parametrize("spec", SPECS)
def test_decode_every_code_equals_reference(spec):
    f = lnslab.Format(spec)
    codes = np.arange(f.code_count).astype(f.code_dtype)
    assert np.array_equal(f.decode(codes), ref.decode(f, codes), equal_nan=True)
    d32 = f.decode(codes, dtype=np.float32)
    assert d32.dtype == np.float32
    assert np.array_equal(d32, ref.decode(f, codes, as_float=True), equal_nan=True)
    # Round trip: every finite code encodes back to itself.
    finite = codes[codes != f.code_count // 2]
    assert np.array_equal(f.encode(f.decode(finite)), finite)


def test_stochastic_is_seeded():
    f = lnslab.Format("lns8:eta0=0.016")
    x = np.linspace(0.5, 2.0, 1000, dtype=np.float32)
    a = f.encode(x, rounding="stochastic", seed=3)
    assert np.array_equal(a, f.encode(x, rounding="stochastic", seed=3))
    assert not np.array_equal(a, f.encode(x, rounding="stochastic", seed=4))


def test_shapes_layouts_dtypes():
    f = lnslab.Format("lns8:eta0=0.016")
    x = np.linspace(-2, 2, 60, dtype=np.float32).reshape(3, 4, 5)
    c = f.encode(x)
    assert c.shape == (3, 4, 5)
    flat = ref.encode_float(f, x.reshape(-1))
    assert np.array_equal(c.reshape(-1), flat)
    # Non-contiguous views, Fortran order, other dtypes, lists: converted once, same codes.
    t = x.transpose(2, 0, 1)
    assert np.array_equal(f.encode(t), c.transpose(2, 0, 1))
    assert np.array_equal(f.encode(x[:, ::2]), c[:, ::2])
    assert np.array_equal(f.encode(np.asfortranarray(x)), c)
    assert np.array_equal(f.encode(x.astype(np.float16)), f.encode(x.astype(np.float16).astype(np.float32)))
    assert np.array_equal(f.encode([[1, 2], [3, 4]]), f.encode(np.array([[1.0, 2], [3, 4]])))
    assert np.array_equal(f.decode(c.astype(np.int64)), f.decode(c))
    assert np.array_equal(f.decode(c.T), f.decode(c).T)
    # Empty arrays and scalars.
    assert f.encode(np.zeros((0, 3), np.float32)).shape == (0, 3)
    assert f.decode(np.zeros(0, np.uint8)).shape == (0,)
    assert f.encode(1.0).shape == () and f.decode(f.encode(1.0)) == 1.0


def test_encode_out_and_no_copy():
    f = lnslab.Format("lns12:eta0=0.001")
    x = np.linspace(-3, 3, 1000, dtype=np.float32)
    out = np.empty(1000, np.uint16)
    r = f.encode(x, out=out)
    assert r is out or np.shares_memory(r, out)
    assert np.array_equal(out, f.encode(x))
    with pytest.raises(ValueError, match="out must be"):
        f.encode(x, out=np.empty(1000, np.uint8))
    with pytest.raises(ValueError, match="out must be"):
        f.encode(x, out=np.empty(999, np.uint16))


def test_quantize():
    for spec in ["lns8:eta0=0.016", "lns12:eta0=0.001"]:
        f = lnslab.Format(spec)
        x = sample(5000, 2)
        q64 = f.quantize(x)
        assert q64.dtype == np.float64
        assert np.array_equal(q64, f.decode(f.encode(x)), equal_nan=True)
        x32 = x.astype(np.float32).reshape(50, 100)
        q32 = f.quantize(x32, rounding="stochastic", seed=5)
        assert q32.dtype == np.float32 and q32.shape == (50, 100)
        expect = f.decode(f.encode(x32, rounding="stochastic", seed=5), dtype=np.float32)
        assert np.array_equal(q32, expect, equal_nan=True)


def test_bad_inputs_raise_value_error():
    f = lnslab.Format("lns8:eta0=0.016")
    with pytest.raises(ValueError, match="rounding 'up' is unknown"):
        f.encode([1.0], rounding="up")
    with pytest.raises(ValueError, match="float or integer array"):
        f.encode(np.array(["a"]))
    with pytest.raises(ValueError, match="float or integer array"):
        f.encode(np.array([1 + 2j]))
    with pytest.raises(ValueError, match="expected an integer array"):
        f.decode(np.array([1.0]))
    with pytest.raises(ValueError, match="code 256 is outside"):
        f.decode(np.array([256]))
    with pytest.raises(ValueError, match="code -1 is outside"):
        f.decode(np.array([-1]))
    with pytest.raises(ValueError, match="code 300 is outside"):
        f.decode(np.array([300], np.uint16))
    g = lnslab.Format("lns10:eta0=0.004")
    with pytest.raises(ValueError, match="code 1024 is outside"):
        g.add(np.array([1024], np.uint16), np.array([1], np.uint16))
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        f.decode(np.array([1], np.uint8), dtype=np.int32)
    with pytest.raises(ValueError, match="op 'pow' is unknown"):
        f.closure("pow")
