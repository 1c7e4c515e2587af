"""The accelerator simulator: simulate() returns what `lnslab sim CONFIG --json FILE` writes."""
from . import _lnslab


def _model_gemms(model, batch):
    """'M,N,K' of every torch.nn.Linear of a model, in module order (M = batch rows)."""
    import torch

    shapes = []
    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            shapes.append(f"{batch},{module.out_features},{module.in_features}")
        elif isinstance(module, (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d)):
            raise ValueError("simulate: model= takes Linear layers only; give convolutions "
                             "as a topology CSV (topology=FILE)")
    if not shapes:
        raise ValueError("simulate: the model has no torch.nn.Linear layer")
    return shapes


def simulate(config, gemms=None, topology=None, model=None, train=False, batch=1):
    """Simulates one accelerator config (path to a TOML file) on one workload, given as

    - gemms: GEMM shapes, each "M,N,K" or a tuple (M, N, K);
    - topology: a SCALE-Sim topology CSV (M of every layer is multiplied by batch);
    - model: a torch.nn.Module whose Linear layers become GEMMs with M = batch.

    train=True simulates a training step (forward, backward dX and dW, weight updates).
    Returns a dict with "provenance", "workload", "simulation_ms" and "runs" (one run, the
    structure of `lnslab sim --json`). Bad input raises ValueError with the CLI's message.
    """
    given = [x is not None for x in (gemms, topology, model)]
    if sum(given) != 1:
        raise ValueError("simulate: give exactly one of gemms=, topology= or model=")
    if topology is not None:
        return _lnslab.simulate(str(config), topology=str(topology), train=train, batch=batch)
    if model is not None:
        shapes = _model_gemms(model, batch)  # M holds the batch; the core only records it
    else:
        shapes = [g if isinstance(g, str) else ",".join(str(int(v)) for v in g) for g in gemms]
        if not shapes:
            raise ValueError("simulate: gemms is empty")
    return _lnslab.simulate(str(config), gemms=shapes, train=train, batch=batch)
