"""The programme's measures of results, defined once with their clause (the policy catalogue's glossary): what each
counts, over what, and where the figure comes from. Pages that show a figure show its definition from here; the
computation lives with the data it reads (the transfer rate: outcomes/transfer_rate.py)."""

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Indicator:
    code: str
    clause: str
    name_zh: str
    name_en: str
    text_zh: str
    text_en: str
    numerator_zh: str
    numerator_en: str
    denominator_zh: str
    denominator_en: str
    companion_zh: str = ""
    companion_en: str = ""

    def _pick(self, zh: str, en: str) -> str:
        return en if (get_language() or "").startswith("en") else zh

    @property
    def name(self) -> str:
        return self._pick(self.name_zh, self.name_en)

    @property
    def text(self) -> str:
        return self._pick(self.text_zh, self.text_en)

    @property
    def numerator(self) -> str:
        return self._pick(self.numerator_zh, self.numerator_en)

    @property
    def denominator(self) -> str:
        return self._pick(self.denominator_zh, self.denominator_en)

    @property
    def companion(self) -> str:
        return self._pick(self.companion_zh, self.companion_en)


TRANSFER_RATE = Indicator(
    code="transfer_rate",
    clause="M18",
    name_zh="成果转化率",
    name_en="Transfer rate",
    text_zh="按期间和口径（领域、区、年度、指南）统计：已转化成果数 ÷ 可转化成果数（M18）。"
            "配套指标：期间内通过验收的项目中"
            "至少有一项成果转化的项目占比；每万元财政资金带动的转化合同金额和实际到账金额。只计已核实的成果和转化；"
            "合同日期在期间结束之后的转化不计入。",
    text_en="Per period and slice (domain, district, year, call): transferred achievements ÷ transferable "
            "achievements (M18). Companion figures: the share of the projects accepted in the period with at least "
            "one transfer; the contract value and the money actually received per 万元 of government money. Only "
            "verified achievements and transfers count; a transfer whose contract is dated after the period's end "
            "does not.",
    numerator_zh="已核实的、合同日期不晚于期间结束日、至少有一项已核实转化的可转化成果数",
    numerator_en="verified transferable achievements with at least one verified transfer whose contract is dated "
                 "no later than the period's end",
    denominator_zh="期间内通过验收（通过或结题）的项目产生的已核实可转化成果数（专利、软件著作权、标准、产品、新品种、"
                   "临床试验、数据集、软件；论文和被采纳的报告不计）",
    denominator_en="verified transferable achievements of the projects accepted (passed or closed) in the period "
                   "(patents, software copyrights, standards, products, varieties, clinical trials, datasets, "
                   "software; papers and adopted reports are not transferable)",
    companion_zh="项目转化占比 = 期间内通过验收且至少有一项已核实转化的项目数 ÷ 期间内通过验收的项目数；"
                 "每项目只计一次。",
    companion_en="project share = projects accepted in the period with at least one verified transfer ÷ projects "
                 "accepted in the period; each project counts once however many transfers it has.",
)

INDICATORS = (TRANSFER_RATE,)


def for_clause(code: str) -> list[Indicator]:
    return [indicator for indicator in INDICATORS if indicator.clause == code]
