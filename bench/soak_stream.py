"""The soak's synthetic stream (bench/bench_soak.py): residents' chatter and bursts of complaints, in event time.

    posts, incidents = soak_stream(days=7, per_day=15_000, localities=names)
    incidents["vk:-7_123"] -> 42          # the uid of a burst post -> the incident it reports (chatter: absent)

Incidents: one problem (PROBLEMS: a topic and a handful of wordings we wrote, sharing the problem's words as
residents would, «нет воды» / «кран сухой, воды нет») in one locality of the district's gazetteer, reported by 3-8
residents within 50 minutes. A locality gets no second incident within 26 hours (past story_idle_s): two
problems in one place at once may fairly be read as one story, and that would say nothing about the soak. Every
wording is written here (no dataset rows); the place is named as residents name villages, «в д. Ямник».
Chatter: the rest of each day's posts, from random localities at random times, each composed from a frame and
slots (CHATTER_FRAMES, CHATTER_SLOTS: sales, lifts, greetings, events, lost keys, harvests), so that a story of
chatter alone is the detector's doing, not 22 sentences repeated verbatim as in the first soaks.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from string import Formatter

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
# Chatter is composed, not repeated: a frame and its slots drawn at random (all written here), so two residents
# rarely post the same sentence and a «story» of chatter says something about detection, not about the stream.
CHATTER_FRAMES = (
    "Продаю {thing}, {price} руб., {contact}", "Куплю {thing}, недорого, {contact}",
    "Отдам {pet} в добрые руки, {contact}", "Кто едет в {town} {day}? Возьму {seats}, {contact}",
    "Поздравляем {name} с {occasion}!", "{Day} в {venue} {event}, начало в {hour}:00",
    "Ищу {worker}, оплата договорная, {contact}", "Спасибо {whom} за {deed}!",
    "Кто знает, {question}?", "Нашли {lost} возле {landmark}, спрашивайте у {name_of}",
    "Потерялась {animal}, {colour}, откликается на {nick}. Кто видел?", "{Nature} сегодня {where_nature}, {mood}",
    "Рецепт {dish} от {name_of}: {tip}", "{Day} ярмарка у {landmark}, будут {goods}",
    "{name_cap} вернулась из {town}, привезла {goods}", "Сдаю {room} {term}, {contact}",
    "Урожай {crop} в этом году {verdict}", "Кто может помочь {help} {day}? {name_cap} будет благодарна",
)
CHATTER_SLOTS: dict[str, tuple[str, ...]] = {
    "thing": ("диван", "холодильник", "велосипед", "детскую коляску", "стол с четырьмя стульями", "шкаф-купе",
              "лодку с мотором", "швейную машинку", "коньки 38 размера", "бензопилу", "телевизор", "зимнюю куртку"),
    "price": tuple(str(n) for n in range(500, 30_001, 500)),
    "contact": ("пишите в личку", "звоните вечером", "телефон в профиле", "пишите в сообщения",
                "обращаться после шести", "спросите у соседей, подскажут"),
    "pet": ("котят", "щенка", "взрослую кошку", "двух котиков", "кролика", "попугая с клеткой"),
    "town": ("Новгород", "Демянск", "Валдай", "Старую Руссу", "Боровичи", "Крестцы", "Петербург", "Лычково"),
    "day": ("в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу", "в воскресенье",
            "завтра", "послезавтра", "на выходных"),
    "Day": ("В субботу", "В воскресенье", "В пятницу", "Завтра", "Послезавтра", "В эти выходные", "В среду"),
    "seats": ("одного попутчика", "двоих попутчиков", "небольшую посылку", "попутчицу с ребёнком"),
    "name": ("Марию Ивановну", "Петра Сергеевича", "Анну Викторовну", "Николая Степановича", "Ольгу Павловну",
             "Виктора Андреевича", "Зинаиду Фёдоровну", "Алексея Михайловича", "нашу Галину Петровну"),
    "name_of": ("Марии Ивановны", "Петра Сергеевича", "Анны Викторовны", "Николая Степановича", "Ольги Павловны",
                "тёти Зины", "бабушки Нины", "соседки Людмилы"),
    "name_cap": ("Мария Ивановна", "Анна Викторовна", "Ольга Павловна", "Тётя Зина", "Бабушка Нина",
                 "Соседка Людмила", "Вера Николаевна"),
    "occasion": ("днём рождения", "юбилеем", "золотой свадьбой", "рождением внука", "выходом на пенсию",
                 "окончанием школы", "новосельем"),
    "venue": ("доме культуры", "библиотеке", "школе", "клубе", "сельском клубе", "музее", "церкви"),
    "event": ("концерт хора", "встреча с краеведом", "выставка вышивки", "танцы для старшего поколения",
              "кружок для детей", "показ фильма", "турнир по шашкам", "вечер песни под гармонь"),
    "hour": tuple(str(h) for h in range(10, 20)),
    "worker": ("репетитора по математике", "сиделку для бабушки", "водителя на лето", "печника", "электрика",
               "няню на полдня", "помощника на пасеку", "бригаду покрыть сарай"),
    "whom": ("волонтёрам", "почтальону", "продавщицам магазина", "учителям школы", "соседям", "библиотекарю",
             "ребятам из клуба", "батюшке"),
    "deed": ("помощь на празднике", "вежливость", "подарки детям", "уборку у памятника", "концерт",
             "поздравление ветеранов", "доставленную вовремя пенсию"),
    "question": ("во сколько завтра автобус до Новгорода", "где купить саженцы яблонь", "кто продаёт мёд",
                 "работает ли аптека в воскресенье", "где принимают металлолом", "кто чинит часы",
                 "когда приедет автолавка", "где купить семена огурцов", "кто делает ключи"),
    "lost": ("ключи", "перчатки", "детский шарф", "кошелёк без денег", "очки в футляре", "варежку"),
    "landmark": ("магазина", "почты", "остановки", "клуба", "школы", "колонки", "церкви", "моста"),
    "animal": ("кошка", "собака", "коза", "курица-несушка", "такса"),
    "colour": ("рыжая", "чёрная с белым", "серая", "пятнистая", "белая"),
    "nick": ("Мурку", "Жучку", "Белку", "Дусю", "Ночку", "Соню"),
    "Nature": ("Красивый закат", "Туман", "Радуга", "Первый снег", "Иней на деревьях", "Журавли", "Тихое утро"),
    "where_nature": ("над озером", "у реки", "над полем", "за деревней", "у старой церкви", "над лесом"),
    "mood": ("красота", "выходите смотреть", "душа радуется", "фото в комментариях", "давно такого не было"),
    "dish": ("пирогов с капустой", "солёных груздей", "брусничного морса", "блинов на кефире", "щей"),
    "tip": ("главное не торопиться", "тесто держать в тепле", "соли меньше, чем кажется", "печь на углях"),
    "goods": ("мёд и варенье", "валенки", "рассаду помидоров", "вязаные носки", "гостинцы", "копчёную рыбу",
              "игрушки из дерева", "пряники"),
    "room": ("комнату", "половину дома", "дачу", "гараж", "квартиру у школы"),
    "term": ("на лето", "на месяц", "на зиму", "надолго", "студентам"),
    "crop": ("картошки", "яблок", "клюквы", "грибов", "морковки", "малины", "черники"),
    "verdict": ("отличный", "так себе", "лучше прошлогоднего", "хороший, всех угощаем", "небольшой"),
    "help": ("перевезти шкаф", "наколоть дров", "вскопать огород", "донести покупки", "покрасить забор"),
}
CHATTER_FIELDS = {frame: tuple(name for _, name, _, _ in Formatter().parse(frame) if name)
                  for frame in CHATTER_FRAMES}


def chatter(rnd: random.Random) -> str:
    """One resident's sentence: a frame with its slots filled at random."""
    frame = rnd.choice(CHATTER_FRAMES)
    return frame.format(**{name: rnd.choice(CHATTER_SLOTS[name]) for name in CHATTER_FIELDS[frame]})


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
                          text=f"{first}: {chatter(rnd)}", author=f"id{rnd.randrange(50_000)}"))
    return sorted(posts, key=lambda p: (p.published_at, p.uid)), of_incident, incidents
