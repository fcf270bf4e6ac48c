"""The arithmetic of task books and disbursements, without Django: Decimal yuan in, Decimal yuan out.

- `scale_budget`: the requested budget by category, scaled to the approved total where it was cut; cents are
  rounded down per category and the remainder goes to the largest category, so the lines add up exactly.
- `split_amounts`: a grant split into tranches by whole-number percentages that total 100; the last tranche
  takes the rounding remainder, so the tranches add up to the grant exactly.
- `room_left`: how much of a grant is not yet approved or paid; `exceeds` says whether one more amount would
  take the approved and paid money over the grant.
- `spending_problem`: whether one more expenditure keeps a project's spending within the money paid to it and
  within the budget of its category.
"""

from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
# The default split (M17): on signing, after the mid-term check, after acceptance.
DEFAULT_SPLIT: tuple[tuple[str, int], ...] = (("signing", 50), ("midterm", 30), ("acceptance", 20))


def _cents(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def scale_budget(lines: Mapping[str, Decimal], total: Decimal) -> dict[str, Decimal]:
    """Each category's share of `total`, in proportion to `lines`; the result adds up to `total` exactly.

    Categories with nothing stay at zero; with no budget at all, everything goes to the first category given
    (or nothing is returned when no category is given).
    """
    total = _cents(total)
    if total < ZERO:
        raise ValueError("a total cannot be negative")
    requested = sum((Decimal(v) for v in lines.values()), ZERO)
    if not lines:
        return {}
    if requested <= ZERO:
        first = next(iter(lines))
        return {key: (total if key == first else ZERO) for key in lines}
    scaled = {key: (Decimal(value) * total / requested).quantize(CENT, rounding=ROUND_DOWN)
              for key, value in lines.items()}
    remainder = total - sum(scaled.values(), ZERO)
    if remainder:
        largest = max(lines, key=lambda key: (Decimal(lines[key]), key))
        scaled[largest] += remainder
    return scaled


def check_split(percentages: Sequence[int]) -> str:
    """Empty when the split is valid (each tranche 1–100 %, together exactly 100 %); otherwise the problem."""
    if not percentages:
        return "empty"
    if any(int(p) != p or p <= 0 or p > 100 for p in percentages):
        return "range"
    if sum(percentages) != 100:
        return "total"
    return ""


def split_amounts(grant: Decimal, percentages: Sequence[int]) -> list[Decimal]:
    """The grant split by the percentages (which must total 100); the amounts add up to the grant exactly."""
    problem = check_split(percentages)
    if problem:
        raise ValueError(f"invalid split ({problem}): {list(percentages)}")
    grant = _cents(grant)
    amounts = [(grant * Decimal(p) / HUNDRED).quantize(CENT, rounding=ROUND_DOWN) for p in percentages]
    amounts[-1] += grant - sum(amounts, ZERO)
    return amounts


def room_left(grant: Decimal, committed: Decimal) -> Decimal:
    """What may still be approved: the grant less what is approved or paid (never below zero)."""
    return max(ZERO, _cents(grant) - _cents(committed))


def exceeds(grant: Decimal, committed: Decimal, amount: Decimal) -> bool:
    """Whether approving `amount` on top of `committed` would take the money over the grant."""
    return _cents(committed) + _cents(amount) > _cents(grant)


def spending_problem(*, amount: Decimal, category: str, paid: Decimal, spent: Decimal,
                     budget: Mapping[str, Decimal], spent_in_category: Decimal) -> str:
    """Empty when spending `amount` in `category` is allowed, otherwise the problem:

    - "amount": not a positive amount;
    - "category": the category has no money in the budget;
    - "paid": the spending would pass the money paid to the project (only money received is spent);
    - "budget": the category's spending would pass its budget.
    """
    amount = _cents(amount)
    if amount <= ZERO:
        return "amount"
    if _cents(budget.get(category, ZERO)) <= ZERO:
        return "category"
    if _cents(spent) + amount > _cents(paid):
        return "paid"
    if _cents(spent_in_category) + amount > _cents(budget[category]):
        return "budget"
    return ""
