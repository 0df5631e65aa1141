from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "apps.party"
    label = "party"
    verbose_name = "党建"
