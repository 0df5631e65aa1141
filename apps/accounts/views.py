from django.conf import settings
from django.contrib.auth import views as auth_views

from apps.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    """The login page; on a development machine it also names the demo accounts. Failed logins
    are throttled and locked out (apps/accounts/lockout.py)."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEBUG or settings.DEMO_MODE:
            from apps.accounts.demo import demo_logins

            context["demo_logins"] = [username for username, _, _ in demo_logins()]
        return context
