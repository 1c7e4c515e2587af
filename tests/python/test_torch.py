"""lnslab.torch: the quantizer and its straight-through gradients; Madam and LnsMadam equal to
lnslab's C++ optimizers bit for bit (driven directly on numpy arrays) and to the rule written
out in numpy; state_dict round trips."""
import numpy as np
import pytest
import torch

import lnslab
import lnslab.torch as lt
from lnslab import _lnslab

LNS_SPECS = [("lns12:eta0=0.001", 0.016), ("lns10:eta0=0.004", 0.016), ("lns8:eta0=0.016", 0.016),
             ("lns8:gamma=8", 2 ** (1 / 8) - 1)]


def test_quantize_tensor():
    f = lnslab.Format("lns8:eta0=0.016")
    x = torch.linspace(-3, 3, 101)
    q = lt.quantize(x, f)
    assert q.dtype == torch.float32 and q.shape == x.shape
    assert np.array_equal(q.numpy(), f.decode(f.encode(x.numpy()), dtype=np.float32))
    assert lt.quantize(x.double(), "lns8:eta0=0.016").dtype == torch.float64
    with pytest.raises(ValueError):
        lt.quantize(torch.arange(3), f)
    with pytest.raises(ValueError):
        lt.quantize(x, "lns8:oops")


def test_quantizer_straight_through():
    fwd, bwd = lnslab.Format("lns8:eta0=0.016"), lnslab.Format("lns6:eta0=0.1")
    layer = lt.Quantizer(fwd, bwd)
    x = torch.linspace(0.4, 2.5, 50, requires_grad=True)
    y = layer(x)
    g = torch.linspace(-1.5, 1.5, 50)
    y.backward(g)
    assert np.array_equal(y.detach().numpy(), fwd.quantize(x.detach().numpy()))
    assert np.array_equal(x.grad.numpy(), bwd.quantize(g.numpy()))
    # Without a backward format the gradient passes unchanged.
    x.grad = None
    lt.Quantizer(fwd)(x).backward(g)
    assert torch.equal(x.grad, g)


def make_problem(seed):
    """Parameters of a small network and a deterministic sequence of gradients."""
    rng = np.random.default_rng(seed)
    shapes = [(7, 5), (7,), (3, 7), (3,)]
    values = [rng.normal(0, 0.5, s).astype(np.float32) for s in shapes]
    values[0][0, 0] = 0.0  # a zero weight never moves
    grads = [[rng.normal(0, 1e-2, s).astype(np.float32) for s in shapes] for _ in range(5)]
    grads[2][1][:] = 0.0  # a zero gradient on a zero second moment: 0/0 -> ghat 0
    return values, grads


def run_torch(opt_factory, values, grads, lrs):
    params = [torch.nn.Parameter(torch.from_numpy(v.copy())) for v in values]
    opt = opt_factory(params)
    for g, lr in zip(grads, lrs):
        for p, gi in zip(params, g):
            p.grad = torch.from_numpy(gi.copy())
        opt.param_groups[0]["lr"] = lr
        opt.step()
    return params, opt


def run_core(kind, spec, base_lr, values, grads, lrs):
    """The same steps through the C++ optimizer directly, on flat numpy arrays."""
    core = _lnslab.ParamOptimizer(kind, [v.size for v in values], base_lr, format=spec)
    flat = [v.copy().reshape(-1) for v in values]
    core.attach(flat)
    for g, lr in zip(grads, lrs):
        core.step(flat, [gi.reshape(-1).copy() for gi in g], lr)
    return flat, core


def lns_madam_numpy(spec, values, grads, lrs, p_scale=3.0, g_bound=10.0):
    """LNS Madam written out from its documented rule (nn/include/lnslab/nn/optimizers/lns_madam.hpp), in
    float32 where the C++ uses float. Returns the final codes and values."""
    f0 = lnslab.Format(spec)
    f = lnslab.Format(f0.spec.split(",bias=")[0] + f",bias={f0.kmax}")
    kmax, half = f.kmax, f.code_count // 2
    mags = f.decode(np.arange(kmax + 1))  # b^(k - K); index 0 unused
    eta0 = f.eta0 if f.gamma is None else f.base - 1.0
    eta0 = float(spec.split("eta0=")[1]) if "eta0=" in spec else eta0
    beta, omb, bound = np.float32(0.999), np.float32(1.0 - 0.999), np.float32(g_bound)
    state = []
    for x in values:
        x = x.reshape(-1)
        sigma = np.float32(p_scale * np.sqrt(np.sum(x.astype(np.float64) ** 2) / x.size))
        c = f.encode(x.astype(np.float64) / np.float64(sigma)).astype(np.int64)
        c = np.where((c == 0) & (x != 0), np.where(x < 0, half + 1, 1), c)  # clamp, never flush
        state.append([sigma, c, np.zeros(x.size, np.float32)])

    def decode(sigma, c):
        k, neg = c % half, c >= half
        m = (np.float64(sigma) * mags[k]).astype(np.float32)
        return np.where(k == 0, np.float32(0), np.where(neg, -m, m)).astype(np.float32)

    for t, (g, lr) in enumerate(zip(grads, lrs), start=1):
        m = np.float32(max(1.0, np.rint(lr / eta0)))
        corr = np.float32(1.0 - 0.999 ** t)
        for s, gi in zip(state, g):
            gi = gi.reshape(-1)
            s[2] = beta * s[2] + omb * (gi * gi)
            with np.errstate(invalid="ignore", divide="ignore"):
                gh = gi / np.sqrt(s[2] / corr)
            gh = np.clip(np.nan_to_num(gh, nan=0.0, posinf=bound, neginf=-bound), -bound, bound)
            delta = np.rint(m * gh).astype(np.int64)
            k, neg = s[1] % half, s[1] >= half
            nk = np.clip(k - np.where(neg, -delta, delta), 1, kmax)
            s[1] = np.where(k == 0, s[1], nk + np.where(neg, half, 0))
    return [s[1] for s in state], [decode(s[0], s[1]) for s in state]


@pytest.mark.parametrize("spec,lr", LNS_SPECS)
def test_lns_madam_equals_cpp_and_rule(spec, lr):
    values, grads = make_problem(1)
    lrs = [lr, lr, lr / 2, lr * 3, lr]  # scheduled lr: m = max(1, round(lr / eta0))
    params, opt = run_torch(lambda p: lt.LnsMadam(p, format=spec, lr=lr), values, grads, lrs)
    flat, core = run_core("lns-madam", spec, lr, values, grads, lrs)
    codes_rule, values_rule = lns_madam_numpy(spec, values, grads, lrs)
    for i, p in enumerate(params):
        got = p.detach().numpy().reshape(-1)
        assert np.array_equal(got.view(np.uint32), flat[i].view(np.uint32))
        assert np.array_equal(opt.codes()[i].reshape(-1), core.codes(i))
        assert np.array_equal(opt.codes()[i].reshape(-1), codes_rule[i])
        assert np.array_equal(got.view(np.uint32), values_rule[i].view(np.uint32))
    assert opt.codes()[0][0, 0] == 0 and params[0][0, 0] == 0.0
    assert opt.steps == 5 and opt.weight_format.bias == opt.weight_format.kmax


def test_lns_madam_moves_exponents_by_m():
    # One step from zero state is a sign step: |ghat| = 1, so every k moves by exactly m.
    f = "lns12:eta0=0.001"
    x = np.full(6, 0.3, np.float32) * np.array([1, -1, 1, -1, 1, -1], np.float32)
    g = np.array([1, 1, -1, -1, 1e-3, -1e-3], np.float32)
    params, opt = run_torch(lambda p: lt.LnsMadam(p, format=f, lr=0.016), [x], [[g]], [0.016])
    before = lt.LnsMadam([torch.nn.Parameter(torch.from_numpy(x.copy()))], format=f).codes()[0]
    k0, k1 = before.astype(int) % 2048, opt.codes()[0].astype(int) % 2048
    # |W| shrinks where g has the sign of W (k - m) and grows elsewhere.
    assert list(k1 - k0) == [-16, 16, 16, -16, -16, -16]


def test_madam_equals_cpp_and_rule():
    values, grads = make_problem(2)
    lrs = [0.01, 0.01, 0.02, 0.005, 0.01]
    params, _ = run_torch(lambda p: lt.Madam(p, lr=0.01), values, grads, lrs)
    flat, _ = run_core("madam", None, 0.01, values, grads, lrs)
    for i, p in enumerate(params):
        assert np.array_equal(p.detach().numpy().reshape(-1).view(np.uint32),
                              flat[i].view(np.uint32))
    # The rule in numpy; exp differs between libm and numpy by an ulp or so, hence rtol 2^-21.
    beta, omb = np.float32(0.999), np.float32(1 - 0.999)
    for i, x0 in enumerate(values):
        w = x0.reshape(-1).copy()
        sigma = np.float32(3.0 * np.sqrt(np.sum(w.astype(np.float64) ** 2) / w.size))
        v = np.zeros_like(w)
        for t, (g, lr) in enumerate(zip(grads, lrs), start=1):
            gi = g[i].reshape(-1)
            v = beta * v + omb * (gi * gi)
            with np.errstate(invalid="ignore", divide="ignore"):
                gh = np.nan_to_num(gi / np.sqrt(v / np.float32(1 - 0.999 ** t)), nan=0.0)
            gh = np.clip(gh, -10, 10).astype(np.float32)
            step = np.exp((-np.float32(lr) * gh * np.sign(w)).astype(np.float64))
            w = np.clip((w * step).astype(np.float32), -sigma, sigma)
        np.testing.assert_allclose(params[i].detach().numpy().reshape(-1), w, rtol=2 ** -21,
                                   atol=0)


@pytest.mark.parametrize("make", [lambda p: lt.LnsMadam(p, format="lns10:eta0=0.004", lr=0.016),
                                  lambda p: lt.Madam(p, lr=0.01)])
def test_state_dict_round_trip(make):
    values, grads = make_problem(3)
    lrs = [0.016] * 5
    full, full_opt = run_torch(make, values, grads, lrs)
    half, half_opt = run_torch(make, values, grads[:2], lrs[:2])
    sd = half_opt.state_dict()
    # A fresh optimizer on other parameters, loaded: continues exactly where the first stopped.
    model_sd = [p.detach().clone() for p in half]
    other = [torch.nn.Parameter(v.clone()) for v in model_sd]
    opt = make(other)
    opt.load_state_dict(sd)
    if isinstance(opt, lt.LnsMadam):
        for a, b in zip(opt.codes(), half_opt.codes()):
            assert np.array_equal(a, b)
    for p, q in zip(other, half):
        assert torch.equal(p, q)
    for g, lr in zip(grads[2:], lrs[2:]):
        for p, gi in zip(other, g):
            p.grad = torch.from_numpy(gi.copy())
        opt.step()
    for p, q in zip(other, full):
        assert torch.equal(p, q)


def test_optimizer_errors():
    p = [torch.nn.Parameter(torch.ones(3))]
    with pytest.raises(ValueError, match="not an integer multiple"):
        lt.LnsMadam(p, format="lns8:eta0=0.016", lr=0.01)
    with pytest.raises(ValueError, match="bias"):
        lt.LnsMadam(p, format="lns8:eta0=0.016,bias=3", lr=0.016)
    with pytest.raises(ValueError):
        lt.LnsMadam(p, format="lns8:nope", lr=0.016)
    with pytest.raises(ValueError, match="float32"):
        lt.Madam([torch.nn.Parameter(torch.ones(3, dtype=torch.float64))])
    opt = lt.LnsMadam(p, format="lns8:eta0=0.016", lr=0.016)
    sd = opt.state_dict()
    sd["lnslab_state"] = sd["lnslab_state"][:-3]
    with pytest.raises(ValueError):
        opt.load_state_dict(sd)
