"""The API and the worker are separate images, so each carries a copy of the
Redis contract (key names, the job function, event fields). The copies must
stay identical, or the two sides stop understanding each other."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_contract_copies_identical():
    api = (ROOT / "apps/api/api/contract.py").read_text(encoding="utf-8")
    worker = (ROOT / "apps/worker/worker/contract.py").read_text(encoding="utf-8")
    assert api == worker, (
        "apps/api/api/contract.py and apps/worker/worker/contract.py differ"
    )
