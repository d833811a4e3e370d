"""Money in several currencies, as the reports and the work logs give it: an amount per currency, never summed across
currencies. Counts and rates of orders stay over all orders; only money is split by the orders' currencies.

Every page, JSON body and CSV shows the currencies in one order, the shop's (CNY) first and then the others
alphabetically, each amount with its currency's decimals; no money at all is shown as 0 in the shop's currency, what a
CNY shop has always seen. Pure: no Flask, no database.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..currency import DEFAULT, amount_str, in_currency
from ..money import from_stored
from ..windows import rate


def currency_order(currency: str) -> tuple[bool, str]:
    """The shop's currency first, then alphabetical."""
    return (currency != DEFAULT, currency)


@dataclass(frozen=True)
class Amounts:
    """Currency → amount: only the currencies with money, in currency_order; empty when there is no money."""

    pairs: tuple[tuple[str, Decimal], ...] = ()

    @classmethod
    def of(cls, pairs: Mapping | Iterable[tuple[str, Decimal]]) -> "Amounts":
        """From a mapping or (currency, amount) pairs, summed per currency (never across)."""
        sums: dict[str, Decimal] = {}
        for currency, amount in (pairs.items() if isinstance(pairs, Mapping) else pairs):
            sums[currency] = sums.get(currency, Decimal(0)) + Decimal(amount)
        return cls(tuple(sorted(((c, a) for c, a in sums.items() if a), key=lambda pair: currency_order(pair[0]))))

    @classmethod
    def from_stored(cls, rows: Iterable[tuple[str, int | None]]) -> "Amounts":
        """From (currency, stored integer) rows, as a SUM … GROUP BY currency gives them (a null sum is no money)."""
        return cls.of((currency, from_stored(int(stored))) for currency, stored in rows if stored)

    def __add__(self, other: "Amounts") -> "Amounts":
        return Amounts.of(self.pairs + other.pairs)

    def __bool__(self) -> bool:
        return bool(self.pairs)

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(currency for currency, _ in self.pairs)

    def get(self, currency: str) -> Decimal:
        return next((amount for code, amount in self.pairs if code == currency), Decimal("0.00"))

    def shown(self) -> tuple[tuple[str, Decimal], ...]:
        """(currency, amount with the currency's decimals), as pages, JSON and CSV give them; no money: 0 in the shop's
        currency."""
        return tuple((currency, in_currency(amount, currency)) for currency, amount in self.pairs or ((DEFAULT, Decimal(0)),))

    def as_json(self) -> list[dict]:
        """[{"currency": "CNY", "amount": "1234.50"}, {"currency": "USD", "amount": "59.45"}]."""
        return [{"currency": currency, "amount": amount_str(amount, currency)} for currency, amount in self.shown()]

    def sort_key(self) -> Decimal:
        """Rows ordered by money compare the shop's currency only (other currencies cannot be compared with it)."""
        return self.get(DEFAULT)


NO_MONEY = Amounts()


def amount_rates(part: Amounts, whole: Amounts) -> tuple[tuple[str, Decimal | None], ...]:
    """part ÷ whole per currency (a refund amount rate: refunded CNY ÷ paid CNY, refunded USD ÷ paid USD), None where the
    whole has none of that currency; nothing at all: the shop's currency, None."""
    currencies = sorted(set(part.currencies) | set(whole.currencies), key=currency_order) or [DEFAULT]
    return tuple((currency, rate(part.get(currency), whole.get(currency))) for currency in currencies)


def rates_json(rates: tuple[tuple[str, Decimal | None], ...]) -> list[dict]:
    """[{"currency": "CNY", "rate": "0.1429"}, {"currency": "USD", "rate": null}]."""
    return [{"currency": currency, "rate": None if value is None else str(value)} for currency, value in rates]
