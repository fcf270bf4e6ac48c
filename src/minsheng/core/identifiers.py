"""Chinese identifiers, checked with python-stdnum, with messages in the user's language."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

# The first two digits of the region part of a credit code: the province (44 = Guangdong).
CITY_DIVISION_PREFIX = "4403"


def clean_credit_code(value: str) -> str:
    """A valid unified social credit code in its compact form, or a ValidationError saying what is wrong."""
    try:
        return uscc.validate(value or "")
    except InvalidLength as exc:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("The check character of this credit code is wrong; please check for a typo."),
                              code="checksum") from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise ValidationError(_("This is not a valid unified social credit code."), code="format") from exc


def credit_code_in_city(value: str) -> bool:
    """Registered in the city: the administrative division (characters 3–8) starts with 4403."""
    return value[2:6] == CITY_DIVISION_PREFIX


def clean_identity_number(value: str) -> str:
    try:
        return ric.validate(value or "")
    except InvalidLength as exc:
        raise ValidationError(_("A resident identity number has 18 characters."), code="length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("The check digit of this identity number is wrong."), code="checksum") from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise ValidationError(_("This is not a valid resident identity number."), code="format") from exc


def mask_identity_number(value: str) -> str:
    """Keep the region (6) and the last 4 characters: 440301********123X."""
    return value[:6] + "*" * 8 + value[-4:] if len(value) == 18 else ""


_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_credit_code(rng, *, division: str = "440300", registrar: str = "91") -> str:
    """A valid credit code for demo data and tests: registrar (91 = enterprise), division, body, check."""
    body = registrar + division + "".join(rng.choice(_CODE_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)
