from django import forms

from minsheng.notifications import kinds


class PreferencesForm(forms.Form):
    """One checkbox per kind: also by e-mail."""

    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds.KINDS:
            self.fields[kind.code] = forms.BooleanField(
                label=kind.label, required=False, initial=current.get(kind.code, kind.by_mail),
                widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}))

    def rows(self):
        """(kind, bound field) per kind, in the registry's order, for the table."""
        return [(kind, self[kind.code]) for kind in kinds.KINDS]
