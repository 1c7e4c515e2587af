"""lnslab for PyTorch: an LNS quantizer with a straight-through estimator, and lnslab's own
Madam / B-bit LNS Madam (the optimizers of `lnslab train`) as torch.optim.Optimizer classes.

Tensors go through numpy without copies (CPU float32, contiguous); the arithmetic is lnslab's
C++ (lnslab._lnslab), so results are bit-identical to the library's.
"""
import numpy as np
import torch

from . import _lnslab
from ._lnslab import Format


def _format(fmt):
    return fmt if isinstance(fmt, Format) else Format(fmt)


def quantize(tensor, fmt, rounding="nearest", seed=0):
    """The nearest (or stochastically / toward-zero rounded) values of an LNS format, as a new
    tensor of the input's shape, dtype (float32 or float64) and device. Values are not scaled:
    magnitudes outside the format's range saturate or flush to zero."""
    f = _format(fmt)
    x = tensor.detach()
    if x.dtype not in (torch.float32, torch.float64):
        raise ValueError(f"quantize: expected a float32 or float64 tensor, got {x.dtype}")
    q = f.quantize(x.cpu().contiguous().numpy(), rounding=rounding, seed=seed)
    return torch.from_numpy(q).to(tensor.device)


class _QuantizeSTE(torch.autograd.Function):
    """Forward: quantize to forward_fmt. Backward: the incoming gradient quantized to
    backward_fmt (or passed through unchanged when None): a straight-through estimator."""

    @staticmethod
    def forward(ctx, x, forward_fmt, backward_fmt, rounding, seed):
        ctx.backward_fmt = backward_fmt
        ctx.rounding = rounding
        ctx.seed = seed
        return x if forward_fmt is None else quantize(x, forward_fmt, rounding, seed)

    @staticmethod
    def backward(ctx, grad):
        if ctx.backward_fmt is not None:
            grad = quantize(grad, ctx.backward_fmt, ctx.rounding, ctx.seed)
        return grad, None, None, None, None


def quantize_ste(x, forward_fmt=None, backward_fmt=None, rounding="nearest", seed=0):
    """Quantizes x to forward_fmt in the forward pass and its gradient to backward_fmt in the
    backward pass (either may be None: no quantization), straight through otherwise."""
    f = None if forward_fmt is None else _format(forward_fmt)
    b = None if backward_fmt is None else _format(backward_fmt)
    return _QuantizeSTE.apply(x, f, b, rounding, seed)


class Quantizer(torch.nn.Module):
    """A layer that quantizes activations (forward) and gradients (backward) to LNS formats.

    Stochastic rounding draws from lnslab's generator seeded with seed + the call count, so a
    run is reproducible from its seed."""

    def __init__(self, forward_format=None, backward_format=None, rounding="nearest", seed=0):
        super().__init__()
        self.forward_format = None if forward_format is None else _format(forward_format)
        self.backward_format = None if backward_format is None else _format(backward_format)
        self.rounding = rounding
        self.seed = seed
        self.calls = 0

    def forward(self, x):
        seed = self.seed + self.calls
        self.calls += 1
        return quantize_ste(x, self.forward_format, self.backward_format, self.rounding, seed)

    def extra_repr(self):
        fwd = None if self.forward_format is None else self.forward_format.spec
        bwd = None if self.backward_format is None else self.backward_format.spec
        return f"forward={fwd}, backward={bwd}, rounding={self.rounding}"


class _TrainerOptimizer(torch.optim.Optimizer):
    """Drives one lnslab C++ optimizer over all parameters (one parameter group: the C++ rule has
    one learning rate per step; a scheduler may change param_groups[0]['lr'])."""

    def __init__(self, params, kind, lr, fmt, p_scale, g_bound):
        super().__init__(params, dict(lr=lr))
        if len(self.param_groups) != 1:
            raise ValueError(f"{type(self).__name__}: takes one parameter group, got "
                             f"{len(self.param_groups)}")
        self._params = list(self.param_groups[0]["params"])
        for i, p in enumerate(self._params):
            if p.dtype != torch.float32 or p.device.type != "cpu" or not p.is_contiguous():
                raise ValueError(f"{type(self).__name__}: parameter {i} must be a contiguous CPU "
                                 f"float32 tensor (got {p.dtype} on {p.device})")
        self._core = _lnslab.ParamOptimizer(kind, [p.numel() for p in self._params], lr,
                                            format=None if fmt is None else _format(fmt).spec,
                                            p_scale=p_scale, g_bound=g_bound)
        with torch.no_grad():
            self._core.attach(self._values())

    def _values(self):
        return [p.detach().numpy().reshape(-1) for p in self._params]

    def _grads(self):
        # A parameter without a gradient counts as a zero gradient (its second moment decays).
        return [np.zeros(p.numel(), np.float32) if p.grad is None
                else p.grad.detach().contiguous().numpy().reshape(-1) for p in self._params]

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        self._core.step(self._values(), self._grads(), float(self.param_groups[0]["lr"]))
        return loss

    def state_dict(self):
        sd = super().state_dict()
        sd["lnslab_state"] = torch.from_numpy(np.frombuffer(self._core.state(), np.uint8).copy())
        return sd

    def load_state_dict(self, state_dict):
        state_dict = dict(state_dict)
        blob = state_dict.pop("lnslab_state", None)
        if blob is None:
            raise ValueError(f"{type(self).__name__}: state_dict has no lnslab_state")
        super().load_state_dict(state_dict)
        with torch.no_grad():
            self._core.load_state(blob.numpy().tobytes(), self._values())

    @property
    def steps(self):
        return self._core.steps


class Madam(_TrainerOptimizer):
    """FP32 Madam, exactly the rule of `lnslab train --optimizer madam`: per tensor
    sigma* = p_scale * RMS(initial W); each step v = 0.999 v + 0.001 g^2,
    ghat = clamp(g / sqrt(v / (1 - 0.999^t)), +-g_bound) (NaN -> 0),
    W = clamp(W * exp(-lr * ghat * sign(W)), +-sigma*)."""

    def __init__(self, params, lr=0.01, p_scale=3.0, g_bound=10.0):
        super().__init__(params, "madam", lr, None, p_scale, g_bound)


class LnsMadam(_TrainerOptimizer):
    """B-bit LNS Madam, exactly the rule of `lnslab train --optimizer lns-madam`: each parameter
    is held as codes (sign, integer exponent k) of `format` with bias K, |W| = sigma* b^(k - K),
    sigma* = p_scale * RMS(initial W), the initial codes the nearest ones. Each step, with ghat as
    in Madam and m = max(1, round(lr / eta0)): k = clamp(k - round(m ghat) sign(W), 1, K); the
    decoded weights are written into the parameters. lr must be an integer multiple of eta0.
    state_dict() carries the codes, sigma*, the second moments and the step count exactly."""

    def __init__(self, params, format="lns8:eta0=0.016", lr=0.016, p_scale=3.0, g_bound=10.0):
        super().__init__(params, "lns-madam", lr, format, p_scale, g_bound)

    @property
    def weight_format(self):
        """The weight format (the given one with bias K)."""
        return Format(self._core.weight_format)

    def codes(self):
        """The codes of every parameter (uint16 numpy arrays of the parameters' shapes)."""
        return [self._core.codes(i).reshape(tuple(p.shape)) for i, p in enumerate(self._params)]

    def multiple(self, lr=None):
        """m = max(1, round(lr / eta0)) for lr (default: the current one)."""
        return self._core.multiple(float(self.param_groups[0]["lr"] if lr is None else lr))
