import pytest

from tests.support.tools import in_ci


def pytest_report_header(config):
    if in_ci():
        return "CI=true: a test whose tool is missing fails"
    return "CI is not set: a test whose tool is missing skips, naming the tool"


def pytest_collection_modifyitems(config, items):
    # The real-cluster tier runs only through `make e2e` (it selects -m e2e).
    if config.getoption("-m"):
        return
    skip_e2e = pytest.mark.skip(reason="end-to-end tier: run it with `make e2e`")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip_e2e)
