"""What must not leak (issue 16, 5-7): the authors' key is never empty and is generated owner-only on first start,
the Telegram session file is owner-only, and a digest quote links only to http(s)."""
from __future__ import annotations

import stat
from collections import namedtuple
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from analytics.digest_html import quote_html
from core.settings import Settings
from storage.clickhouse import pseudonym
from storage.salt import author_salt


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_salt_is_generated_once_into_the_data_dir_owner_only(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    first = author_salt(settings)
    assert len(first) == 64 and mode(tmp_path / "data" / "author_salt") == 0o600
    assert author_salt(Settings(data_dir=tmp_path / "data")) == first              # kept across starts
    assert author_salt(Settings(data_dir=tmp_path / "other")) != first
    assert author_salt(Settings(data_dir=tmp_path / "x", clickhouse={"author_salt": "conf"})) == "conf"
    assert not (tmp_path / "x" / "author_salt").exists()


def test_an_empty_salt_never_makes_a_pseudonym():
    with pytest.raises(ValueError):
        pseudonym("id123", "")
    assert pseudonym("", "") == ""


def test_a_store_opened_without_a_salt_still_keys_its_pseudonyms():
    from storage.clickhouse import ClickHouseStore
    store = ClickHouseStore(client=None, dsn="chdb://x")
    assert len(store.author_salt) == 64 and store.pseudonym("id123").startswith("p:")


def test_the_telegram_session_file_is_owner_only(tmp_path):
    from pydantic import SecretStr

    from collectors.telegram import TelethonAdapter, TelethonConfig
    adapter = TelethonAdapter.from_config(TelethonConfig(api_id=1, api_hash=SecretStr("h"),
                                                         session=tmp_path / "telegram.session"))
    adapter._client.session.close()
    assert mode(tmp_path / "telegram.session") == 0o600


Quote = namedtuple("Quote", "text settlement street object topic source_name published_at engagement url")


@pytest.mark.parametrize("url, linked", [
    ("https://vk.com/wall-1_2", True), ("http://t.me/c/1/2", True), ("javascript:alert(document.cookie)", False),
    (" JavaScript:alert(1)", False), ("data:text/html;base64,PHNjcmlwdD4=", False), ("vbscript:x", False),
    ("", False), (None, False)])
def test_a_digest_quote_links_only_to_http(url, linked):
    q = Quote("Нет воды", "Лычково", "", "", "water", "Чат", datetime(2026, 3, 1), 3, url)
    html = quote_html(q, {}, ZoneInfo("Europe/Moscow"))
    assert ("<a href=" in html) is linked
    assert "javascript" not in html.lower() and "data:" not in html


def test_the_console_timeline_links_only_to_http():
    from datetime import timezone

    from pipeline.serve.svg import timeline_svg
    at = datetime(2026, 3, 1, tzinfo=timezone.utc)
    posts = [{"published_at": at, "source": "s", "text": "Нет воды", "url": url}
             for url in ("javascript:alert(1)", "https://vk.com/wall-1_2")]
    svg = timeline_svg(posts, None, at, at, ZoneInfo("Europe/Moscow"))
    assert svg.count("<a href=") == 1 and "javascript" not in svg
