import pytest

from tests.support.tools import in_ci


def pytest_report_header(config):
    return f"CI={'true' if in_ci() else 'false'}: missing tools {'fail' if in_ci() else 'skip'}"


def pytest_collection_modifyitems(config, items):
    # The real-cluster tier runs only through `make e2e` (it selects -m e2e).
    if config.getoption("-m"):
        return
    skip_e2e = pytest.mark.skip(reason="end-to-end tier: run it with `make e2e`")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip_e2e)
