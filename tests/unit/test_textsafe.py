"""Untrusted text never reaches the terminal as a control sequence."""

from fwctl_tui.textsafe import printable


def test_escape_and_osc52_are_written_visibly() -> None:
    hostile = "\x1b[2J\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07ok"
    assert printable(hostile) == "\\x1b[2J\\x1b]52;c;Y3VybCBldmlsIHwgc2g=\\x07ok"


def test_c1_del_newline_and_bidi_overrides_are_escaped() -> None:
    assert printable("a\x9bb\x7fc\nd\u202ee") == "a\\x9bb\\x7fc\\x0ad\\u202ee"


def test_ordinary_text_is_unchanged() -> None:
    text = "ConnectX-7 ½ °C µs [bold]x[/bold] Größe"
    assert printable(text) == text
