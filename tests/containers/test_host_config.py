"""Unit tests of the host settings that the tier copies into its builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import host_config

pytestmark = pytest.mark.containers

DEB822 = """\
Types: deb-src
URIs: http://src.example.test/debian
Suites: bookworm
Components: main

Types: deb
# a comment inside a stanza
URIs: http://mirror.example.test/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.example.test/debian-security
Suites: bookworm-security
Components: main
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_apt_mirror_from_deb822(tmp_path: Path) -> None:
    write(tmp_path / "sources.list.d" / "debian.sources", DEB822)
    mirror = host_config.read_apt_mirror(tmp_path)
    assert mirror == host_config.AptMirror(
        "http://mirror.example.test/debian", "bookworm"
    )


def test_apt_mirror_skips_disabled_stanza(tmp_path: Path) -> None:
    disabled = "Types: deb\nURIs: http://off.example.test/debian\nSuites: bookworm\n"
    disabled += "Components: main\nEnabled: no\n\n"
    write(tmp_path / "sources.list.d" / "debian.sources", disabled + DEB822)
    mirror = host_config.read_apt_mirror(tmp_path)
    assert mirror is not None
    assert mirror.uri == "http://mirror.example.test/debian"


def test_apt_mirror_from_one_line_format(tmp_path: Path) -> None:
    lines = (
        "# deb http://commented.example.test/debian bookworm main\n"
        "deb-src http://src.example.test/debian bookworm main\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://line.example.test/debian "
        "bookworm main contrib\n"
    )
    write(tmp_path / "sources.list", lines)
    mirror = host_config.read_apt_mirror(tmp_path)
    assert mirror == host_config.AptMirror(
        "http://line.example.test/debian", "bookworm"
    )


def test_apt_mirror_sources_list_before_directory(tmp_path: Path) -> None:
    write(
        tmp_path / "sources.list", "deb http://first.example.test/debian trixie main\n"
    )
    write(tmp_path / "sources.list.d" / "debian.sources", DEB822)
    mirror = host_config.read_apt_mirror(tmp_path)
    assert mirror == host_config.AptMirror("http://first.example.test/debian", "trixie")


def test_apt_mirror_ignores_other_file_names(tmp_path: Path) -> None:
    write(tmp_path / "sources.list.d" / "a.sources.disabled", DEB822)
    assert host_config.read_apt_mirror(tmp_path) is None


def test_pip_config_env_overrides_global() -> None:
    output = (
        "global.index-url='https://global.example.test/simple'\n"
        "install.index-url='https://install.example.test/simple'\n"
        ":env:.index-url='https://env.example.test/simple'\n"
        "global.cert='/etc/ssl/certs/ca-certificates.crt'\n"
    )
    config = host_config.parse_pip_config_list(output)
    assert config["index-url"] == "https://env.example.test/simple"
    assert config["cert"] == "/etc/ssl/certs/ca-certificates.crt"


def test_pip_settings_forward_only_http_urls() -> None:
    config = {
        "extra-index-url": "file:///opt/pypi/simple https://extra.example.test/simple",
        "find-links": "/opt/wheels",
        "trusted-host": "extra.example.test",
        "default-timeout": "180",
    }
    settings = host_config.read_pip_settings(config)
    assert settings == {
        "PIP_EXTRA_INDEX_URL": "https://extra.example.test/simple",
        "PIP_TRUSTED_HOST": "extra.example.test",
    }


def test_ca_bundle_prefers_pip_cert(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.crt"
    bundle.write_text("certificates\n")
    assert host_config.find_ca_bundle({"cert": str(bundle)}) == bundle
