"""Deployment files: the image runs as a non-root user with its data on a volume and a health
check; it is built where a Docker daemon answers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


BASE = "python:3.11-slim-bookworm"


def _why_no_build() -> str | None:
    """Why the image cannot be built here (None: it can)."""
    if not shutil.which("docker"):
        return "no docker command on this machine"
    probe = subprocess.run(["docker", "version", "--format", "{{.Server.Version}}"], capture_output=True, text=True)
    if probe.returncode != 0 or not probe.stdout.strip():
        return "no Docker daemon answers on this machine"
    if subprocess.run(["docker", "image", "inspect", BASE], capture_output=True).returncode != 0:
        pulled = subprocess.run(["docker", "pull", BASE], capture_output=True, text=True, timeout=300)
        if pulled.returncode != 0:
            return f"the base image {BASE} cannot be had here (no image registry reachable)"
    return None


def test_dockerfile_is_non_root_with_a_volume_and_a_health_check():
    text = (ROOT / "Dockerfile").read_text()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    users = [ln for ln in lines if ln.startswith("USER ")]
    assert users and users[-1] != "USER root"
    assert any(ln.startswith("VOLUME") and "/var/lib/cchc" in ln for ln in lines)
    assert any(ln.startswith("HEALTHCHECK") for ln in lines)
    assert "CCHC_MODE=production" in text
    assert f"FROM {BASE}" in text
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "data/*.duckdb*", "data/*.sqlite*", "data/.salt"} <= set(ignored)


def test_systemd_unit_matches_the_image():
    unit = (ROOT / "deploy" / "cchc-dashboard.service").read_text()
    assert "User=cchc" in unit and "CCHC_MODE=production" in unit and "--server.address 127.0.0.1" in unit
    assert "ReadWritePaths=/var/lib/cchc" in unit and "EnvironmentFile=/etc/cchc/env" in unit


def test_docker_image_builds():
    why = _why_no_build()
    if why:
        pytest.skip(why)
    proc = subprocess.run(
        ["docker", "build", "-q", "-t", "cchc-dashboard:test", str(ROOT)], capture_output=True, text=True, timeout=1800
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
