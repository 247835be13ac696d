"""`dozor sources check` against FakeVK on loopback: per source, reachable or why not."""
from __future__ import annotations

import pytest

from pipeline.commands import main
from tests.contract.fake_vk import FakeVK
from tests.contract.test_vk import TOKEN
from tests.contract.vk_fixtures import CLOSED, CLOSED_CLUB, DEM, LYCHKOVO, PODSLUSHANO


@pytest.fixture
def vk(monkeypatch):
    with FakeVK(token=TOKEN) as fake:
        for community in (PODSLUSHANO, LYCHKOVO, CLOSED_CLUB):
            fake.add_community(community)
        fake.deny(CLOSED, 15)
        monkeypatch.setenv("DOZOR_VK__TOKEN", TOKEN)
        monkeypatch.setenv("DOZOR_VK__API_BASE", fake.api_base)
        monkeypatch.delenv("DOZOR_TELETHON__API_ID", raising=False)
        yield fake


def test_check_reports_every_source(vk, tmp_path, capsys):
    f = tmp_path / "sources.yaml"
    f.write_text(f"""sources:
  - {{platform: vk, id: {-DEM}, name: Подслушано в Демянске}}
  - {{platform: vk, id: lychkovo_news, name: Лычково, kind: public, settlement: Лычково, poll_s: 600}}
  - {{platform: vk, id: {-CLOSED}, name: Закрытый клуб}}
  - {{platform: vk, id: no_such_public}}
  - {{platform: telegram, id: demyansk_chat, name: Чат Демянска, kind: chat}}
""", encoding="utf-8")
    assert main(["sources", "check", str(f)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"Файл {f}: источников 5, ошибок в описании нет.",
        "  telegram: не проверены (1): для источников Telegram нужны DOZOR_TELETHON__API_ID и "
        "DOZOR_TELETHON__API_HASH (my.telegram.org → API development tools), см. docs/live-collection.md",
        "  ✓ vk:-210001 «Подслушано в Демянске»: доступен (Подслушано в Демянске)",
        "  ✓ vk:lychkovo_news «Лычково»: доступен (Лычково — новости посёлка)",
        "  ✗ vk:-210003 «Закрытый клуб»: доступ к сообществу закрыт (ошибка VK 15)",
        "  ✗ vk:no_such_public «»: сообщество VK «no_such_public» не найдено",
        "Недоступно или не проверено: 3."]
    assert all(c.params.get("access_token") == TOKEN for c in vk.calls())


def test_a_broken_file_is_refused_with_every_reason(vk, tmp_path, capsys):
    f = tmp_path / "sources.yaml"
    f.write_text("sources:\n  - {platform: vk}\n  - {platform: vk, id: 1, kind: official, settlement: Москва}\n",
                 encoding="utf-8")
    assert main(["sources", "check", str(f)]) == 2
    err = capsys.readouterr().err
    assert err == ("Ошибка: ошибки в файле источников:\n"
                   "  источник №1: не указан id (числовой id или короткое имя)\n"
                   "  источник №2: населённого пункта «Москва» нет в справочнике (gazetteer)\n")
    assert vk.calls() == []


def test_run_without_a_vk_token_says_where_to_put_it(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DOZOR_VK__TOKEN", raising=False)
    f = tmp_path / "sources.yaml"
    f.write_text("sources:\n  - {platform: vk, id: -1}\n", encoding="utf-8")
    assert main(["run", "--sources", str(f), "--for", "1"]) == 2
    assert "DOZOR_VK__TOKEN" in capsys.readouterr().err
