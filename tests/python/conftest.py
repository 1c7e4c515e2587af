"""Shared fixtures of the lnslab Python tests. ctest runs them with the build tree's package on
PYTHONPATH and LNSLAB_CLI set to the lnslab command of the same build."""
import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def source_dir():
    return SOURCE_DIR


@pytest.fixture
def cli():
    path = os.environ.get("LNSLAB_CLI")
    if not path:
        pytest.skip("LNSLAB_CLI is not set (ctest sets it to the lnslab command)")
    return path
