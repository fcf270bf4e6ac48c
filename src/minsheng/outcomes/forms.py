"""The IP asset, lapse, achievement, site, transfer and money-received forms. They validate and explain; services.py
writes (and cleans the numbers).
`AchievementsField(project)` is the choice a progress report or an acceptance file cites achievements with."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.core import uploads
from minsheng.core.money import WanField, wan
from minsheng.core.widgets import ACHIEVEMENT, ORGANISATION, PROJECT, SearchSelect
from minsheng.outcomes import queries
from minsheng.outcomes.models import Achievement, DemonstrationSite, IPAsset, SiteReport, Transfer
from minsheng.policy.models import District
from minsheng.registry.forms import StyledMixin
from minsheng.registry.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _project_label(project) -> str:
    return f"{project.number} {project.title}"


class IPAssetForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = IPAsset
        fields = ["owner", "kind", "number", "title", "domain", "status", "filed_on", "granted_on", "expires_on",
                  "next_fee_due", "projects"]
        widgets = {"filed_on": DATE, "granted_on": DATE, "expires_on": DATE, "next_fee_due": DATE,
                   "owner": SearchSelect(ORGANISATION), "projects": SearchSelect(PROJECT, multiple=True)}
        help_texts = {"number": _("Patents: e.g. ZL202310123456.7 (the check character is verified); software "
                                  "copyrights: e.g. 2023SR0123456; standards: e.g. GB/T 12345-2023.")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = queries.owner_choices_for(user)
        if user is not None and not user.has_perm("outcomes.change_ipasset_owner"):
            self.fields["owner"].disabled = True
            self.fields["owner"].initial = user.organisation_id
        owner = self.instance.owner if self.instance.pk else None
        projects = self.fields["projects"]
        projects.queryset = queries.project_choices_for(user, owner)
        projects.label_from_instance = _project_label
        if self.instance.pk and self.instance.status == IPAsset.Status.LAPSED:
            self.fields["status"].disabled = True
        else:
            self.fields["status"].choices = [c for c in self.fields["status"].choices
                                             if c[0] != IPAsset.Status.LAPSED]

    def _post_clean(self):
        # The model's own checks (and the unique number) run in the service, after the number is cleaned.
        pass


class LapseForm(StyledMixin, forms.Form):
    lapsed_on = forms.DateField(label=_("lapsed on"), widget=DATE)
    lapse_reason = forms.CharField(label=_("reason for the lapse"), max_length=500,
                                   widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text=_("E.g. the annual fee was not paid in time, the right was abandoned "
                                               "or invalidated, or its term ended."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()



def _owning_organisation(form, user, instance):
    """The organisation whose achievement, site or transfer the form records: the record's own; for a new one, the
    applicant's organisation, or the one an officer who records for others chose (only among those they may)."""
    if instance is not None or user is None or not user.has_perm("outcomes.choose_organisation"):
        del form.fields["organisation"]
        return instance.organisation if instance is not None else getattr(user, "organisation", None)
    form.fields["organisation"].queryset = queries.owner_choices_for(user)
    chosen = form.data.get("organisation") if form.is_bound else None
    if chosen and str(chosen).isdigit():
        return queries.owner_choices_for(user).filter(pk=chosen).first()
    return None


class AchievementForm(StyledMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=None, widget=SearchSelect(ORGANISATION))
    kind = forms.ChoiceField(label=_("kind"), choices=[("", "---------"), *Achievement.Kind.choices])
    ip_asset = forms.ModelChoiceField(
        label=_("from the IP register"), queryset=None, required=False,
        help_text=_("Patents and software copyrights are chosen from the IP register, never typed again."))
    title = forms.CharField(label=_("title"), max_length=300, required=False,
                            help_text=_("For a patent or software copyright, left empty: its title in the register."))
    achieved_on = forms.DateField(label=_("date"), widget=DATE,
                                  help_text=_("Grant, publication, approval, release or adoption date"))
    projects = forms.ModelMultipleChoiceField(label=_("projects"), queryset=None,
                                              widget=SearchSelect(PROJECT, multiple=True),
                                              help_text=_("The organisation's projects that produced it"))
    certificate = forms.ChoiceField(label=_("certificate"), required=False,
                                    choices=[("", "---------"), *Achievement.Certificate.choices],
                                    help_text=_("For a product: the certificate it holds"))
    identifier = forms.CharField(
        label=_("number or identifier"), max_length=100, required=False,
        help_text=_("Checked where a documented format exists: DOI for papers and datasets, the standard's number, "
                    "the product certificate's number, the clinical trial's registration number."))
    link = forms.URLField(label=_("link"), max_length=500, required=False, assume_scheme="https")
    description = forms.CharField(label=_("description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("E.g. the department that adopted the report, the journal, the "
                                              "approving authority"))
    evidence = forms.FileField(label=_("evidence file"), required=False, help_text=_("PDF, PNG or JPEG, at most 10 MB"),
                               widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT}))

    def __init__(self, *args, user=None, instance: Achievement | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organisation": instance.organisation_id, "kind": instance.kind, "ip_asset": instance.ip_asset_id,
                "title": instance.title, "achieved_on": instance.achieved_on,
                "projects": [p.pk for p in instance.projects.all()], "certificate": instance.certificate,
                "identifier": "" if instance.ip_asset_id else instance.identifier, "link": instance.link,
                "description": instance.description}
        super().__init__(*args, **kwargs)
        self.instance = instance
        organisation = self.organisation = _owning_organisation(self, user, instance)
        assets = IPAsset.objects.filter(kind__in=[str(k) for k in queries.ACHIEVEMENT_IP_KINDS])
        self.fields["ip_asset"].queryset = (assets.filter(owner=organisation) if organisation is not None
                                            else assets.none()).order_by("kind", "title")
        self.fields["ip_asset"].label_from_instance = (
            lambda a: f"{a.get_kind_display()} · {a.title} ({a.number})")
        self.fields["projects"].queryset = queries.project_choices_for(user, organisation)
        self.fields["projects"].label_from_instance = _project_label
        self._style()

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            self.cleaned_data["evidence_type"] = uploads.checked_content_type(upload)
        return upload


class AchievementsField(forms.ModelMultipleChoiceField):
    """The achievements of one project, to cite (a progress report, an acceptance file): checkboxes labelled with
    the kind, title, number and a tick when verified. The citing form stores the chosen rows."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, project, **kwargs):
        kwargs.setdefault("label", _("achievements"))
        kwargs.setdefault("required", False)
        super().__init__(queryset=queries.achievements_of(project), **kwargs)

    def label_from_instance(self, obj) -> str:
        return queries.achievement_label(obj)


class VerifyForm(forms.Form):
    seen = forms.ChoiceField(choices=Achievement.State.choices, widget=forms.HiddenInput)


class UnverifyForm(StyledMixin, forms.Form):
    seen = forms.ChoiceField(choices=Achievement.State.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


# --- Demonstration sites (M18 with M16/M17) ----------------------------------------------------------------------

class SiteForm(StyledMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=None, widget=SearchSelect(ORGANISATION))
    kind = forms.ChoiceField(label=_("kind of site"), choices=[("", "---------"), *DemonstrationSite.Kind.choices])
    name = forms.CharField(label=_("site name"), max_length=200,
                           help_text=_("E.g. 福田区莲花街道社区健康服务中心"))
    district = forms.ModelChoiceField(label=_("district"), queryset=District.objects.all())
    address = forms.CharField(label=_("address"), max_length=300)
    since = forms.DateField(label=_("applied since"), widget=DATE,
                            help_text=_("The day the result was first applied at the site"))
    projects = forms.ModelMultipleChoiceField(label=_("projects"), queryset=None,
                                              widget=SearchSelect(PROJECT, multiple=True),
                                              help_text=_("The organisation's projects whose result is applied"))
    achievements = forms.ModelMultipleChoiceField(label=_("achievements applied"), queryset=None, required=False,
                                                  widget=SearchSelect(ACHIEVEMENT, multiple=True))
    description = forms.CharField(label=_("what is applied there"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    link = forms.URLField(label=_("link"), max_length=500, required=False, assume_scheme="https")
    evidence = forms.FileField(label=_("evidence file"), required=False,
                               help_text=_("E.g. the site's letter of use: PDF, PNG or JPEG, at most 10 MB"),
                               widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT}))

    def __init__(self, *args, user=None, instance: DemonstrationSite | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organisation": instance.organisation_id, "kind": instance.kind, "name": instance.name,
                "district": instance.district_id, "address": instance.address, "since": instance.since,
                "projects": [p.pk for p in instance.projects.all()],
                "achievements": [a.pk for a in instance.achievements.all()],
                "description": instance.description, "link": instance.link}
        super().__init__(*args, **kwargs)
        organisation = self.organisation = _owning_organisation(self, user, instance)
        self.fields["projects"].queryset = queries.project_choices_for(user, organisation)
        self.fields["projects"].label_from_instance = _project_label
        self.fields["achievements"].queryset = (
            Achievement.objects.filter(organisation=organisation) if organisation is not None
            else Achievement.objects.all() if "organisation" in self.fields
            else Achievement.objects.none()).order_by("title")
        self.fields["achievements"].label_from_instance = queries.achievement_label
        self._style()

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            self.cleaned_data["evidence_type"] = uploads.checked_content_type(upload)
        return upload


class SiteReportForm(StyledMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("quarter"), coerce=int, choices=SiteReport.Quarter.choices)
    people_served = forms.IntegerField(label=_("people served"),
                                       help_text=_("As the site counts them in that quarter"))
    decrease_reason = forms.CharField(label=_("reason for the decrease"), required=False, max_length=1000,
                                      widget=forms.Textarea(attrs={"rows": 2}),
                                      help_text=_("Needed when the figure is lower than the quarter before"))
    link = forms.URLField(label=_("link"), max_length=500, required=False, assume_scheme="https")
    evidence = forms.FileField(label=_("evidence file"), required=False,
                               help_text=_("E.g. the site's service statistics: PDF, PNG or JPEG, at most 10 MB"),
                               widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            self.cleaned_data["evidence_type"] = uploads.checked_content_type(upload)
        return upload


# --- Transfers (M18) -------------------------------------------------------------------------------------------

class TransferForm(StyledMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("transferring organisation"), queryset=None,
                                          widget=SearchSelect(ORGANISATION))
    kind = forms.ChoiceField(label=_("kind"), choices=[("", "---------"), *Transfer.Kind.choices])
    title = forms.CharField(label=_("contract title"), max_length=300)
    achievements = forms.ModelMultipleChoiceField(
        label=_("achievements"), queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=_("The organisation's own achievements the contract transfers, licenses or applies"),
        error_messages={"invalid_choice": _("Achievement %(value)s is not one of this organisation's; a transfer "
                                            "concerns the organisation's own achievements only. Nothing was saved."),
                        "required": _("Choose the achievement or achievements transferred.")})
    counterparty = forms.ModelChoiceField(
        label=_("counterparty from the registry"), queryset=None, required=False, widget=SearchSelect(ORGANISATION),
        help_text=_("Or leave empty and type the counterparty's name below"))
    counterparty_name = forms.CharField(label=_("counterparty's name"), max_length=200, required=False,
                                        help_text=_("When the counterparty is not in the registry"))
    counterparty_kind = forms.ChoiceField(label=_("counterparty's type"), required=False,
                                          choices=[("", "---------"), *Organisation.Kind.choices])
    counterparty_region = forms.ChoiceField(
        label=_("counterparty's region"), choices=Transfer.Region.choices, initial=Transfer.Region.MAINLAND,
        help_text=_("Hong Kong, Macao, Taiwan or abroad: the transfer also cites M22"))
    counterparty_contact = forms.CharField(label=_("counterparty's contact"), max_length=200, required=False,
                                           help_text=_("Contact person and phone; not shown publicly"))
    value = WanField(label=_("contract value (万元)"), required=True,
                     help_text=_("In 万元, e.g. 120 for a contract of 120 万元; 0 for own production without a price"))
    confirm_value = forms.BooleanField(label=_("the value is right"), required=False,
                                       help_text=_("Tick only when the platform questioned the value and it is "
                                                   "right"))
    contract_on = forms.DateField(label=_("contract date"), widget=DATE)
    link = forms.URLField(label=_("link"), max_length=500, required=False, assume_scheme="https")
    description = forms.CharField(label=_("description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("evidence file"), required=False,
                               help_text=_("The contract or its registration: PDF, PNG or JPEG, at most 10 MB"),
                               widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT}))

    def __init__(self, *args, user=None, instance: Transfer | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organisation": instance.organisation_id, "kind": instance.kind, "title": instance.title,
                "achievements": [a.pk for a in instance.achievements.all()],
                "counterparty": instance.counterparty_id, "counterparty_name": instance.counterparty_name,
                "counterparty_kind": instance.counterparty_kind, "counterparty_region": instance.counterparty_region,
                "counterparty_contact": instance.counterparty_contact, "value": wan_exact(instance.value),
                "contract_on": instance.contract_on, "link": instance.link, "description": instance.description}
        super().__init__(*args, **kwargs)
        self.instance = instance
        organisation = self.organisation = _owning_organisation(self, user, instance)
        self.fields["achievements"].queryset = (
            Achievement.objects.filter(organisation=organisation).order_by("-achieved_on", "title")
            if organisation is not None else Achievement.objects.none())
        self.fields["achievements"].label_from_instance = queries.achievement_label
        self.fields["counterparty"].queryset = Organisation.objects.order_by("name_zh")
        self._style()

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            self.cleaned_data["evidence_type"] = uploads.checked_content_type(upload)
        return upload


def wan_exact(amount) -> str:
    return wan(amount, exact=True)


class ReceiptForm(StyledMixin, forms.Form):
    amount = WanField(label=_("amount received (万元)"), required=True)
    received_on = forms.DateField(label=_("received on"), widget=DATE)
    confirm_over = forms.BooleanField(label=_("the amount is right"), required=False,
                                      help_text=_("Tick only when the platform questioned the amount and it is "
                                                  "right"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
