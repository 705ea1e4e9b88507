"""Entry point: `python -m web` serves on HOST:PORT until SIGTERM or SIGINT."""

from __future__ import annotations

import sys

from pydantic import ValidationError

from web.logs import configure_logging
from web.server import run
from web.settings import Settings, describe_settings_error


def main() -> int:
    try:
        settings = Settings()
    except ValidationError as error:
        print(describe_settings_error(error), file=sys.stderr)
        return 2
    configure_logging(settings.POD_NAME, settings.LOG_LEVEL)
    run(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
