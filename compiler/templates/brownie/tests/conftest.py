"""Brownie fixtures for the exported statutes: a fresh deployment for every test module,
and every test reverted afterwards (`fn_isolation`), so tests never see each other's state."""
import pytest

from scripts.lawdsl_support import deploy_all


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    pass


@pytest.fixture(scope="module")
def deployment(accounts):
    return deploy_all(accounts[0])
