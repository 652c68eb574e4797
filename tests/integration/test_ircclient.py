"""Self-tests of the harness's IRC line parser (no daemon involved beyond
the session-wide skip when CHATD is missing)."""

from ircclient import escape_tag_value, parse_line, unescape_tag_value


def test_parse_full_line():
    m = parse_line(r"@time=2024-01-01T00:00:00.000Z;+a=b\sc;flag :nick!u@h PRIVMSG #chan :hello world")
    assert m.tags == {"time": "2024-01-01T00:00:00.000Z", "+a": "b c", "flag": ""}
    assert m.source == "nick!u@h" and m.nick == "nick"
    assert m.command == "PRIVMSG"
    assert m.params == ["#chan", "hello world"]


def test_parse_no_trailing_and_empty_trailing():
    assert parse_line(":s 001 me").params == ["me"]
    assert parse_line(":s CAP * LIST :").params == ["*", "LIST", ""]
    assert parse_line("PING x").command == "PING"
    assert parse_line("ping :a b").params == ["a b"]


def test_tag_unescaping():
    """message-tags "Escaping values": \\: \\s \\\\ \\r \\n, unknown escape drops the
    backslash, a trailing lone backslash is dropped."""
    assert unescape_tag_value(r"a\:b\sc\\d\re\nf") == "a;b c\\d\re\nf"
    assert unescape_tag_value(r"\x") == "x"
    assert unescape_tag_value("end\\") == "end"
    raw = "semi;space \\back\r\n"
    assert unescape_tag_value(escape_tag_value(raw)) == raw
