"""The call in plain words: its rules explained with their clauses, and the PDF of the guide (申报指南)."""

import contextlib
import string

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from minsheng.calls import schema
from minsheng.calls.models import Call
from minsheng.core import pdf
from minsheng.core.money import wan


class _Lenient(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _shown(prop: dict, value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "、".join(schema.label(prop, v) for v in value)
    if prop.get("enum"):
        return schema.label(prop, value)
    return str(value)


def rule_lines(call: Call) -> list[dict]:
    """Each rule of the call: its clause, kind, name, and its description with the call's parameters in it."""
    english = (get_language() or "").startswith("en")
    lines = []
    for rule in call.rules.all():
        template = rule.template
        props = schema.properties(template.params_schema)
        shown = {name: _shown(props.get(name, {}), value) for name, value in (rule.params or {}).items()}
        text = (template.description_en if english and template.description_en else template.description_zh) or ""
        with contextlib.suppress(ValueError, IndexError):
            text = string.Formatter().vformat(text, (), _Lenient(shown))
        lines.append({"clause": template.clause_code, "kind": template.get_kind_display(),
                      "priority": template.kind == template.Kind.PRIORITY, "name": template.name, "text": text,
                      "params": [(schema.title(name, props.get(name, {})), value) for name, value in shown.items()]})
    return lines


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def render_guide(call: Call) -> bytes:
    """The guide as a PDF: what an applicant needs, in the page's language."""
    blocks = pdf.title(call.title, f"{call.code} · {call.programme.name}")
    blocks.append(pdf.fields([
        (_("Domains"), "、".join(str(d) for d in call.domains.all())),
        (_("Focus directions"), "、".join(d.name for d in call.focus_directions.all()) or "—"),
        (_("Funding mode"), f"{call.funding_mode.name} ({call.funding_mode.clause_code})"),
        (_("Support type"), f"{call.support_type.name} ({call.support_type.clause_code})"),
        (_("Budget envelope"), wan(call.budget, unit=True)),
        (_("Maximum grant per project"), wan(call.max_grant, unit=True)),
        (_("Required own/co-funding share"), f"{call.cofunding_ratio.normalize():f}%"),
        (_("Partial funding"), _("A grant may be less than the request") if call.allow_partial_funding
         else _("Requests are funded in full or not at all")),
        (_("Reviewers per proposal"), call.reviewers_per_proposal),
        (_("Co-owning departments (M05)"), "、".join(d.name for d in call.co_owners.all()) or "—"),
    ]))
    blocks += [pdf.heading(_("About the call")), pdf.paragraph(call.description)]
    blocks.append(pdf.heading(_("Timeline (Asia/Shanghai time)")))
    blocks.append(pdf.table([_("Step"), _("Time")], [
        (_("Applications open"), _local(call.opens_at)), (_("Applications close"), _local(call.closes_at)),
        (_("Review ends"), _local(call.review_ends_at)), (_("Public notice"), _local(call.notice_at))]))
    blocks.append(pdf.heading(_("Topics")))
    for index, topic in enumerate(call.topics.all(), start=1):
        blocks.append(pdf.heading(f"{index}. {topic.title}", level=2))
        if topic.description:
            blocks.append(pdf.paragraph(topic.description))
    lines = rule_lines(call)
    if lines:
        blocks.append(pdf.heading(_("Eligibility and priority rules")))
        blocks.append(pdf.table([_("Clause"), _("Rule"), _("What it asks")],
                                [(line["clause"], f"{line['name']} ({line['kind']})", line["text"]) for line in lines]))
    criteria = list(call.criteria.all())
    english = (get_language() or "").startswith("en")
    if criteria:
        blocks.append(pdf.heading(_("Review criteria")))
        blocks.append(pdf.table([_("Criterion"), _("Weight (%)"), _("Score scale"), _("Guidance")],
                                [((c.name_en or c.name_zh) if english else c.name_zh,
                                  f"{c.weight.normalize():f}", f"{c.scale_min}–{c.scale_max}", c.description)
                                 for c in criteria]))
    return pdf.render(blocks, document_title=call.title, footer=f"{call.code} {call.title}")
