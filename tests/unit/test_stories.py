"""Stories by meaning (issue 14): golden cases in Russian, written by us, through the detector as every runner
builds it (pipeline.stages: content words from pipeline.text). Topic scores are given by hand, the way a topic
model wavers on real posts."""
from __future__ import annotations

from alerting.affinity import Rarity, linked, stems, vote
from alerting.detect import Detector
from alerting.state import detector_state, restore_detector
from core.settings import Detection
from core.taxonomy import load_topics
from pipeline.geo import load_gazetteer
from pipeline.stages import topic_terms
from pipeline.text import content_terms
from tests.conftest import make_enriched as post

CONFIG = Detection(window_s=3 * 3600, min_posts=3, min_authors=2, story_idle_s=12 * 3600)


def detector() -> Detector:
    return Detector(CONFIG, load_topics(), terms=topic_terms(load_gazetteer()))


def run(posts, d: Detector | None = None) -> dict:
    """alert id -> the latest snapshot."""
    d = d or detector()
    latest = {}
    for p in posts:
        for a in d.process(p):
            latest[a.alert_id] = a
    return latest


BASEMENT = [   # one problem; the topic model scored it emergency / water / water / housing / housing
    post("b1", 0, "emergency", 0.48, also=(("water", 0.2),),
         text="Снова затоплен подвал в доме на Школьной, вода стоит"),
    post("b2", 25, "water", 0.41, also=(("housing", 0.3),), text="Протечка с потолка в подвале, вода по колено"),
    post("b3", 50, "water", 0.62, text="Затопление в подвальном помещении, третий день вода в подвале"),
    post("b4", 80, "housing", 0.45, also=(("water", 0.25),), text="Подвал опять затоплен, откачивать никто не едет"),
    post("b5", 110, "housing", 0.38, also=(("water", 0.3),), text="В подвале воды по колено, затопило всё"),
]


def test_a_story_whose_posts_the_topic_model_splits_is_one_story():
    alerts = run(BASEMENT)
    assert len(alerts) == 1
    (alert,) = alerts.values()
    assert alert.post_uids == ("b1", "b2", "b3", "b4", "b5")
    assert alert.topic == "water"                       # the weighted vote, not the first post's label
    assert alert.why.startswith("похожих сообщений: 5; общие слова:") and "подвал" in alert.why


def test_a_burst_no_topic_fits_still_becomes_a_story():
    certificates = [   # «other» for the topic model, at best a weak health score: still one problem
        post("c1", 0, "health", 0.30, also=(("social", 0.15),),
             text="После вакцинации не пришёл сертификат на Госуслугах, уже две недели"),
        post("c2", 30, "social", 0.28, also=(("health", 0.2),),
             text="Сертификат о вакцинации так и не появился на Госуслугах"),
        post("c3", 70, "health", 0.35, also=(("communications", 0.1),),
             text="Привился месяц назад, а сертификата на Госуслугах нет"),
    ]
    (alert,) = run(certificates).values()
    assert alert.post_uids == ("c1", "c2", "c3") and "сертификат" in alert.why


def seasoned(**config) -> Detector:
    """A detector that has seen a week of complaint candidates (everyday words common, «сертификат» never), as a
    running one has: a fresh one does not know yet what is common and forms no story of unnamed posts."""
    d = Detector(CONFIG.model_copy(update=config), load_topics(), terms=topic_terms(load_gazetteer()))
    d.rarity = Rarity.from_state({"2026-03-20": {"docs": 1000, "stems": {"друг": 40, "жизнь": 30, "идти": 25}}})
    return d


def unnamed(uid: str, minutes: float, text: str, other: float = 0.6, negative: float = 0.8, **kw):
    """A post the topic model has no risk topic for: «other» first, a weak risk topic after it."""
    return post(uid, minutes, "other", other, negative=negative, also=(("health", 0.2),), text=text, **kw)


# the other negative posts of a busy evening, each about something else: what a window holds besides a burst
EVENING = [unnamed(f"e{i}", 3 * i, text) for i, text in enumerate((
    "кот разбил вазу", "дождь весь вечер", "сериал закончился плохо", "опоздал на автобус", "телефон сел",
    "кофе остыл", "соседский пёс лает", "голова трещит", "экзамен завалил", "суп пересолила", "ноутбук завис",
    "кроссовки порвались", "концерт отменили", "пробки в центре", "сломался зонт"))]


def busy(posts):
    return sorted(EVENING + posts, key=lambda p: p.post.published_at)


CERTIFICATES = [unnamed("v1", 20, "После вакцинации не пришёл сертификат на Госуслугах"),
                unnamed("v2", 55, "Где сертификат? Привилась две недели назад, на Госуслугах пусто", other=0.45),
                unnamed("v3", 100, "Сертификата о прививке так и нет, Госуслуги молчат", other=0.55)]
FRIENDS = [unnamed("f1", 20, "лучший друг опять не позвонил"), unnamed("f2", 40, "друг называется, даже не поздравил"),
           unnamed("f3", 70, "был у меня друг, да весь вышел"), unnamed("f4", 90, "жизнь боль, друг уехал")]


def test_a_burst_scored_other_by_the_topic_model_is_one_story():
    (alert,) = run(busy(CERTIFICATES), seasoned()).values()
    assert alert.post_uids == ("v1", "v2", "v3") and alert.kind == "story"
    assert alert.topic == "other" and "сертификат" in alert.why


def test_posts_scored_other_form_no_story_before_the_detector_knows_what_is_common():
    assert run(busy(CERTIFICATES)) == {}


def test_negative_chatter_sharing_an_everyday_word_forms_no_story():
    assert run(busy(FRIENDS), seasoned()) == {}
    # what keeps them apart is how often «друг» comes up anyway, not a missing link: any burst would do
    assert len(run(busy(FRIENDS), seasoned(unnamed_chance=0.5))) == 1


def test_candidates_linked_only_by_an_everyday_word_are_no_story():
    walking = [post(u, m, topic, 0.3, also=((other, 0.2),), text=t) for u, m, topic, other, t in (
        ("g1", 20, "transport", "roads", "идти пешком до работы, опять опоздал"),
        ("g2", 45, "roads", "transport", "пока шёл домой, промок до нитки"),
        ("g3", 75, "transport", "roads", "идти в такую погоду никуда не хочется"))]
    assert run(busy(walking), seasoned()) == {}
    # «идти» links them (rare enough among complaints) but comes up this often anyway: the burst test parts them
    assert len(run(busy(walking), seasoned(meaning_chance=1.0))) == 1


def test_positive_or_calm_posts_scored_other_are_no_complaints():
    calm = [unnamed(u, m, t, negative=0.2) for u, m, t in (("p1", 20, "Сертификат о вакцинации пришёл, спасибо"),
                                                          ("p2", 50, "Госуслуги прислали сертификат за день"),
                                                          ("p3", 80, "Сертификат уже на Госуслугах, удобно"))]
    assert run(busy(calm), seasoned()) == {}


def test_two_problems_in_one_village_stay_two_stories():
    water = [post(f"w{i}", m, "water", 0.8, settlement="Лычково", text=t) for i, (m, t) in enumerate([
        (0, "В Лычкове нет воды с утра"), (20, "Лычково без воды, колонка сухая"), (40, "Воды нет, в Лычкове сухо")])]
    road = [post(f"r{i}", m, "roads", 0.5, also=(("water", 0.3),), settlement="Лычково", text=t)
            for i, (m, t) in enumerate([(10, "Яма на дороге у моста в Лычкове, колесо пробил"),
                                        (30, "У моста яма на дороге, машины объезжают по обочине"),
                                        (50, "Дорога у моста разбита, яма огромная")])]
    alerts = run(sorted(water + road, key=lambda p: p.post.published_at))
    assert sorted(a.post_uids for a in alerts.values()) == [("r0", "r1", "r2"), ("w0", "w1", "w2")]
    assert {a.topic for a in alerts.values()} == {"water", "roads"}


def test_negative_chatter_never_forms_a_story():
    chatter = [post(f"x{i}", 15 * i, topic, score, text=text) for i, (topic, score, text) in enumerate([
        ("health", 0.45, "снова в больницу... :("), ("health", 0.42, "это ты в больнице)"),
        ("emergency", 0.5, "гори в аду"), ("health", 0.41, "приветик! обещал приехать, но не приехал((("),
        ("safety", 0.44, "коварству запада нет предела"), ("roads", 0.4, "велосипедист — бедствие для экономики"),
        ("health", 0.43, "голова болит весь день"), ("power", 0.4, "сил нет, батарейка села"),
    ])]
    assert run(chatter) == {}


def test_chatter_does_not_glue_itself_onto_a_story():
    noise = [post("n1", 60, "health", 0.45, text="снова в больницу... :("),
             post("n2", 70, "housing", 0.42, text="соседи опять шумят, сил нет")]
    alerts = run(sorted(BASEMENT + noise, key=lambda p: p.post.published_at))
    assert [a.post_uids for a in alerts.values()] == [("b1", "b2", "b3", "b4", "b5")]


def test_a_story_keeps_its_id_while_its_topic_follows_the_vote():
    d = detector()
    first = run(BASEMENT[:3], d)
    later = run(BASEMENT[3:] + [post("b6", 130, "housing", 0.7, text="Подвал затоплен, в подъезде сырость")], d)
    assert list(first) == list(later)                   # one alert id from the third post on
    assert later[next(iter(later))].post_uids[-1] == "b6"


def test_the_detector_state_keeps_what_stories_by_meaning_need():
    d = detector()
    run(BASEMENT[:2], d)
    restored = restore_detector(detector_state(d), detector())
    assert run(BASEMENT[2:], restored) == run(BASEMENT[2:], d)


def test_links_need_rare_shared_words_and_topics_that_do_not_disagree():
    rarity = Rarity()
    for _ in range(30):
        rarity.add("2026-03-23", stems({"дом", "подъезд"}))   # words every complaint has weigh little
    a, b = stems(content_terms("Открыт люк у дома")), stems(content_terms("Люк открыт, крышки нет, у дома"))
    assert linked(a, b, {"roads": 0.5}, {"roads": 0.6}, "roads", "roads", rarity)
    generic = stems(content_terms("В доме и подъезде грязно")), stems(content_terms("Дом, подъезд: лампы нет"))
    assert not linked(*generic, {"housing": 0.5}, {"power": 0.5}, "housing", "power", rarity)
    assert vote([{"water": 0.4, "housing": 0.3}, {"housing": 0.5}, {"water": 0.6}]) == "water"


def test_the_shared_words_of_a_card_do_not_depend_on_the_order_words_come_in():
    from alerting.affinity import shared_words
    # four words shared equally: the card names the first three by the alphabet, whatever order a set gives them
    # (the order of a frozenset of strings changes with the process's hash seed: embedded vs Kafka worker)
    assert shared_words([("кран", "вода", "есть", "капля")] * 2 + [("вода",)]) == ["вода", "есть", "капля"]
    assert shared_words([("капля", "кран", "есть", "вода")] * 2 + [("вода",)]) == ["вода", "есть", "капля"]


def test_rarity_survives_its_state_and_forgets_old_days():
    rarity = Rarity(days=2)
    for day, words in (("2026-03-21", {"люк"}), ("2026-03-22", {"люк", "дом"}), ("2026-03-23", {"дом"})):
        rarity.add(day, stems(words))
    again = Rarity.from_state(rarity.state(), days=2)
    assert sorted(again.by_day) == ["2026-03-22", "2026-03-23"] and again.docs == rarity.docs == 2
    assert [again.weight(w) for w in ("люк", "дом", "кузов")] == [rarity.weight(w) for w in ("люк", "дом", "кузов")]
    assert rarity.weight("кузов") > rarity.weight("люк") > rarity.weight("дом")


def test_pronoun_words_link_no_posts():
    """«какой-то», «сам», «каждый» say nothing about a problem (pymorphy: Apro); three complaints sharing only such a
    word are three complaints, while a shared word that names the thing makes them one."""
    assert content_terms("Какой-то шум, сам не сплю, каждый вечер") == {"шум", "спать", "вечер"}
    texts = ("Какой-то шум за стеной всю ночь", "Какая-то вонь в коридоре", "Опять какой-то мужик курит на лестнице")
    unrelated = [post(f"k{i}", 20 * i, "housing", 0.45, text=t) for i, t in enumerate(texts)]
    assert run(unrelated) == {}
    mould = [post(f"m{i}", 20 * i, "housing", 0.45, text=t.replace("какой-то", "плесень").replace("Какой-то", "Плесень")
                  .replace("Какая-то", "Плесень")) for i, t in enumerate(texts)]
    assert len(run(mould)) == 1


GRAFFITI = [   # improvement is a minor topic (criticality 0.4): a calm post about it is no report on its own
    post("g1", 0, "improvement", 0.9, sentiment="neutral", negative=0.1,
         text="Граффити на заборе стройки, фото приложено"),
    post("g2", 20, "improvement", 0.5, text="Забор у стройки опять исписан граффити, безобразие"),
    post("g3", 45, "improvement", 0.5, text="Граффити на заборе стройки никто не закрашивает, сколько можно"),
]


def test_a_calm_report_backs_a_burst_raised_at_the_third_report():
    """The portal's formal notes read calm; with two angry reports about the same thing, the calm one is the third
    report, so the story starts at the third post, not at a fourth."""
    (alert,) = run(GRAFFITI).values()
    assert alert.post_uids == ("g1", "g2", "g3")
    assert alert.created_at == GRAFFITI[2].post.published_at


def test_calm_posts_never_start_a_story_without_two_complaining_authors():
    calm = [post(f"q{i}", 20 * i, "improvement", 0.9, sentiment="neutral", negative=0.1, text=p.post.text)
            for i, p in enumerate(GRAFFITI)]
    assert run(calm) == {}                                    # three calm notes: a listing, not a burst
    assert run(calm[:2] + GRAFFITI[2:]) == {}                 # one complaint and two calm notes: not yet
    concerts = [post(f"d{i}", 30 * i, "culture_sport", 0.8, sentiment="neutral", negative=0.05, text=t) for i, t in
                enumerate(("Концерт в ДК в субботу", "В субботу концерт хора в ДК", "Не пропустите концерт в ДК"))]
    assert run(concerts) == {}


def test_posts_that_only_lean_to_a_risk_topic_and_read_calm_are_no_complaints():
    """Chatter that mentions a bridge or a hill leans to roads by a word (mass over candidate_mass, best topic under
    topic_threshold) but says nothing is wrong: it only backs others' reports, so an outing chat forms no story."""
    outing = [post("o1", 0, "roads", 0.33, also=(("culture_sport", 0.1),), sentiment="neutral", negative=0.1,
                   text="Сходили с детьми на мост, посмотрели на ледоход"),
              post("o2", 40, "roads", 0.30, also=(("culture_sport", 0.15),), sentiment="neutral", negative=0.15,
                   text="А мы с детьми на горку сходили, пока снег лежит"),
              post("o3", 90, "culture_sport", 0.8, sentiment="neutral", negative=0.05,
                   text="Сходите с детьми в ДК на спектакль")]
    assert run(outing) == {}
    angry = [post(p.post.uid, (p.post.published_at - outing[0].post.published_at).total_seconds() / 60,
                  p.topics[0].topic, p.topics[0].score, also=tuple((t.topic, t.score) for t in p.topics[1:]),
                  text=p.post.text) for p in outing[:2]]
    assert len(run(angry + outing[2:])) == 1               # the same words said angrily are two complaints


def test_reports_linked_through_one_of_them_are_one_story_at_the_third():
    """A names the letterboxes and the entry phone, B only the letterboxes, C only the entry phone: B and C share
    no word, but both say what A says, so C is the third report of one burst."""
    hub = [post("h1", 0, "housing", 0.45, text="В парадной сломаны почтовые ящики, и домофон не работает"),
           post("h2", 15, "housing", 0.45, text="Почтовые ящики разбиты, квитанции пропадают"),
           post("h3", 30, "housing", 0.45, text="Домофон молчит третий день")]
    (alert,) = run(hub).values()
    assert alert.post_uids == ("h1", "h2", "h3") and alert.created_at == hub[2].post.published_at
    # the hub has to be a report itself: a post no topic fits links others only by a word they all share
    hub[0] = post("h1", 0, "other", 0.6, also=(("housing", 0.2),), text=hub[0].post.text)
    assert run(hub) == {}


def test_a_report_with_no_place_links_no_reports_from_two_villages():
    """The hub names no settlement, so it is compatible with both; B in Лычково and C in Демянск are still two
    places: no story mixes them."""
    hub = [post("h1", 0, "housing", 0.45, text="В парадной сломаны почтовые ящики, и домофон не работает"),
           post("h2", 15, "housing", 0.45, settlement="Лычково", text="Почтовые ящики разбиты, квитанции пропадают"),
           post("h3", 30, "housing", 0.45, settlement="Демянск", text="Домофон молчит третий день")]
    assert run(hub) == {}
    same = [hub[0], post("h2", 15, "housing", 0.45, settlement="Демянск", text=hub[1].post.text), hub[2]]
    assert len(run(same)) == 1                              # the same posts in one village are one story
