from django.contrib import admin

from accounts.models import Membership, NotificationPreference, SentNotification


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "province", "district", "commune")
    list_filter = ("role", "province", "district")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user", "province", "district", "commune")
    list_select_related = ("user", "province", "district", "commune")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email")
    list_filter = ("email",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
    list_select_related = ("user",)


@admin.register(SentNotification)
class SentNotificationAdmin(admin.ModelAdmin):
    """The log of mails sent (accounts.notifications), read only: it is what keeps a retried
    task from sending a mail twice."""

    list_display = ("sent_at", "event", "user")
    search_fields = ("event", "user__username", "user__email")
    list_select_related = ("user",)
    date_hierarchy = "sent_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
