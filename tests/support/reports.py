"""Read a demo's report in the end-to-end tests."""


def check_passed(report, fragment: str) -> bool:
    """Return whether every check whose description contains ``fragment`` passed.

    Fails the test when no check mentions it, so a renamed check cannot pass
    silently.
    """
    matches = [c for c in report.checks if fragment in c.description]
    assert matches, f"no check mentions {fragment!r}"
    return all(c.passed for c in matches)
