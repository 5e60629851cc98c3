"""Telegram HTML rendering: escaping and splitting."""
from __future__ import annotations

from hypothesis import given, strategies as st

from adapters.telegram.render import keyboard, render_html, utf16_len
from core.messages import Button, Field, Message


def test_user_text_is_escaped_and_only_our_tags_remain() -> None:
    [html] = render_html(Message(title="<b>x</b> & y", text="a<i>&amp;", fields=(Field("地点", "<人民路>"),)))
    assert html == "<b>&lt;b&gt;x&lt;/b&gt; &amp; y</b>\na&lt;i&gt;&amp;amp;\n<b>地点:</b> &lt;人民路&gt;"


def test_long_text_splits_on_lines_within_the_limit() -> None:
    text = "\n".join(f"第{i}行 & <b>" for i in range(2000))
    parts = render_html(Message(title="T", text=text))
    assert len(parts) > 1
    assert all(utf16_len(p) <= 4096 for p in parts)
    joined = "\n".join(parts)
    assert joined.count("&amp;") == 2000 and "<b>T</b>" in parts[0]


@given(st.text(max_size=12000))
def test_any_text_splits_within_the_limit_without_cutting_entities(text: str) -> None:
    parts = render_html(Message(text=text), limit=500)
    assert all(0 < utf16_len(p) <= 500 for p in parts)
    for part in parts:
        # Every '&' starts a whole entity: no cut fell inside one.
        for index in [i for i, c in enumerate(part) if c == "&"]:
            assert part[index:].startswith(("&amp;", "&lt;", "&gt;"))


def test_buttons_become_an_inline_keyboard() -> None:
    markup = keyboard(tuple(Button(f"b{i}", f"tok{i}") for i in range(4)))
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [["tok0", "tok1"], ["tok2", "tok3"]]
    assert keyboard(()) is None


def test_mentions_notify_by_user_id_and_escape_the_name() -> None:
    from core.messages import Mention

    [html] = render_html(Message(text="x", mentions=(Mention("2001", "张<三>"), Mention("U-not-telegram", "x"))))
    assert html.endswith('<a href="tg://user?id=2001">@张&lt;三&gt;</a>')


def test_a_message_survives_its_round_trip_through_the_outbox() -> None:
    from core.messages import Mention

    message = Message(title="t", text="x", fields=(Field("a", "b"),), buttons=(Button("l", "tok"),),
                      mentions=(Mention("1", "n"),))
    assert Message.from_json(message.to_json()) == message


def test_a_field_with_a_link_is_shown_as_a_link_and_plain_elsewhere() -> None:
    from tests.fakes.telegram_api import parse_html

    url = "https://www.openstreetmap.org/?mlat=37.16500&mlon=122.42500#map=16/37.16500/122.42500"
    [html] = render_html(Message(fields=(Field("地图", url, url=url), Field("地点", "<a href=x>"))))
    assert html == (f'<b>地图:</b> <a href="{url.replace("&", "&amp;")}">{url.replace("&", "&amp;")}</a>\n'
                    "<b>地点:</b> &lt;a href=x&gt;")
    text, entities = parse_html(html)  # as Telegram reads it
    assert [e["url"] for e in entities if e["type"] == "text_link"] == [url] and url in text
    # Only web addresses become links; the value stays text.
    [html] = render_html(Message(fields=(Field("地图", "x", url="javascript:alert(1)"),)))
    assert html == "<b>地图:</b> x"
    # The link survives the outbox; rows stored before links existed still read.
    message = Message(fields=(Field("地图", url, url=url), Field("地点", "码头")))
    assert Message.from_json(message.to_json()) == message and "url" not in message.to_json()["fields"][1]
    assert Message.from_json({"fields": [{"label": "地图", "value": url}]}).fields == (Field("地图", url),)
    assert Message(fields=(Field("地图", "石岛渔港", url=url),)).plain_text() == f"地图: 石岛渔港 {url}"
