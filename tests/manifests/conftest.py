import pytest

from tests.support.manifests import load_all


@pytest.fixture(scope="session")
def manifests():
    return load_all()
