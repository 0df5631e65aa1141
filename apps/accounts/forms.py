"""The login forms (site and admin): the lockout's Chinese message instead of the generic one."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from apps.accounts import lockout


class LockoutMessageMixin:
    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            seconds = lockout.locked_seconds(username, self.request)
            if seconds > 0:
                raise forms.ValidationError(lockout.lockout_message(seconds), code="locked")
        cleaned = super().clean()
        return cleaned

    def get_invalid_login_error(self):
        username = self.cleaned_data.get("username") or ""
        seconds = lockout.locked_seconds(username, self.request)
        if seconds > 0:  # this failure reached the limit
            return forms.ValidationError(lockout.lockout_message(seconds), code="locked")
        return forms.ValidationError("用户名或密码不正确，请重新输入。", code="invalid_login")


class LoginForm(LockoutMessageMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass
