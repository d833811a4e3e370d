"""The queue's search: a case no., an order no., a buyer's name or phone, or words of the subject, as one WHERE
clause whose values are bound parameters (its shape depends only on which kinds of term are present)."""
import re

from sqlalchemy import Integer, String, bindparam, or_, select, union_all

from ...orders.models import Customer, Order
from ...phone import phone_search_key, search_digits
from ..models import Case
from ..timeline import MAX_DB_ID

MAX_QUERY = 100


def _like_escape(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)


def _is_number(term: str) -> bool:
    """A case no., a phone or an all-digit order no.: digits, maybe with "#", "+", spaces and hyphens."""
    return term.lstrip("#+").replace(" ", "").replace("-", "").isdigit()


def search_terms(text: str) -> dict:
    """The search's parameters: the term; its LIKE pattern unless it is a number; the case no. and the phone when
    it can be one. Which of them are present is the statement's shape (search_condition)."""
    term = text.strip()[:MAX_QUERY]
    terms = {"term": term}
    if not _is_number(term):
        terms["term_like"] = f"%{_like_escape(term)}%"
    number = term.lstrip("#")
    if number.isdigit() and 1 <= int(number) <= MAX_DB_ID:
        terms["case_no"] = int(number)
    digits = search_digits(term)
    if len(digits) >= 7 and len(digits) >= len(term.replace(" ", "").replace("-", "").lstrip("+")):
        terms["phone"] = phone_search_key(term)
    return terms


def search_condition(names: frozenset):
    """A case no. ("123" or "#123"), an order no., a buyer's name or phone (exactly), or words of the subject;
    `names`: the keys of search_terms, whose values are bound as parameters of the same names.

    The exact alternatives are one `cases.id IN (… UNION ALL …)`: each branch an index lookup (the case's id;
    orders.order_no then ix_cases_order_id; ix_customers_name or ix_customers_phone then ix_cases_customer_id), and
    PostgreSQL, unlike with an OR of IN-subqueries, does not read the table for them. Words inside subjects can only
    be found by reading every case, so a term that is only a number (a case no., a phone, an all-digit order no.)
    looks up those numbers and does not search subjects: its cost does not grow with the history.
    """
    term = bindparam("term", type_=String)
    exact = [select(Case.id).where(Case.order_id.in_(select(Order.id).where(Order.order_no == term))),
             select(Case.id).where(Case.customer_id.in_(select(Customer.id).where(Customer.name == term)))]
    if "case_no" in names:
        exact.append(select(Case.id).where(Case.id == bindparam("case_no", type_=Integer)))
    if "phone" in names:
        exact.append(select(Case.id).where(
            Case.customer_id.in_(select(Customer.id).where(Customer.phone == bindparam("phone", type_=String)))))
    found = Case.id.in_(union_all(*exact))
    if "term_like" not in names:
        return found
    return or_(Case.subject.ilike(bindparam("term_like", type_=String), escape="\\"), found)
