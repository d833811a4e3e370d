"""The queue's search: a case no., an order no., a buyer's name or phone, or words of a case's subject and messages.

Each kind of term is one branch of a UNION of case ids, each branch an index lookup, the viewer's and the filters'
conditions inside every branch: the case's id; orders.order_no then ix_cases_order_id; ix_customers_name or
ix_customers_phone then ix_cases_customer_id; the word index (case_words, shopcs.cases.wordsearch) read newest case
first, its finds checked against the texts unless the grams decide alone. The statements' shapes depend only on which
kinds of term are present; the values are bound parameters. A term that is only a number (a case no., a phone, an
all-digit order no.) looks up those numbers only.
"""
import re
from functools import lru_cache

from sqlalchemy import BigInteger, Integer, String, bindparam, exists, func, literal, or_, select, union

from ...orders.models import Customer, Order
from ...phone import phone_search_key, search_digits
from ..models import Case, CaseEvent, CaseWord
from ..timeline import MAX_DB_ID
from ..wordsearch.index import IS_MESSAGE
from ..wordsearch.rules import lookup

MAX_QUERY = 100
MAX_GRAMS = 3  # a longer term's pairs looked up: the rarest three (the texts are checked anyway)
RANKED = 8  # how many of a long term's pairs are counted to find the rarest
RANK_LIMIT = 5000  # a pair's postings counted up to this: past it, it is common enough
COUNT_LIMIT = 500  # a word search counts its cases up to this: "more than 500" costs what 500 cost
WORDS = CaseWord.__table__


def _like_escape(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)


def _is_number(term: str) -> bool:
    """A case no., a phone or an all-digit order no.: digits, maybe with "#", "+", spaces and hyphens."""
    return term.lstrip("#+").replace(" ", "").replace("-", "").isdigit()


def word_terms(term: str) -> dict:
    """The word search's part of the terms: the term's pairs (term_grams, ranked by choose_grams before the search),
    or for one character the range of grams beginning with it (gram_first, gram_last); and, unless the grams decide
    alone, the LIKE pattern the texts are checked with (term_like)."""
    found = lookup(term)
    if found is None:
        return {}
    if found.first is not None:  # char_like: the open cases' own texts are read instead (_open_word_branch)
        terms = {"gram_first": found.first, "gram_last": found.last, "char_like": f"%{_like_escape(term)}%"}
    else:
        terms = {"term_grams": found.grams}
    if not found.exact:
        terms["term_like"] = f"%{_like_escape(term)}%"
    return terms


def search_terms(text: str) -> dict:
    """The search's terms: the term; the word search's unless it is a number; the case no. and the phone when it
    can be one. Which of them are present is the statements' shape (search_ids)."""
    term = text.strip()[:MAX_QUERY]
    terms = {"term": term}
    if not _is_number(term):
        terms.update(word_terms(term))
    number = term.lstrip("#")
    if number.isdigit() and 1 <= int(number) <= MAX_DB_ID:
        terms["case_no"] = int(number)
    digits = search_digits(term)
    if len(digits) >= 7 and len(digits) >= len(term.replace(" ", "").replace("-", "").lstrip("+")):
        terms["phone"] = phone_search_key(term)
    return terms


def _spread(grams: tuple[int, ...], count: int) -> tuple[int, ...]:
    if len(grams) <= count:
        return grams
    return tuple(grams[round(i * (len(grams) - 1) / (count - 1))] for i in range(count))


@lru_cache(maxsize=RANKED)
def _rank_statement(count: int):
    def postings(n: int):
        found = select(literal(1)).where(WORDS.c.gram == bindparam(f"rank_{n}", type_=BigInteger)).limit(RANK_LIMIT)
        return select(func.count()).select_from(found.subquery()).scalar_subquery()
    return select(*(postings(n) for n in range(count)))


def choose_grams(connection, terms: dict) -> dict:
    """The terms with `term_grams` replaced by the pairs to look up, rarest first (gram_1, gram_2, …: the first drives
    the lookup, the others are probed), after counting the postings of up to RANKED of them (each up to RANK_LIMIT);
    a pair no case has means no word match: the word search's terms go."""
    grams = terms.get("term_grams")
    if grams is None:
        return terms
    chosen = {name: value for name, value in terms.items() if name != "term_grams"}
    if len(grams) > 1:
        candidates = _spread(grams, RANKED)
        counts = connection.execute(_rank_statement(len(candidates)),
                                    {f"rank_{n}": gram for n, gram in enumerate(candidates)}).one()
        if min(counts) == 0:
            chosen.pop("term_like", None)
            return chosen
        grams = tuple(gram for _, gram in sorted(zip(counts, candidates, strict=True)))
    chosen.update({f"gram_{n}": gram for n, gram in enumerate(grams[:MAX_GRAMS], 1)})
    return chosen


def text_matches(parameter: str = "term_like"):
    """What the word search stands for: the subject or a message contains the term, by LIKE with the database's own
    case folding (the pattern bound as `parameter`). The search runs it only on the cases the grams found or on the
    open cases; the tests and the bench run it on every case to compare."""
    pattern = bindparam(parameter, type_=String)
    return or_(Case.subject.ilike(pattern, escape="\\"),
               exists().where(CaseEvent.case_id == Case.id, IS_MESSAGE, CaseEvent.body.ilike(pattern, escape="\\")))


def _word_branch(names: frozenset, conditions: list, window):
    """The cases the word index finds, newest first, checked and narrowed by `conditions`; at most `window` of them
    (None: all). Read from the newest end of one gram's postings, the other grams probed by key and case."""
    check = [text_matches()] if "term_like" in names else []
    if "gram_first" in names:  # one character: the cases among those of every pair beginning with it, newest first
        starting = select(WORDS.c.case_id).where(WORDS.c.gram.between(bindparam("gram_first", type_=BigInteger),
                                                                      bindparam("gram_last", type_=BigInteger)))
        found = select(Case.id).where(Case.id.in_(starting), *check, *conditions).order_by(Case.id.desc())
    else:
        source = WORDS.alias("w1")
        where = [source.c.gram == bindparam("gram_1", type_=BigInteger)]
        for n in range(2, 1 + sum(1 for name in names if name.startswith("gram_"))):
            other = WORDS.alias(f"w{n}")
            where.append(exists().where(other.c.gram == bindparam(f"gram_{n}", type_=BigInteger),
                                        other.c.case_id == source.c.case_id))
        found = (select(Case.id).select_from(source.join(Case, Case.id == source.c.case_id))
                 .where(*where, *check, *conditions).order_by(source.c.case_id.desc()))
    if window is not None:
        found = found.limit(window)
    return select(found.subquery().c.id)


def _open_word_branch(names: frozenset, conditions: list, is_open):
    """Every open case the word index finds (`is_open`: the open statuses' condition): read from the open cases, a few
    thousand at any size of the history, each looked up in the word index by its gram and id."""
    if "gram_first" in names:  # one character: its pairs hold too many cases to gather; the texts are read
        return select(Case.id).where(is_open, text_matches("char_like"), *conditions)
    # each gram a scalar subquery: PostgreSQL would turn an EXISTS into a join driven by the grams' postings
    count = sum(1 for name in names if name.startswith("gram_"))
    where = [select(gram.c.case_id).where(gram.c.gram == bindparam(f"gram_{n}", type_=BigInteger),
                                          gram.c.case_id == Case.id).scalar_subquery().is_not(None)
             for n, gram in ((n, WORDS.alias(f"o{n}")) for n in range(1, count + 1))]
    if "term_like" in names:
        where.append(text_matches())
    return select(Case.id).where(is_open, *where, *conditions)


def has_words(names: frozenset) -> bool:
    return "gram_1" in names or "gram_first" in names


def search_ids(names: frozenset, conditions: list, window=None, is_open=None):
    """The ids of the cases the terms find (`names`: the keys of the chosen terms, bound under the same names) that
    meet `conditions` (the viewer's, the tab's and the filters'): a UNION, so a case found twice counts once. The word
    search's branch gives at most `window` cases, the newest (None: all), and with `is_open` (the open statuses'
    condition) also every open case it finds: what the most urgent first needs, however old the window's end."""
    term = bindparam("term", type_=String)
    branches = [select(Case.id).where(Case.order_id.in_(select(Order.id).where(Order.order_no == term)), *conditions),
                select(Case.id).where(Case.customer_id.in_(select(Customer.id).where(Customer.name == term)),
                                      *conditions)]
    if "case_no" in names:
        branches.append(select(Case.id).where(Case.id == bindparam("case_no", type_=Integer), *conditions))
    if "phone" in names:
        branches.append(select(Case.id).where(Case.customer_id.in_(
            select(Customer.id).where(Customer.phone == bindparam("phone", type_=String))), *conditions))
    if has_words(names):
        branches.append(_word_branch(names, conditions, window))
        if is_open is not None:
            branches.append(_open_word_branch(names, conditions, is_open))
    return union(*branches)
