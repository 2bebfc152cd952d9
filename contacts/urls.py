from django.urls import path

from contacts import views

# The contact page shows the contact's deals: opportunities/people_urls.py routes it.

urlpatterns = [
    path("", views.contact_list, name="contact_list"),
    path("new/", views.contact_new, name="contact_create"),
    path("<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/delete/", views.contact_remove, name="contact_delete"),
]
