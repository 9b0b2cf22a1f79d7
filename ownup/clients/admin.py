from django.contrib import admin

from .models import Client, Contact, TeamMember


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    exclude = ["workspace"]


class TeamInline(admin.TabularInline):
    model = TeamMember
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "status", "client_since", "archived_at"]
    list_filter = ["status", "workspace"]
    search_fields = ["name"]
    inlines = [ContactInline, TeamInline]
