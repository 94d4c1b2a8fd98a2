from django.contrib import admin

from accounts.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "province", "district", "commune")
    list_filter = ("role", "province", "district")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user", "province", "district", "commune")
    list_select_related = ("user", "province", "district", "commune")
