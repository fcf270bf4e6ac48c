"""The identifiers of achievements (M18) that have a real, documented format, checked and cleaned. No Django.

Only formats with a published rule are checked; everything else (variety rights, software, datasets without a
DOI, reports adopted by a department) carries a file or a link instead.

- DOI (papers, datasets): "10." + a registrant code of 4–9 digits + "/" + a suffix, the pattern Crossref
  recommends for matching modern DOIs (`^10.\\d{4,9}/[-._;()/:A-Z0-9]+$`, case-insensitive). A "doi:" or
  "https://doi.org/" prefix is removed.
- Standards: the standard's code and year as numbers.py cleans it (GB/T 12345-2023, T/SZAS 12-2023, DB4403/T 100-2020).
- Medical device registration certificates (《医疗器械注册与备案管理办法》, 2021, art. 121): ×1械注×2××××3×4××5××××6,
  the approving authority (国 or a province's one-character name), 准 (domestic), 进 (imported) or 许 (Hong Kong,
  Macao, Taiwan), the year, the class (2 or 3), the product category (2 digits) and a 4-digit serial, e.g.
  国械注准20213090123; class I filings: ×1械备××××2××××3 with a city or province, the year and a serial, e.g.
  粤深械备20210123.
- Drug approvals (《药品注册管理办法》): 国药准字 + H (chemical), Z (traditional Chinese), S (biological) or J
  (imported, packaged in China) + the 4-digit year + a 4-digit serial, e.g. 国药准字H20230001.
- Health food registrations (《保健食品注册与备案管理办法》, 2016): 国食健注 + G (domestic) or J (imported) + the
  4-digit year + a 4-digit serial, e.g. 国食健注G20200123.
- Clinical trials: the Chinese Clinical Trial Registry's number (ChiCTR + 10 digits, e.g. ChiCTR2000029308; before
  2018 ChiCTR-XXX-8 digits, e.g. ChiCTR-IOR-17013520) or ClinicalTrials.gov's (NCT + 8 digits).
"""

import re

from minsheng.outcomes import numbers

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Z0-9]+$", re.IGNORECASE)
_DEVICE = re.compile(rf"^(国|[{PROVINCES}])械注[准进许](19|20)\d{{2}}[23]\d{{2}}\d{{4}}$")
_DEVICE_FILING = re.compile(rf"^[{PROVINCES}][\u4e00-\u9fff]?械备(19|20)\d{{2}}\d{{4}}$")
_DRUG = re.compile(r"^国药准字[HZSJ](19|20)\d{2}\d{4}$")
_HEALTH_FOOD = re.compile(r"^国食健注[GJ](19|20)\d{2}\d{4}$")
_TRIAL = re.compile(r"^(ChiCTR\d{10}|ChiCTR-[A-Z]{3}-\d{8}|NCT\d{8})$")


class IdentifierError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def clean_doi(value: str) -> str:
    text = "".join(str(value or "").split())
    text = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", text, flags=re.IGNORECASE)
    if not _DOI.match(text):
        raise IdentifierError("doi")
    return text


def clean_certificate(value: str, certificate: str) -> str:
    text = "".join(str(value or "").split())
    pattern = {"medical_device": None, "drug": _DRUG, "health_food": _HEALTH_FOOD}.get(certificate, "unchecked")
    if pattern == "unchecked":
        if not text:
            raise IdentifierError("empty")
        return text
    if certificate == "medical_device":
        if _DEVICE.match(text) or _DEVICE_FILING.match(text):
            return text
        raise IdentifierError("medical_device")
    if not pattern.match(text):
        raise IdentifierError(certificate)
    return text


def clean_trial(value: str) -> str:
    text = "".join(str(value or "").split())
    if text[:6].upper() == "CHICTR":
        text = "ChiCTR" + text[6:].upper()
    elif text[:3].upper() == "NCT":
        text = text.upper()
    if not _TRIAL.match(text):
        raise IdentifierError("trial")
    return text


def clean_standard(value: str) -> str:
    try:
        return numbers.clean_number(value, "standard")
    except numbers.NumberError as exc:
        raise IdentifierError("standard") from exc


# The kinds whose identifier is checked, and whether they must have one.
CHECKED = {"paper": False, "dataset": False, "standard": True, "product": True, "clinical_trial": True}


def clean_identifier(value: str, kind: str, certificate: str = "") -> str:
    """The identifier of an achievement of `kind` in canonical form; IdentifierError when it cannot be one. Kinds
    without a documented format keep what was typed, with spaces tidied."""
    text = " ".join(str(value or "").split())
    if not text:
        if CHECKED.get(kind):
            raise IdentifierError("required")
        return ""
    if kind in ("paper", "dataset"):
        return clean_doi(text)
    if kind == "standard":
        return clean_standard(text)
    if kind == "product":
        return clean_certificate(text, certificate)
    if kind == "clinical_trial":
        return clean_trial(text)
    return text
