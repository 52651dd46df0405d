"""HTTPS, HSTS and the Content-Security-Policy, and `homeroom check --deploy` with the
production settings the README gives."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from homeroom.core import roles

README = Path(__file__).resolve().parents[4] / "README.md"


def readme_production_settings() -> dict[str, str]:
    """The `export NAME=value` lines of the README's production block."""
    text = README.read_text()
    block = text[text.index("### In production") :]
    block = block[block.index("```sh") : block.index("```", block.index("```sh") + 5)]
    found = dict(re.findall(r"^export (HOMEROOM_\w+)=(.+)$", block, flags=re.MULTILINE))
    assert "HOMEROOM_HTTPS" in found, block
    return found


def test_check_deploy_is_clean_with_the_readme_production_settings(tmp_path):
    # Only the README's settings: none of the test session's own (the browser tests' async
    # switch, the clock, the database).
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HOMEROOM_", "DJANGO_")) and key != "DATABASE_URL"
    }
    for name, value in readme_production_settings().items():
        if value.startswith('"$('):
            value = "production-" + "k7Qz" * 20  # the README has the shell make one
        env[name] = value
    env["HOMEROOM_DATA_DIR"] = str(tmp_path)

    checked = subprocess.run(
        [sys.executable, "-m", "homeroom.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout
    assert "WARNING" not in checked.stderr


def test_every_page_sends_a_policy_without_inline_script(users, client_as):
    for response in (
        Client().get("/accounts/login/"),
        client_as(users[roles.TECHNICIAN]).get("/"),
        Client().get("/api/v1/docs"),
    ):
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert "unsafe" not in policy
        assert directives["frame-ancestors"] == "'none'"


@pytest.fixture
def https(settings):
    """The production settings as settings.py derives them from HOMEROOM_HTTPS and
    HOMEROOM_BEHIND_PROXY."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_plain_http_is_redirected_and_https_gets_hsts(db, https):
    plain = Client().get("/accounts/login/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/accounts/login/"

    secure = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"

    assert Client().get("/healthz").status_code == 200, "a load balancer's check stays plain"


def test_settings_follow_the_https_switch(tmp_path):
    def settings_with(**env) -> str:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("HOMEROOM_")}
        environment.update(HOMEROOM_DATA_DIR=str(tmp_path), **env)
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import homeroom.settings as s; print(s.SECURE_SSL_REDIRECT, "
                "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
                "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))",
            ],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()

    assert settings_with() == "False 0 False None"
    assert settings_with(HOMEROOM_HTTPS="true") == "True 31536000 True None"
    assert (
        settings_with(HOMEROOM_HTTPS="true", HOMEROOM_BEHIND_PROXY="true")
        == "True 31536000 True ('HTTP_X_FORWARDED_PROTO', 'https')"
    )
    assert settings_with(HOMEROOM_HTTPS="true", HOMEROOM_HSTS_SECONDS="600").split()[1] == "600"
