"""lnslab.sim.simulate returns what `lnslab sim --json` writes, for GEMMs and a topology."""
import json
import subprocess

import pytest
import torch

from lnslab import sim


def cli_json(cli, tmp_path, args):
    out = tmp_path / "sim.json"
    subprocess.run([cli, "sim", *args, "--json", str(out)], check=True, capture_output=True)
    return json.loads(out.read_text())


def comparable(report):
    """Everything but the wall-clock time and the provenance line (binary vs module)."""
    return {k: v for k, v in report.items() if k not in ("simulation_ms", "provenance")}


@pytest.mark.parametrize("config", ["lns8.toml", "fp32.toml"])
def test_gemms_train(cli, tmp_path, source_dir, config):
    path = source_dir / "configs" / "accelerators" / config
    want = cli_json(cli, tmp_path, [str(path), "--gemm", "64,128,256", "--gemm", "10,20,30",
                                    "--train", "--batch", "3"])
    got = sim.simulate(path, gemms=["64,128,256", (10, 20, 30)], train=True, batch=3)
    assert comparable(got) == comparable(want)
    assert got["runs"][0]["total"]["cycles"]["total"] > 0


def test_topology_batch(cli, tmp_path, source_dir):
    path = source_dir / "configs" / "accelerators" / "lns12.toml"
    topo = source_dir / "configs" / "topologies" / "mlp.csv"
    want = cli_json(cli, tmp_path, [str(path), "--topology", str(topo), "--batch", "4"])
    got = sim.simulate(path, topology=topo, batch=4)
    assert comparable(got) == comparable(want)


def test_model_linear_layers(source_dir):
    path = source_dir / "configs" / "accelerators" / "lns8.toml"
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 10))
    got = sim.simulate(path, model=model, batch=32)
    want = sim.simulate(path, gemms=["32,256,784", "32,10,256"])
    assert got["runs"] == want["runs"]
    with pytest.raises(ValueError, match="Linear layers only"):
        sim.simulate(path, model=torch.nn.Conv2d(3, 8, 3))


def test_bad_input(source_dir, tmp_path):
    path = source_dir / "configs" / "accelerators" / "lns8.toml"
    with pytest.raises(ValueError):
        sim.simulate(tmp_path / "missing.toml", gemms=["1,2,3"])
    with pytest.raises(ValueError):
        sim.simulate(path, gemms=["1,2"])
    with pytest.raises(ValueError, match="exactly one"):
        sim.simulate(path)
    with pytest.raises(ValueError, match="exactly one"):
        sim.simulate(path, gemms=["1,2,3"], topology="x.csv")
    bad = tmp_path / "bad.toml"
    bad.write_text("[array]\nrows = -3\n")
    with pytest.raises(ValueError):
        sim.simulate(bad, gemms=["1,2,3"])
