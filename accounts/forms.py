"""The password change form under the sign-in limits."""

from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, checking the old password through authenticate(): a wrong old password
    counts as a failed sign-in, and a locked client is refused whatever it types (the
    middleware then shows the "too many attempts" page)."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class AdminPasswordChangeForm(PasswordChangeForm):
    """The admin's "change my password" form (django.contrib.admin's, with the check above)."""

    required_css_class = "required"
