"""The registry's pages: one list, detail, create, edit and Excel export per kind of record, and the
verification of organisations. Thin: scopes come from queries.py, permissions from rules.py, writes
from services.py."""

import copy
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.core import listing
from minsheng.core.exports import export_response
from minsheng.core.identifiers import credit_code_in_city
from minsheng.core.listing import Column
from minsheng.core.permissions import allowed, permission_required, require
from minsheng.core.roles import is_applicant, is_district_officer, is_expert, is_government, is_staff_officer
from minsheng.core.widgets import search_reply
from minsheng.registry import forms, queries, services
from minsheng.registry.models import (
    CooperationPartner,
    Debarment,
    InnovationCarrier,
    Organisation,
    Person,
    ServiceInstitution,
    SharedFacility,
)

FORM_TOKEN_SECONDS = 60 * 60
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class ExportColumn:
    header: str | Promise
    value: Callable


@dataclass(frozen=True)
class Kind:
    slug: str                                        # URL names: <slug>_list, <slug>_detail, ...
    model: type
    listing: listing.Listing
    scope: Callable                                  # user -> the queryset the user may see
    public: bool                                     # readable without signing in
    columns: tuple[Column, ...]
    export_columns: Callable                         # user -> [ExportColumn]
    form: Callable                                   # (user, instance) -> form class
    create: Callable                                 # (form, user) -> object
    update: Callable                                 # (form, user, object) -> object
    clauses: tuple[str, ...] = ()                    # the measures the kind serves, shown as badges
    filename: str = ""
    search_hint: str | Promise = ""
    list_defaults: Callable | None = None            # user -> filter values pre-selected on the list
    new_instance: Callable | None = None             # user -> the unsaved object a create form starts from
    detail_extra: Callable | None = None             # (request, object) -> extra context

    def perm(self, action: str) -> str:
        return f"registry.{action}_{self.model._meta.model_name}"

    @property
    def title(self):
        return self.model._meta.verbose_name_plural

    @property
    def singular(self):
        return self.model._meta.verbose_name

    @property
    def row_template(self) -> str:
        return f"registry/rows/{self.slug}.html"

    @property
    def detail_template(self) -> str:
        return f"registry/{self.slug}_detail.html"


# --- Access ----------------------------------------------------------------------------------------

def _signed_in(request) -> bool:
    return request.user.is_authenticated


def kind_permission(action: str):
    """A kind's page behind the kind's permission for `action` (core.permissions.permission_required: the sign-in
    page for visitors, 403 for a role without it); reading a public directory needs no permission. Below the
    method decorator, so a method the page does not take answers 405 to everyone."""
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, kind: Kind, **kwargs):
            guarded = view if action == "view" and kind.public else permission_required(kind.perm(action))(view)
            return guarded(request, *args, kind=kind, **kwargs)

        return wrapped

    return decorator


def _get_visible(request, kind: Kind, pk: int):
    """The object when it lies within what the user may see; 404 otherwise."""
    obj = get_object_or_404(kind.scope(request.user), pk=pk)
    if not allowed(request.user, kind.perm("view"), obj):
        raise Http404
    return obj


def _can_link_organisation(user, organisation_id) -> bool:
    return bool(is_government(user) or (is_applicant(user) and user.organisation_id == organisation_id))


# --- Lists and exports -----------------------------------------------------------------------------

def _list_state(request, kind: Kind) -> listing.ListState:
    defaults = kind.list_defaults(request.user) if kind.list_defaults else None
    return listing.parse(kind.listing, request.GET, defaults)


@require_safe
@kind_permission("view")
def list_view(request, kind: Kind):
    user = request.user
    context = listing.page_context(request, kind, kind.scope(user), _list_state(request, kind),
                                   export_url=reverse(f"registry:{kind.slug}_export"))
    return render(request, "core/list.html", {
        **context,
        "create_url": reverse(f"registry:{kind.slug}_create"),
        "can_add": _signed_in(request) and user.has_perm(kind.perm("add")),
        "link_all_organisations": is_government(user),
        "own_organisation_id": getattr(user, "organisation_id", None),
        "show_partner_links": user.has_perm("registry.view_cooperationpartner_links"),
    })


@require_safe
@kind_permission("view")
def export_view(request, kind: Kind):
    state = _list_state(request, kind)
    columns = kind.export_columns(request.user)

    def rows():
        queryset = listing.apply(kind.scope(request.user), state)
        if kind.slug == "partner" and request.user.has_perm("registry.view_cooperationpartner_links"):
            queryset = queryset.prefetch_related("partners_with")
        return ([column.value(obj) for column in columns] for obj in queryset)

    return export_response(
        request, group="registry.export", action=f"registry.{kind.model._meta.model_name}.export",
        filename=kind.filename, title=kind.title, headers=[c.header for c in columns], rows=rows,
        target_label=str(kind.model._meta.verbose_name_plural), details={"filters": state.active})


# --- Detail ---------------------------------------------------------------------------------------

@require_safe
@kind_permission("view")
def detail_view(request, kind: Kind, pk: int):
    obj = _get_visible(request, kind, pk)
    user = request.user
    context = {
        "kind": kind,
        "object": obj,
        "can_edit": _signed_in(request) and user.has_perm(kind.perm("change"), obj),
        "can_see_history": _signed_in(request) and user.has_perm(kind.perm("view") + "_history", obj),
        "link_all_organisations": is_government(user),
        "own_organisation_id": getattr(user, "organisation_id", None),
        "list_url": reverse(f"registry:{kind.slug}_list"),
        "edit_url": reverse(f"registry:{kind.slug}_edit", kwargs={"pk": obj.pk}),
    }
    if kind.detail_extra:
        context.update(kind.detail_extra(request, obj))
    return render(request, kind.detail_template, context)


def _organisation_extra(request, organisation):
    user = request.user
    return {
        **queries.organisation_related(organisation, user),
        "in_city": credit_code_in_city(organisation.credit_code),
        "can_decide": user.has_perm("registry.organisation.verify", organisation),
        "reject_form": forms.RejectForm(),
        "can_view_people_contacts": is_staff_officer(user) or is_applicant(user),
        "debarments": _debarments(user, organisation=organisation),
    }


def _debarments(user, **whom):
    """The debarment records of an organisation or person, for government readers only (the eligibility rule
    "not barred" reads them; they are not published)."""
    if not is_government(user):
        return None
    return Debarment.objects.filter(**whom).select_related("recorded_by").order_by("-starts_on", "-pk")


def _person_extra(request, person):
    return {"can_see_contact": request.user.has_perm("registry.view_person_contact", person),
            "debarments": _debarments(request.user, person=person)}


def _partner_extra(request, partner):
    user = request.user
    if user.has_perm("registry.view_cooperationpartner_links", partner):
        return {"linked_organisations": partner.partners_with.select_related("district"), "show_links": True}
    own = bool(user.organisation_id) and partner.partners_with.filter(pk=user.organisation_id).exists()
    return {"show_links": False, "works_with_own": own}


def _carrier_extra(request, carrier):
    return {"clause_code": services._carrier_clause(carrier.kind)}


# --- Create and edit ------------------------------------------------------------------------------

def _form_title(kind: Kind, obj=None) -> str:
    if obj is None:
        return gettext("New %(kind)s") % {"kind": kind.singular}
    return gettext("Edit %(kind)s") % {"kind": kind.singular}


def _claim_token(request):
    """A form is sent once: the first POST of a token claims it, a repeat finds what the first created."""
    token = request.POST.get("form_token", "")
    if not _TOKEN.match(token):
        return None, None
    key = f"registry:form:{request.user.pk}:{token}"
    if cache.add(key, "pending", FORM_TOKEN_SECONDS):
        return key, None
    return key, cache.get(key)


@require_http_methods(["GET", "HEAD", "POST"])
@kind_permission("add")
def create_view(request, kind: Kind):
    user = request.user
    form_class = kind.form(user, None)
    instance = kind.new_instance(user) if kind.new_instance else None
    if request.method == "POST":
        key, earlier = _claim_token(request)
        if earlier == "pending":
            messages.warning(request, _("This form is already being saved. Please wait a moment."))
            return redirect(f"registry:{kind.slug}_list")
        if earlier:
            messages.info(request, _("This form had already been sent; here is the record it created."))
            return redirect(f"registry:{kind.slug}_detail", pk=earlier)
        form = form_class(request.POST, instance=instance, user=user)
        token = request.POST.get("form_token", "")
        if form.is_valid():
            try:
                obj = kind.create(form, user)
            except ValidationError as exc:
                forms.apply_service_errors(form, exc)
            else:
                if key:
                    cache.set(key, obj.pk, FORM_TOKEN_SECONDS)
                messages.success(request, _("Saved: %(name)s.") % {"name": obj})
                _after_save(request, kind, obj)
                return redirect(f"registry:{kind.slug}_detail", pk=obj.pk)
        if key:
            cache.delete(key)
    else:
        form = form_class(instance=instance, user=user)
        if (reply := search_reply(request, form)) is not None:  # the matches of a SearchSelect field
            return reply
        token = uuid.uuid4().hex
    return render(request, "registry/form.html", {
        "kind": kind, "form": form, "object": None, "title": _form_title(kind), "form_token": token,
        "cancel_url": reverse(f"registry:{kind.slug}_list"), "list_url": reverse(f"registry:{kind.slug}_list"),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@kind_permission("change")
def edit_view(request, kind: Kind, pk: int):
    user = request.user
    obj = _get_visible(request, kind, pk)
    if not allowed(user, kind.perm("change"), obj):
        # Visible (a public directory entry, say) but another organisation's: outside the user's scope.
        raise Http404
    form_class = kind.form(user, obj)
    if request.method == "POST":
        form = form_class(request.POST, instance=copy.copy(obj), user=user)
        if form.is_valid():
            try:
                obj = kind.update(form, user, obj)
            except ValidationError as exc:
                forms.apply_service_errors(form, exc)
            else:
                messages.success(request, _("Saved: %(name)s.") % {"name": obj})
                _after_save(request, kind, obj)
                return redirect(f"registry:{kind.slug}_detail", pk=obj.pk)
    else:
        form = form_class(instance=copy.copy(obj), user=user)
        if (reply := search_reply(request, form)) is not None:  # the matches of a SearchSelect field
            return reply
    return render(request, "registry/form.html", {
        "kind": kind, "form": form, "object": obj, "title": _form_title(kind, obj),
        "cancel_url": reverse(f"registry:{kind.slug}_detail", kwargs={"pk": obj.pk}),
        "list_url": reverse(f"registry:{kind.slug}_list"),
    })


def _after_save(request, kind: Kind, obj) -> None:
    if kind.slug == "organisation" and not credit_code_in_city(obj.credit_code):
        messages.info(request, _("This credit code was not issued in the city (its division code does not start "
                                 "with 4403). That is allowed; check that the organisation operates here."))


# --- Verification of organisations ----------------------------------------------------------------

def _decide(request, pk: int, permission: str, decide: Callable):
    if not _signed_in(request):
        return redirect_to_login(reverse("registry:organisation_detail", kwargs={"pk": pk}))
    require(request.user, permission)
    organisation = get_object_or_404(queries.organisations_for(request.user), pk=pk)
    try:
        message = decide(organisation)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, message)
    return redirect("registry:organisation_detail", pk=organisation.pk)


@require_POST
def organisation_verify(request, pk: int):
    def decide(organisation):
        services.verify_organisation(organisation=organisation, by=request.user)
        return _("%(name)s is verified. Its applicants have been notified.") % {"name": organisation}

    return _decide(request, pk, "registry.verify_organisation", decide)


@require_POST
def organisation_reject(request, pk: int):
    def decide(organisation):
        form = forms.RejectForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        services.reject_organisation(organisation=organisation, by=request.user,
                                     reason=form.cleaned_data["reason"])
        return _("%(name)s is rejected. Its applicants have been notified of the reason.") % {"name": organisation}

    return _decide(request, pk, "registry.reject_organisation", decide)


# --- The kinds ------------------------------------------------------------------------------------

def _text(value):
    return "" if value is None else str(value)


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _names(manager) -> str:
    return "、".join(str(item) for item in manager.all())


def _yes(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


def _values(form, *, drop=()) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in drop}


def _organisation_form(user, obj):
    return forms.OrganisationForm if user.has_perm("registry.change_organisation_identity", obj) \
        else forms.OrganisationProfileForm


def _district_default(user):
    if is_district_officer(user) and user.district_id:
        return {"district": user.district.code}
    return None


ORGANISATION = Kind(
    slug="organisation", model=Organisation, listing=queries.ORGANISATIONS, scope=queries.organisations_for,
    public=False, filename="organisations",
    search_hint=_("Name, credit code or address"),
    columns=(Column(_("Name"), "name"), Column(_("unified social credit code"), "credit_code"),
             Column(_("type"), "kind"), Column(_("district"), "district"), Column(_("verification"), "state"),
             Column(_("updated"), "updated")),
    export_columns=lambda user: [
        ExportColumn(_("unified social credit code"), lambda o: o.credit_code),
        ExportColumn(_("Chinese name"), lambda o: o.name_zh),
        ExportColumn(_("English name"), lambda o: o.name_en),
        ExportColumn(_("type"), lambda o: o.get_kind_display()),
        ExportColumn(_("size"), lambda o: o.get_size_display()),
        ExportColumn(_("district"), lambda o: _text(o.district)),
        ExportColumn(_("address"), lambda o: o.address),
        ExportColumn(_("verification"), lambda o: o.get_state_display()),
        ExportColumn(_("contact person"), lambda o: o.contact_name),
        ExportColumn(_("contact phone"), lambda o: o.contact_phone),
        ExportColumn(_("contact e-mail"), lambda o: o.contact_email),
        ExportColumn(_("website"), lambda o: o.website),
        ExportColumn(_("updated"), lambda o: _when(o.updated_at)),
    ],
    form=_organisation_form,
    create=lambda form, user: services.create_organisation(by=user, values=_values(form)),
    update=lambda form, user, obj: services.update_organisation(organisation=obj, by=user, changes=_values(form)),
    list_defaults=_district_default,
    detail_extra=_organisation_extra,
)

PERSON_RELATIONS = ("domains", "talent_tags", "identity_number")


def _person_new(user):
    return Person(organisation=user.organisation) if is_applicant(user) else Person()


def _person_values(form, user) -> dict:
    values = _values(form, drop=PERSON_RELATIONS)
    if is_applicant(user):
        values["organisation"] = user.organisation
    return values


def _person_export(user):
    columns = [
        ExportColumn(_("full name"), lambda p: p.name),
        ExportColumn(_("name in English"), lambda p: p.name_en),
        ExportColumn(_("organisation"), lambda p: _text(p.organisation)),
        ExportColumn(_("professional title"), lambda p: p.get_title_display()),
        ExportColumn(_("position"), lambda p: p.position),
        ExportColumn(_("gender"), lambda p: p.get_gender_display() if p.gender else ""),
        ExportColumn(_("year of birth"), lambda p: p.birth_year or ""),
        ExportColumn(_("domains"), lambda p: _names(p.domains)),
        ExportColumn(_("talent tags"), lambda p: _names(p.talent_tags)),
        ExportColumn(_("expertise keywords"), lambda p: p.expertise),
        ExportColumn(_("in the expert pool"), lambda p: _yes(p.in_expert_pool)),
    ]
    # Contact details only for those who manage every person in their scope (officers, the applicant's
    # own organisation, the expert's own record); other government roles get the list without them.
    if is_staff_officer(user) or is_applicant(user) or is_expert(user):
        columns += [
            ExportColumn(_("identity number (masked)"), lambda p: p.id_number_masked),
            ExportColumn(_("e-mail"), lambda p: p.email),
            ExportColumn(_("phone"), lambda p: p.phone),
        ]
    return columns


PERSON = Kind(
    slug="person", model=Person, listing=queries.PEOPLE, scope=queries.people_for, public=False,
    filename="people", clauses=("M21",), search_hint=_("Name, expertise, organisation or credit code"),
    columns=(Column(_("full name"), "name"), Column(_("organisation"), "organisation"),
             Column(_("professional title"), "title"), Column(_("position")), Column(_("domains")),
             Column(_("talent tags")), Column(_("updated"), "updated")),
    export_columns=_person_export,
    form=lambda user, obj: forms.PersonForm,
    create=lambda form, user: services.create_person(
        by=user, values=_person_values(form, user), domains=form.cleaned_data["domains"],
        talent_tags=form.cleaned_data["talent_tags"], identity_number=form.cleaned_data["identity_number"]),
    update=lambda form, user, obj: services.update_person(
        person=obj, by=user, identity_number=form.cleaned_data["identity_number"],
        changes={**_person_values(form, user), "domains": list(form.cleaned_data["domains"]),
                 "talent_tags": list(form.cleaned_data["talent_tags"])}),
    new_instance=_person_new,
    detail_extra=_person_extra,
)


def _hosted_new(model):
    return lambda user: model(host=user.organisation) if is_applicant(user) else model()


CARRIER = Kind(
    slug="carrier", model=InnovationCarrier, listing=queries.CARRIERS, scope=queries.carriers_for, public=True,
    filename="innovation-carriers", clauses=("M01", "M02", "M04"),
    search_hint=_("Name, description, host or credit code"),
    columns=(Column(_("Name"), "name"), Column(_("kind"), "kind"), Column(_("level"), "level"),
             Column(_("domain"), "domain"), Column(_("host organisation"), "host"),
             Column(_("year approved"), "year")),
    export_columns=lambda user: [
        ExportColumn(_("Chinese name"), lambda c: c.name_zh),
        ExportColumn(_("English name"), lambda c: c.name_en),
        ExportColumn(_("kind"), lambda c: c.get_kind_display()),
        ExportColumn(_("level"), lambda c: c.get_level_display()),
        ExportColumn(_("domain"), lambda c: _text(c.domain)),
        ExportColumn(_("host organisation"), lambda c: c.host.name),
        ExportColumn(_("unified social credit code"), lambda c: c.host.credit_code),
        ExportColumn(_("district"), lambda c: _text(c.host.district)),
        ExportColumn(_("year approved"), lambda c: c.approved_year or ""),
        ExportColumn(_("governance"), lambda c: c.get_governance_display()),
        ExportColumn(_("last evaluated"), lambda c: c.last_evaluation_year or ""),
        ExportColumn(_("last evaluation grade"), lambda c: c.last_evaluation_grade),
    ],
    form=lambda user, obj: forms.CarrierForm,
    create=lambda form, user: services.create_carrier(by=user, values=_values(form)),
    update=lambda form, user, obj: services.update_carrier(carrier=obj, by=user, changes=_values(form)),
    new_instance=_hosted_new(InnovationCarrier),
    detail_extra=_carrier_extra,
)

SERVICE = Kind(
    slug="service", model=ServiceInstitution, listing=queries.SERVICE_INSTITUTIONS,
    scope=queries.service_institutions_for, public=True, filename="service-institutions", clauses=("M03",),
    search_hint=_("Name, credit code or description"),
    columns=(Column(_("organisation"), "name"), Column(_("service"), "service"), Column(_("level"), "level"),
             Column(_("domains served")), Column(_("district"), "district")),
    export_columns=lambda user: [
        ExportColumn(_("organisation"), lambda s: s.organisation.name),
        ExportColumn(_("unified social credit code"), lambda s: s.organisation.credit_code),
        ExportColumn(_("service"), lambda s: s.get_service_display()),
        ExportColumn(_("level"), lambda s: s.get_level_display()),
        ExportColumn(_("domains served"), lambda s: _names(s.domains)),
        ExportColumn(_("district"), lambda s: _text(s.organisation.district)),
        ExportColumn(_("description"), lambda s: s.description),
    ],
    form=lambda user, obj: forms.ServiceInstitutionForm,
    create=lambda form, user: services.create_service_institution(
        by=user, values=_values(form, drop=("domains",)), domains=form.cleaned_data["domains"]),
    update=lambda form, user, obj: services.update_service_institution(
        institution=obj, by=user, changes={**_values(form), "domains": list(form.cleaned_data["domains"])}),
)

FACILITY = Kind(
    slug="facility", model=SharedFacility, listing=queries.FACILITIES, scope=queries.facilities_for, public=True,
    filename="shared-facilities", clauses=("M03",), search_hint=_("Name, description, host or credit code"),
    columns=(Column(_("Name"), "name"), Column(_("kind"), "kind"), Column(_("domain"), "domain"),
             Column(_("host organisation"), "host"), Column(_("open to outside users"))),
    export_columns=lambda user: [
        ExportColumn(_("Chinese name"), lambda f: f.name_zh),
        ExportColumn(_("English name"), lambda f: f.name_en),
        ExportColumn(_("kind"), lambda f: f.get_kind_display()),
        ExportColumn(_("domain"), lambda f: _text(f.domain)),
        ExportColumn(_("host organisation"), lambda f: f.host.name),
        ExportColumn(_("district"), lambda f: _text(f.host.district)),
        ExportColumn(_("open to outside users"), lambda f: _yes(f.open_to_public)),
        ExportColumn(_("booking contact"), lambda f: f.booking_contact),
    ],
    form=lambda user, obj: forms.FacilityForm,
    create=lambda form, user: services.create_facility(by=user, values=_values(form)),
    update=lambda form, user, obj: services.update_facility(facility=obj, by=user, changes=_values(form)),
    new_instance=_hosted_new(SharedFacility),
)


def _partner_export(user):
    columns = [
        ExportColumn(_("Chinese name"), lambda p: p.name_zh),
        ExportColumn(_("English name"), lambda p: p.name_en),
        ExportColumn(_("region"), lambda p: p.get_region_display()),
        ExportColumn(_("country"), lambda p: p.country),
        ExportColumn(_("kind"), lambda p: p.get_kind_display()),
        ExportColumn(_("website"), lambda p: p.website),
    ]
    if user.has_perm("registry.view_cooperationpartner_links"):
        columns.append(ExportColumn(_("cooperates with"), lambda p: _names(p.partners_with)))
    return columns


PARTNER = Kind(
    slug="partner", model=CooperationPartner, listing=queries.PARTNERS, scope=queries.partners_for, public=False,
    filename="cooperation-partners", clauses=("M22",), search_hint=_("Name, country or description"),
    columns=(Column(_("Name"), "name"), Column(_("region"), "region"), Column(_("country"), "country"),
             Column(_("kind"), "kind"), Column(_("cooperates with"))),
    export_columns=_partner_export,
    form=lambda user, obj: forms.PartnerForm,
    create=lambda form, user: services.create_partner(
        by=user, values=_values(form, drop=("partners_with",)), partners_with=form.cleaned_data["partners_with"]),
    update=lambda form, user, obj: services.update_partner(
        partner=obj, by=user, changes={**_values(form), "partners_with": list(form.cleaned_data["partners_with"])}),
    detail_extra=_partner_extra,
)

KINDS = {kind.slug: kind for kind in (ORGANISATION, PERSON, CARRIER, SERVICE, FACILITY, PARTNER)}
