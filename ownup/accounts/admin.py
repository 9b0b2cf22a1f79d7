from django.contrib import admin

from .forms import ThrottledAdminAuthenticationForm
from .models import ApiToken, Membership, Profile, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "timezone", "work_start", "work_end", "work_days"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "workspace", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]


# /admin/login/ signs in through the same throttled backend; this form says when it is locked.
admin.site.login_form = ThrottledAdminAuthenticationForm
