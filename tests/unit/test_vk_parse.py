"""VK parsers run texts through the project's text checks (review 26): a text the store cannot take is an
InputError with its reason, never a Post that fails the whole write later."""
from __future__ import annotations

import pytest

from collectors.parse import InputError
from collectors.vk_parse import comment_to_post, group_display_name, wall_item_to_post

ITEM = {"id": 812, "owner_id": -100001, "from_id": -100001, "date": 1774850400, "text": "В Демянске нет воды"}


@pytest.mark.parametrize(("text", "reason"), [
    ("битый смайлик \ud83d", "недопустимые символы в поле text (одиночный суррогат)"),
    ("я" * 20_001, "слишком длинный текст: 20001 символов (предел 20000)"),
])
def test_a_text_the_store_cannot_take_is_an_input_error(text, reason):
    with pytest.raises(InputError) as post_error:
        wall_item_to_post({**ITEM, "text": text}, gid=100001)
    with pytest.raises(InputError) as comment_error:
        comment_to_post({**ITEM, "text": text}, gid=100001, post_id=1)
    assert str(post_error.value) == str(comment_error.value) == reason


def test_a_repost_takes_the_same_checks():
    with pytest.raises(InputError, match="одиночный суррогат"):
        wall_item_to_post({**ITEM, "text": "", "copy_history": [{"text": "репост \udc00"}]}, gid=100001)


def test_a_good_text_and_an_empty_one_are_as_before():
    assert wall_item_to_post(ITEM, gid=100001).text == "В Демянске нет воды"
    assert wall_item_to_post({**ITEM, "text": "  "}, gid=100001) is None


def test_a_community_name_the_store_cannot_take_is_passed_over():
    assert group_display_name({"id": 7, "name": "Паблик \ud83d", "screen_name": "demyansk"}) == "demyansk"
    assert group_display_name({"id": 7, "name": "\ud83d"}) == "club7"
