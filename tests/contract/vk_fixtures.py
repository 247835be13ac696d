"""Hand-written VK fixtures: two invented publics of Демянский округ in the shapes of API 5.199 (wall.get items,
wall.getComments comments with threads, groups.getById items). Every text is ours; times are hours before NOW.

Подслушано в Демянске (210001): 23 posts — an old pinned post, 4 posts older than 3 days, a deleted post,
a photo-only post, a repost without its own words, comment trees with a reply to a reply, a deleted comment
with a live reply, and a thread of 12 replies (more than the 10 shown inline).
Лычково — новости посёлка (210002): 8 posts, one older than 3 days.
"""
from __future__ import annotations

from datetime import datetime, timezone

NOW = datetime(2026, 3, 30, 12, 0, tzinfo=timezone.utc)
NOW_TS = int(NOW.timestamp())
DEM, LYCH, CLOSED = 210001, 210002, 210003


def ago(hours: float) -> int:
    return NOW_TS - int(hours * 3600)


def wall_post(gid: int, pid: int, hours: float, text: str, from_id: int | None = None, **extra) -> dict:
    item = {"id": pid, "from_id": from_id if from_id is not None else -gid, "owner_id": -gid, "date": ago(hours),
            "marked_as_ads": 0, "post_type": "post", "text": text, "attachments": [],
            "post_source": {"type": "vk"}, "comments": {"count": 0, "can_post": 1, "groups_can_post": True},
            "likes": {"count": pid % 7, "user_likes": 0, "can_like": 1, "can_publish": 1},
            "reposts": {"count": pid % 3, "user_reposted": 0}, "views": {"count": 100 + pid % 50}}
    item.update(extra)
    return item


def comment(cid: int, hours: float, text: str, from_id: int, replies: list[dict] | None = None, **extra) -> dict:
    c = {"id": cid, "from_id": from_id, "date": ago(hours), "text": text, "likes": {"count": cid % 4}, **extra}
    if replies:
        c["replies"] = replies
    return c


def reply(cid: int, hours: float, text: str, from_id: int, to_comment: int, to_user: int) -> dict:
    return comment(cid, hours, text, from_id, reply_to_comment=to_comment, reply_to_user=to_user)


PHOTO = {"type": "photo", "photo": {"album_id": -7, "date": ago(55), "id": 457239017, "owner_id": -DEM,
                                    "access_key": "c0ffee", "sizes": [], "text": ""}}

DEM_POSTS = [
    wall_post(DEM, 950, 240, "Правила сообщества: пишем по делу, без оскорблений. Объявления — через предложку.",
              is_pinned=1),
    wall_post(DEM, 990, 100, "Продам дрова, берёза колотая, доставка по Демянску и округу."),
    wall_post(DEM, 992, 90, "Кто знает, когда откроют мост через Явонь после ремонта?", 700101),
    wall_post(DEM, 995, 80, "В Кирилловщине опять не вывозят мусор, контейнеры переполнены.", 700102),
    wall_post(DEM, 998, 75, "Спасибо дорожникам за расчищенную дорогу до Ильиной Горы!", 700103),
    wall_post(DEM, 1001, 70, "В Демянске на улице Ленина третий день нет воды. Когда дадут?", 700104),
    wall_post(DEM, 1002, 66, "Автобус на Старую Руссу опять не пришёл, люди ждали два часа на остановке.", 700105),
    {"id": 1003, "owner_id": -DEM, "from_id": 700106, "is_deleted": True, "deleted_reason": "Запись удалена",
     "deleted_details": "Запись удалена автором", "text": ""},
    wall_post(DEM, 1004, 55, "", 700107, attachments=[PHOTO]),
    wall_post(DEM, 1005, 50, "", copy_history=[{
        "id": 5501, "owner_id": -210099, "from_id": -210099, "date": ago(51), "post_type": "post",
        "text": "Администрация Демянского округа: 2 апреля с 9 до 17 часов плановое отключение электроэнергии "
                "в Лычкове.", "post_source": {"type": "vk"}}]),
    wall_post(DEM, 1006, 46, "На Никольской яма посреди дороги, уже двое пробили колёса.", 700108),
    wall_post(DEM, 1007, 44, "Где в Демянске можно сдать батарейки?", 700109),
    wall_post(DEM, 1008, 40, "Вечером в Жиркове горел сарай, пожарные приехали быстро.", 700110),
    wall_post(DEM, 1009, 36, "Скорая из Демянска ехала в Песочки полтора часа.", 700111),
    wall_post(DEM, 1010, 30, "Отключили свет в районе больницы, никого не предупредили.", 700112),
    wall_post(DEM, 1011, 26, "Детская площадка у школы сломана, качели висят на одной цепи.", 700113),
    wall_post(DEM, 1012, 22, "Когда починят фонари на Песочной? Темно, страшно ходить вечером.", 700114),
    wall_post(DEM, 1013, 18, "В аптеке на Ленина уже неделю нет инсулина.", 700115),
    wall_post(DEM, 1014, 12, "Опять нет воды на Ленина и на Школьной!", 700116),
    wall_post(DEM, 1015, 8, "Потерялась собака, рыжая, отзывается на Найду, район Вяхно.", 700117),
    wall_post(DEM, 1016, 5, "С крыши Дома культуры падает снег прямо на тротуар.", 700118),
    wall_post(DEM, 1017, 3, "Водители, осторожно: на трассе у Ямника гололёд.", 700119),
    wall_post(DEM, 1018, 1, "Спасибо водоканалу, воду на Ленина дали!", 700120),
]

WATER_THREAD = [reply(5202 + i, 11 - i * 0.5, text, 700300 + i, 5201, 700201) for i, text in enumerate([
    "И на Пролетарской нет.", "На Школьной с утра сухо.", "Звонили в водоканал?", "Там занято весь день.",
    "Говорят, прорыв у котельной.", "Опять этот прорыв.", "Воду возят бочкой к школе.", "Во сколько бочка?",
    "В шесть вечера обещали.", "Спасибо!", "Набирайте про запас.", "Дали воду на Школьной!"])]

DEM_COMMENTS = {
    1001: [comment(5001, 69, "Во всём районе так, на водоканале авария.", 700130),
           comment(5002, 68, "Звонила в водоканал, обещают к вечеру.", 700131, replies=[
               reply(5003, 67, "К какому вечеру? Третий день обещают.", 700132, 5002, 700131)])],
    1008: [comment(5101, 39, "Это на Садовой? Надеюсь, никто не пострадал.", 700140, replies=[
               reply(5102, 38.5, "Нет, на Лесной. Хозяин успел выйти.", 700141, 5101, 700140),
               reply(5103, 38, "Спасибо пожарным из Демянска!", 700142, 5102, 700141)]),
           comment(5104, 37, "", 700143, deleted=True, replies=[
               reply(5105, 36.5, "Не пишите ерунду, там всё потушили.", 700144, 5104, 700143)]),
           comment(5106, 36, "Своя пожарная часть в Жиркове нужна.", 700145)],
    1014: [comment(5201, 11.5, "У нас на Школьной тоже сухо.", 700201, replies=WATER_THREAD),
           comment(5214, 2, "Водоканал не берёт трубку.", 700202)],
}

LYCH_POSTS = [
    wall_post(LYCH, 300, 96, "В Лычкове открыли новый ФАП, приём с понедельника.", 700400),
    wall_post(LYCH, 301, 60, "Электричка до Бологого отменена на выходные.", 700401),
    wall_post(LYCH, 302, 50, "У станции снова разбили фонарь.", 700402),
    wall_post(LYCH, 303, 40, "Школьный автобус в Лычкове не ходит третий день.", 700403),
    wall_post(LYCH, 304, 30, "Кто чистит дорогу на Кневицы? Не проехать.", 700404),
    wall_post(LYCH, 305, 20, "Памятник детям в Лычкове: субботник в воскресенье в 11:00.", -LYCH),
    wall_post(LYCH, 306, 10, "На Вокзальной улице прорвало трубу, вода течёт по дороге.", 700405),
    wall_post(LYCH, 307, 2, "Труба на Вокзальной до сих пор течёт, аварийка не приехала.", 700406),
]

LYCH_COMMENTS = {306: [comment(6001, 9, "Вызывали аварийку ещё утром.", 700410)]}

PODSLUSHANO = {"group": {"id": DEM, "name": "Подслушано в Демянске", "screen_name": "podslushano_demyansk",
                         "is_closed": 0, "type": "page", "photo_50": "https://example.invalid/p50.jpg"},
               "posts": DEM_POSTS, "comments": DEM_COMMENTS}
LYCHKOVO = {"group": {"id": LYCH, "name": "Лычково — новости посёлка", "screen_name": "lychkovo_news",
                      "is_closed": 0, "type": "group", "photo_50": "https://example.invalid/l50.jpg"},
            "posts": LYCH_POSTS, "comments": LYCH_COMMENTS}
CLOSED_CLUB = {"group": {"id": CLOSED, "name": "Жирковский сельский клуб (закрытая)", "screen_name": "zhirkovo_club",
                         "is_closed": 1, "type": "group"}, "posts": []}
