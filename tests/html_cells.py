"""Read back HTML built in Python (the queues' rows): each <td>'s text, every tag opened and its attributes."""
from html.parser import HTMLParser


class Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self.tags, self.attrs = [], [], []  # attrs: (tag, {name: value unescaped}) per tag opened

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))
        if tag == "td":
            self.cells.append("")

    def handle_data(self, data):
        if self.cells:
            self.cells[-1] += data.rstrip("\n")  # a row ends with a line break after </tr>


def cells_of(html) -> Cells:
    parser = Cells()
    parser.feed(str(html))
    return parser
