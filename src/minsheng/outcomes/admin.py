from django.contrib import admin

from minsheng.core.admin import AuditedModelAdmin
from minsheng.outcomes.models import IPAsset


@admin.register(IPAsset)
class IPAssetAdmin(AuditedModelAdmin):
    list_display = ["title", "kind", "number", "owner", "domain", "status", "granted_on", "next_fee_due"]
    list_filter = ["kind", "status", "domain"]
    search_fields = ["title", "number", "owner__name_zh", "owner__credit_code"]
    list_select_related = ["owner", "domain"]
    autocomplete_fields = ["owner"]
