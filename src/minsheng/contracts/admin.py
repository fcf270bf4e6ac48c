"""Task books, tranches and expenditures in the admin: to look up, never to change. Task books change through
their pages and core.workflow.move, money through the services that lock the project and write the audit trail, and
expenditures are append-only (a wrong one is reversed, never edited or deleted)."""

from django.contrib import admin

from minsheng.contracts.models import Expenditure, TaskBook, TaskBookBudgetLine, Tranche


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class BudgetInline(ReadOnly, admin.TabularInline):
    model = TaskBookBudgetLine
    extra = 0
    can_delete = False


@admin.register(TaskBook)
class TaskBookAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "state", "issued_at", "confirmed_at", "signed_at"]
    list_filter = ["state"]
    search_fields = ["project__number", "title", "project__organisation__name_zh"]
    list_select_related = ["project"]
    exclude = ["pdf"]
    inlines = [BudgetInline]


@admin.register(Tranche)
class TrancheAdmin(ReadOnlyAdmin):
    list_display = ["project", "order", "condition", "amount", "state", "requested_at", "approved_at", "paid_on",
                    "returned_at"]
    list_filter = ["state", "condition"]
    search_fields = ["project__number", "bank_reference"]
    list_select_related = ["project"]


@admin.register(Expenditure)
class ExpenditureAdmin(ReadOnlyAdmin):
    list_display = ["project", "spent_on", "category", "amount", "voucher", "reverses", "recorded_by", "recorded_at"]
    list_filter = ["category"]
    search_fields = ["project__number", "voucher", "description"]
    list_select_related = ["project", "recorded_by", "reverses"]
