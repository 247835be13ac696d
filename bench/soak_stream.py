"""The soak's synthetic stream (bench/bench_soak.py): residents' chatter and bursts of complaints, in event time.

    posts, incidents = soak_stream(days=7, per_day=15_000, localities=names)
    incidents["vk:-7_123"] -> 42          # the uid of a burst post -> the incident it reports (chatter: absent)

Incidents: one problem (PROBLEMS: a topic and a handful of wordings we wrote, sharing the problem's words as
residents would, «нет воды» / «кран сухой, воды нет») in one locality of the district's gazetteer, reported by 3-8
residents within 50 minutes. A locality gets no second incident within 26 hours (past story_idle_s): two
problems in one place at once may fairly be read as one story, and that would say nothing about the soak. Every
wording is written here (no dataset rows); the place is named as residents name villages, «в д. Ямник».
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from core.records import Post

PROBLEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "no_water": ("water", ("{At} нет воды с утра, из крана ничего не течёт", "{at} опять нет воды, кран сухой",
                           "Когда дадут воду {at}? Второй день без воды", "{At} вода пропала, ни капли из крана")),
    "dirty_water": ("water", ("{At} из крана течёт ржавая вода, пить нельзя", "{at} вода из крана ржавая и мутная",
                              "Ржавая вода {at}, вторую неделю мутная вода", "{At} опять мутная ржавая вода в кране")),
    "well": ("water", ("{At} колодец пересох, воды в колодце нет", "{at} колодец грязный, воду из колодца не пить",
                       "Колодец {at} совсем обвалился, кто починит колодец?", "{At} в общем колодце вода зацвела")),
    "heating": ("heating", ("{At} батареи холодные, отопления нет", "{at} опять нет отопления, в квартирах холодно",
                            "Отопление {at} не включили, батареи ледяные", "{At} котельная не работает, батареи холодные")),
    "boiler": ("heating", ("{At} котельная стоит, котёл сломался", "{at} в котельной авария, котёл не греет",
                           "Котёл в котельной {at} опять встал", "{At} котельная без угля, котёл остыл")),
    "power": ("power", ("{At} нет света с утра на всей улице", "{at} опять отключили свет, сидим без света",
                        "Света нет {at} уже пять часов", "{At} электричество пропало, света нет")),
    "line_down": ("power", ("{At} оборвало провода, столб упал", "{at} провода висят до земли, столб повалило",
                            "Упал столб {at}, провода на дороге", "{At} порвались провода у столба, опасно")),
    "street_lights": ("power", ("{At} фонари не горят, на улице темно", "{at} ни один фонарь не горит вечером",
                                "Фонари {at} не горят вторую неделю", "{At} темно, фонари так и не включили")),
    "gas": ("gas", ("{At} пахнет газом в подъезде", "{at} сильный запах газа у дома",
                    "Запах газа {at}, вызвали газовую службу", "{At} газом пахнет на всю улицу")),
    "pothole": ("roads", ("{At} огромная яма на дороге, машины бьют колёса", "{at} дорога вся в ямах, не проехать",
                          "Ямы на дороге {at} по колено, когда отремонтируют дорогу?", "{At} опять яма на дороге, разбил колесо")),
    "snow": ("roads", ("{At} дорогу не чистят, снегом замело", "{at} снег не убирают, дорогу занесло",
                       "Дорогу {at} замело снегом, не проехать", "{At} сугробы на дороге, снег не чистят")),
    "ice": ("roads", ("{At} гололёд, тротуары не посыпают", "{at} сплошной лёд на тротуаре, люди падают",
                      "Гололёд {at}, тротуары как каток", "{At} на тротуаре лёд, ничем не посыпано")),
    "bridge": ("roads", ("{At} мост через реку совсем прогнил", "{at} на мосту доски провалились",
                         "Мост {at} в аварийном состоянии, доски гнилые", "{At} по мосту страшно ходить, доски сгнили")),
    "bus": ("transport", ("{At} автобус опять не пришёл, люди мёрзнут на остановке", "{at} автобус отменили без предупреждения",
                          "Автобус {at} не ходит третий день", "{At} опять нет автобуса, стоим на остановке час")),
    "garbage": ("waste", ("{At} мусор не вывозят неделю, баки переполнены", "{at} контейнеры переполнены, мусор кругом",
                          "Мусор {at} не вывозили две недели, баки полные", "{At} мусорные баки переполнены, мусор по всей площадке")),
    "dump": ("waste", ("{At} у леса стихийная свалка, везут мусор машинами", "{at} свалка растёт за огородами",
                       "Свалка {at} возле леса, опять мусор свалили", "{At} стихийная свалка у дороги, мусор горой")),
    "sewage": ("water", ("{At} канализацию прорвало, нечистоты текут по улице", "{at} опять прорвало канализацию",
                         "Канализация {at} течёт во двор, нечистоты кругом", "{At} нечистоты из канализации заливают подвал")),
    "dogs": ("safety", ("{At} стая бродячих собак кидается на детей", "{at} бродячие собаки бегают стаей",
                        "Собаки {at} бросаются на людей, стая у школы", "{At} бродячая стая собак покусала прохожего")),
    "fire_risk": ("emergency", ("{At} горит сухая трава у домов", "{at} пал травы подходит к домам",
                                "Трава горит {at}, огонь близко к домам", "{At} подожгли траву, горит у сараев")),
    "flood": ("emergency", ("{At} вода поднялась, затопило огороды", "{at} река вышла из берегов, огороды затопило",
                            "Затопило дорогу и огороды {at}, вода прибывает", "{At} паводок, вода заливает дворы")),
    "doctor": ("health", ("{At} в фельдшерском пункте нет фельдшера", "{at} фельдшер не принимает, пункт закрыт",
                          "Фельдшерский пункт {at} закрыт месяц", "{At} некому лечить, фельдшер уволился")),
    "internet": ("communications", ("{At} нет мобильной связи и интернета", "{at} интернет пропал, связи нет",
                                    "Связь {at} не ловит, интернета нет", "{At} вышка не работает, нет связи")),
    "roof": ("housing", ("{At} крыша дома течёт, вода в квартире", "{at} протекает крыша, залило потолок",
                         "Крыша {at} течёт, потолок мокрый", "{At} течёт крыша, в подъезде лужи")),
    "trees": ("improvement", ("{At} старые деревья вот-вот упадут на провода", "{at} аварийное дерево нависло над домом",
                              "Дерево {at} сломалось и лежит на дороге", "{At} упало дерево, перегородило проезд")),
}
CHATTER = ("Продаю диван, недорого, самовывоз", "Кто знает, во сколько завтра автобус до Новгорода?",
           "Поздравляем выпускников школы!", "В субботу концерт в доме культуры, приходите",
           "Отдам котят в добрые руки", "Какая погода будет на выходных?", "Ищу репетитора по математике",
           "Спасибо волонтёрам за помощь на празднике", "Где купить саженцы яблонь?", "Продам картошку, мешок",
           "Кто поедет в Демянск в пятницу, возьмите попутчика", "Красивый закат сегодня над озером",
           "Библиотека приглашает на встречу с писателем", "Продам дрова, берёза, с доставкой",
           "С днём рождения, дорогая соседка!", "Нашла ключи у магазина, спрашивайте", "Куплю мёд, пишите в личку",
           "Открылась новая парикмахерская, записывайтесь", "Ребята, кто знает хорошего печника?",
           "Спасибо почтальону за вежливость", "Урожай грибов в этом году отличный", "Ищу работу водителем")


def _where(name: str) -> tuple[str, str]:
    """How residents name the village: «в д. Ямник» (after a lower-case word) and «В д. Ямник» (first)."""
    return f"в д. {name}", f"В д. {name}"


def soak_stream(days: int, per_day: int, localities: list[str], start: datetime, seed: int = 16,
                incidents_per_day: int = 80) -> tuple[list[Post], dict[str, int], list[tuple[str, str]]]:
    """(posts sorted by event time, burst uid -> incident number, [(problem, locality)] per incident)."""
    rnd = random.Random(seed)
    posts: list[Post] = []
    of_incident: dict[str, int] = {}
    incidents: list[tuple[str, str]] = []
    busy_until: dict[str, datetime] = {}
    problems = sorted(PROBLEMS)
    every = timedelta(days=1) / incidents_per_day
    at = start + every / 2
    while at < start + timedelta(days=days):
        place = rnd.choice([p for p in localities if busy_until.get(p, start) <= at])
        busy_until[place] = at + timedelta(hours=26)
        problem = problems[len(incidents) % len(problems)]
        k = len(incidents)
        incidents.append((problem, place))
        wordings = PROBLEMS[problem][1]
        low, first = _where(place)
        for j in range(rnd.randint(3, 8)):
            uid = f"vk:-{1 + k % 12}_b{k}_{j}"
            text = rnd.choice(wordings).format(at=low, At=first)
            posts.append(Post(uid=uid, platform="vk", source=f"vk:-{1 + rnd.randrange(12)}",
                              published_at=at + timedelta(minutes=rnd.uniform(0, 50)), text=text,
                              author=f"id{rnd.randrange(50_000)}"))
            of_incident[uid] = k
        at += every * rnd.uniform(0.6, 1.4)
    for i in range(max(0, days * per_day - len(posts))):
        place = rnd.choice(localities)
        low, first = _where(place)
        posts.append(Post(uid=f"vk:-{1 + i % 12}_c{i}", platform="vk", source=f"vk:-{1 + i % 12}",
                          published_at=start + timedelta(seconds=rnd.uniform(0, days * 86400)),
                          text=f"{first}: {rnd.choice(CHATTER)}", author=f"id{rnd.randrange(50_000)}"))
    return sorted(posts, key=lambda p: (p.published_at, p.uid)), of_incident, incidents
