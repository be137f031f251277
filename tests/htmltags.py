"""What an HTML fragment would become in a browser: its start tags (with attributes, kept as
pairs so a repeated attribute is not hidden) and its text. Script/style content is not parsed,
as browsers do not parse it either."""

from __future__ import annotations

from html.parser import HTMLParser


class Tags(HTMLParser):
    """Collects start tags (self-closing ones too) and text data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(fragment: str) -> Tags:
    """Parse a whole fragment."""
    parser = Tags()
    parser.feed(fragment)
    parser.close()
    return parser
