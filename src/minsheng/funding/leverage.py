"""The money arithmetic of a plan (M17, M20): totals per source, shares and the leverage ratio.

Leverage = non-government money ÷ government money (FundingSource.is_government decides). Pure: Decimal in,
Decimal out, no Django.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")


@dataclass
class Money:
    """Amounts per source code, with which codes are government money."""

    by_source: dict[str, Decimal] = field(default_factory=dict)
    government: set[str] = field(default_factory=set)

    def add(self, code: str, amount: Decimal, is_government: bool) -> None:
        self.by_source[code] = self.by_source.get(code, ZERO) + Decimal(amount)
        if is_government:
            self.government.add(code)

    def merge(self, other: "Money") -> None:
        for code, amount in other.by_source.items():
            self.add(code, amount, code in other.government)

    @property
    def total(self) -> Decimal:
        return sum(self.by_source.values(), ZERO)

    @property
    def public(self) -> Decimal:
        return sum((a for c, a in self.by_source.items() if c in self.government), ZERO)

    @property
    def private(self) -> Decimal:
        return self.total - self.public

    @property
    def ratio(self) -> Decimal | None:
        """Non-government ÷ government money, 2 places; None without government money."""
        if not self.public:
            return None
        return (self.private / self.public).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def shares(self) -> dict[str, Decimal]:
        """Each source's share of the total, in per cent with 1 place."""
        total = self.total
        if not total:
            return {}
        return {code: (amount * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
                for code, amount in self.by_source.items()}
