"""Read back HTML built in Python (the queues' rows): each <td>'s text, and every tag opened."""
from html.parser import HTMLParser


class Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "td":
            self.cells.append("")

    def handle_data(self, data):
        if self.cells:
            self.cells[-1] += data.rstrip("\n")  # a row ends with a line break after </tr>


def cells_of(html) -> Cells:
    parser = Cells()
    parser.feed(str(html))
    return parser
