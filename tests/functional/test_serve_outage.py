"""`dozor serve` while Telegram and VK go away and come back: collection and the console go on, /health reports
each outage while it lasts, the chat catches up when Telegram returns, SIGTERM stops it cleanly."""
from __future__ import annotations

from tests.contract.vk_fixtures import DEM
from tests.functional.serve_harness import CHAT, HEAT, STAFF, WATER, served

SOURCE = f"vk:-{DEM}"


def test_outages_of_telegram_and_vk_stop_nothing_else(tmp_path, models_dir, kit) -> None:
    with served(tmp_path, models_dir) as s:
        s.vk_burst(WATER)
        water = s.wait(lambda: s.risks(), what="the first risk in the register")[0]["alert_id"]
        s.wait(lambda: any(water in c.params["text"] for c in s.cards()), what="its card in the chat")
        s.wait(lambda: s.health()["status"] == "ok", what="all parts ok")

        s.tg.down()                                                  # Telegram away
        s.wait(lambda: s.health()["components"]["chat"]["state"] == "error", what="/health: chat down")
        assert "chat" in s.health()["problems"]
        s.vk_burst(HEAT)                                             # collection goes on
        risks = s.wait(lambda: [r for r in s.risks() if r["alert_id"] != water], what="the second risk")
        heat = risks[0]["alert_id"]
        assert s.get("/")[0] == 200 and s.get(f"/risk/{heat}")[0] == 200      # so does the console
        assert not any(heat in c.params["text"] for c in s.cards())
        assert s.health()["components"]["collector"]["sources"][SOURCE]["state"] == "ok"

        s.tg.up()                                                    # the chat catches up
        s.wait(lambda: any(heat in c.params["text"] for c in s.cards()), what="the missed card sent")
        s.wait(lambda: s.health()["components"]["chat"]["state"] == "ok", what="/health: chat back")

        s.vk.down()                                                  # VK away
        s.wait(lambda: s.health()["components"]["collector"]["sources"][SOURCE]["state"] == "error",
               what="/health: the source failing")
        assert SOURCE in " ".join(s.health()["problems"])
        message_id = next(m["message_id"] for (chat, _), m in s.tg.messages.items()
                          if chat == CHAT and water in m.get("text", "") and m.get("reply_markup"))
        s.tg.press(user_id=STAFF, chat_id=CHAT, message_id=message_id, data=f"take:{water}")
        s.wait(lambda: any(r["alert_id"] == water and r["state"] == "in_work" for r in s.risks()),
               what="the chat's button handled while VK is down")
        assert any(water in c.params["text"] and "в работе" in c.params["text"].lower()
                   for c in s.tg.calls("editMessageText"))
        s.vk.up()
        s.wait(lambda: s.health()["components"]["collector"]["sources"][SOURCE]["state"] == "ok",
               what="/health: the source back", timeout=60)
        code, out = s.stop()
    assert code == 0, out
    assert "Дозор остановлен." in out

