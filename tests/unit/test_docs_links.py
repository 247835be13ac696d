"""The README and docs/ link to each other by relative paths (the long manuals moved to docs/, issue 17): every
such link must lead to a file that exists."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def broken_links(root: Path = ROOT) -> list[str]:
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    return [f"{page.relative_to(root)}: {target}" for page in pages for target in LINK.findall(page.read_text("utf-8"))
            if not target.startswith(("http://", "https://")) and not (page.parent / target).exists()]


def test_every_relative_link_leads_somewhere() -> None:
    assert broken_links() == []


def test_the_check_sees_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text("[ok](docs/a.md) [gone](docs/b.md#part) [web](https://x.org)\n", "utf-8")
    (tmp_path / "docs" / "a.md").write_text("[back](../README.md)\n", "utf-8")
    assert broken_links(tmp_path) == ["README.md: docs/b.md"]
