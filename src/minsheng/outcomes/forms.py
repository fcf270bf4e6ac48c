"""The IP asset form. It validates and explains; services.py writes (and cleans the number)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.outcomes import queries
from minsheng.outcomes.models import IPAsset
from minsheng.registry.forms import StyledMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IPAssetForm(StyledMixin, forms.ModelForm):
    class Meta:
        model = IPAsset
        fields = ["owner", "kind", "number", "title", "domain", "status", "filed_on", "granted_on", "expires_on",
                  "next_fee_due"]
        widgets = {"filed_on": DATE, "granted_on": DATE, "expires_on": DATE, "next_fee_due": DATE}
        help_texts = {"number": _("Patents: e.g. ZL202310123456.7 (the check character is verified); software "
                                  "copyrights: e.g. 2023SR0123456; standards: e.g. GB/T 12345-2023.")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = queries.owner_choices_for(user)
        if user is not None and not user.has_perm("outcomes.change_ipasset_owner"):
            self.fields["owner"].disabled = True
            self.fields["owner"].initial = user.organisation_id

    def _post_clean(self):
        # The model's own checks (and the unique number) run in the service, after the number is cleaned.
        pass
