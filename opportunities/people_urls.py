"""The URLs of the contact page and the people pages (`people_views.py`), unchanged: the
project's URLconf routes them here, after `accounts.urls` and `contacts.urls`."""

from django.urls import path

from opportunities import people_views

urlpatterns = [
    path("accounts/me/", people_views.account, name="account"),
    path("accounts/people/<uuid:user_uuid>/", people_views.person, name="person"),
    path("contacts/<int:pk>/", people_views.contact_detail, name="contact_detail"),
]
