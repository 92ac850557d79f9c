"""Text for the PDFs' core fonts: a name from elsewhere keeps its letters."""

import pytest

from steiger.shared.pdf_text import latin1


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Fatima de Vries-Bakker, café, één", "Fatima de Vries-Bakker, café, één"),
        ("Şahin Yılmaz uit Iğdır", "Sahin Yilmaz uit Igdir"),
        ("Łukasz Wróbel", "Lukasz Wróbel"),
        ("Nguyễn Thị Minh", "Nguyen Thi Minh"),
        ("€ 25 – “bonnen”…", 'EUR 25 - "bonnen"...'),
        ("王芳", "??"),
    ],
)
def test_letters_keep_their_base_and_the_rest_is_marked(typed, printed):
    assert latin1(typed) == printed
    latin1(typed).encode("latin-1")  # the core font can set it
