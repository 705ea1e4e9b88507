"""Read the host's apt mirror, pip index settings and CA bundle at run time.

The container tier copies these into the images it builds, so that debootstrap and
pip inside ``docker build`` use the same mirror, index and certificates as the host.
Nothing read here is written into the repository.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

APT_DIR = Path("/etc/apt")
DEFAULT_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# pip options forwarded into builds, with the environment variable pip reads for each.
FORWARDED_PIP_OPTIONS = {
    "index-url": "PIP_INDEX_URL",
    "extra-index-url": "PIP_EXTRA_INDEX_URL",
    "find-links": "PIP_FIND_LINKS",
    "trusted-host": "PIP_TRUSTED_HOST",
    "proxy": "PIP_PROXY",
}
# Options whose values are URLs: local paths and file:// URLs do not exist inside a
# build container, so only http(s) entries are forwarded.
URL_OPTIONS = {"index-url", "extra-index-url", "find-links"}
# A later source overrides an earlier one: pip's [global] section, then [install],
# then PIP_* environment variables.
SECTION_PRIORITY = {"global": 1, "install": 2, ":env:": 3}


@dataclass(frozen=True)
class AptMirror:
    uri: str
    suite: str


def read_apt_mirror(apt_dir: Path = APT_DIR) -> AptMirror | None:
    """Return the first enabled ``deb`` source with a ``main`` component and a
    release suite (no ``-updates``/``-security`` suffix), in apt's file order."""
    files = [apt_dir / "sources.list"]
    files += sorted((apt_dir / "sources.list.d").glob("*"))
    for path in files:
        if not path.is_file():
            continue
        if path.suffix == ".sources":
            entries = parse_deb822_sources(path.read_text())
        elif path.name == "sources.list" or path.suffix == ".list":
            entries = parse_one_line_sources(path.read_text())
        else:
            continue
        for uris, suites, components in entries:
            release_suites = [suite for suite in suites if re.fullmatch(r"\w+", suite)]
            if uris and release_suites and "main" in components:
                return AptMirror(uri=uris[0], suite=release_suites[0])
    return None


def parse_deb822_sources(text: str) -> list[tuple[list[str], list[str], list[str]]]:
    """Return (URIs, Suites, Components) of each enabled ``deb`` stanza."""
    entries = []
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        name = None
        for line in stanza.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line[0].isspace() and name is not None:
                fields[name] += " " + line.strip()
                continue
            name, _, value = line.partition(":")
            name = name.strip().lower()
            fields[name] = value.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        if fields.get("enabled", "yes").lower() == "no":
            continue
        entries.append(
            (
                fields.get("uris", "").split(),
                fields.get("suites", "").split(),
                fields.get("components", "").split(),
            )
        )
    return entries


def parse_one_line_sources(text: str) -> list[tuple[list[str], list[str], list[str]]]:
    """Return (URIs, Suites, Components) of each ``deb`` line of a sources.list."""
    entries = []
    for line in text.splitlines():
        line = re.sub(r"\[[^\]]*\]", " ", line.split("#", 1)[0])
        words = line.split()
        if len(words) >= 3 and words[0] == "deb":
            entries.append(([words[1]], [words[2]], words[3:]))
    return entries


def read_pip_config() -> dict[str, str]:
    """Return pip's effective options (``name -> value``) from ``pip config list``."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        return {}
    return parse_pip_config_list(done.stdout)


def parse_pip_config_list(output: str) -> dict[str, str]:
    """Parse ``section.name='value'`` lines, letting env override install and global."""
    chosen: dict[str, tuple[int, str]] = {}
    for line in output.splitlines():
        match = re.fullmatch(r"(:env:|[\w-]+)\.([\w-]+)='(.*)'", line.strip())
        if match is None:
            continue
        section, name, value = match.groups()
        priority = SECTION_PRIORITY.get(section)
        if priority is None:
            continue
        if name not in chosen or priority >= chosen[name][0]:
            chosen[name] = (priority, value)
    return {name: value for name, (_, value) in chosen.items()}


def read_pip_settings(config: dict[str, str] | None = None) -> dict[str, str]:
    """Return the ``PIP_*`` variables that give a build the host's package index."""
    config = read_pip_config() if config is None else config
    settings = {}
    for option, variable in FORWARDED_PIP_OPTIONS.items():
        value = config.get(option, "")
        if option in URL_OPTIONS:
            urls = [url for url in value.split() if re.match(r"https?://", url)]
            value = " ".join(urls)
        if value:
            settings[variable] = value
    return settings


def find_ca_bundle(config: dict[str, str] | None = None) -> Path | None:
    """Return the CA bundle pip uses on the host, if there is one."""
    config = read_pip_config() if config is None else config
    candidates = [config.get("cert"), os.environ.get("SSL_CERT_FILE")]
    candidates.append(str(DEFAULT_CA_BUNDLE))
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None
