"""Report how many docs blocks ran and which were skipped by marker, with their reasons."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from .test_docs_code import RAN, SKIPPED

    if not (RAN or SKIPPED):
        return
    terminalreporter.write_line(
        f"docs-test: {len(RAN)} python block(s) ran, {len(SKIPPED)} skipped by marker"
    )
    for block in SKIPPED:
        terminalreporter.write_line(f"  skipped {block.where}: {block.skip}")
