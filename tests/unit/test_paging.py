"""What a pager reads from a page of any list (paging.PageCount): the number of pages, the offset and the neighbours."""
import pytest

from shopcs.cases.queue.pages import CasePage
from shopcs.orders.queue import QueuePage
from shopcs.paging import QueryLinks
from shopcs.reports.page_support import RowsPage


@pytest.mark.parametrize("total, per_page, pages", [(0, 50, 1), (1, 50, 1), (50, 50, 1), (51, 50, 2), (1000, 50, 20)])
def test_an_empty_list_has_one_page_and_a_partly_filled_last_page_counts(total, per_page, pages):
    for page in (CasePage([], total, 1, per_page), QueuePage([], total, 1, per_page), RowsPage(1, per_page, total)):
        assert page.pages == pages


def test_a_page_knows_its_offset_and_neighbours():
    first, middle, last = RowsPage(1, 20, 45), RowsPage(2, 20, 45), RowsPage(3, 20, 45)
    assert [p.offset for p in (first, middle, last)] == [0, 20, 40]
    assert (first.has_prev, first.has_next, last.has_prev, last.has_next) == (False, True, True, False)
    assert (middle.prev_num, middle.next_num) == (1, 3)
    assert CasePage([], 120, 3).offset == 100 and QueuePage([], 120, 2).has_next


def test_query_links_change_some_parameters_and_drop_the_empty_ones():
    links = QueryLinks("/cases/", {"tab": "mine", "q": "", "sort": "newest", "page": "3"})
    assert links() == "/cases/?tab=mine&sort=newest&page=3"
    assert links(page=None) == "/cases/?tab=mine&sort=newest"
    assert links(tab="team", page=2) == "/cases/?tab=team&sort=newest&page=2"
    assert QueryLinks("/", {"page": "2"})(page=None) == "/"


def test_query_links_encode_the_query_string_as_url_for_does():
    """werkzeug leaves these unquoted in a query string; everything else is percent-encoded, a space as "+"."""
    links = QueryLinks("/", {"q": "王芳 a+b&c=d#e%f/g:h?i@j!k$l'm(n)o*p,q;r~s"})
    assert links() == ("/?q=%E7%8E%8B%E8%8A%B3+a%2Bb%26c%3Dd%23e%25f/g:h?i@j!k$l'm(n)o*p,q;r~s")
