"""The pages of a user's own account."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import NotificationPreferenceForm
from accounts.models import NotificationPreference


@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Whether the signed-in user receives the workflow's mail (accounts/notifications.py).
    Everyone signed in edits their own preference, and only theirs."""
    preference = NotificationPreference.objects.filter(user=request.user).first()
    preference = preference or NotificationPreference(user=request.user)
    # An unticked box posts nothing: the form is bound whenever the method is POST.
    data = request.POST if request.method == "POST" else None
    form = NotificationPreferenceForm(data, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu tùy chọn thông báo."))
        return redirect("accounts:notification_settings")
    ctx = {"form": form, "email": request.user.email}
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/notification_settings.html", ctx, status=status)
