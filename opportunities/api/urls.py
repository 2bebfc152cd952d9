from django.urls import include, path

urlpatterns = [
    # Stages, custom fields and tags: literal `opportunity/stage…`, `opportunity/customfield…`,
    # `opportunity/tag…` routes match before the opportunity routes.
    path("", include("opportunities.api.list_item_urls")),
    path("", include("opportunities.api.opportunity_urls")),
    # contact-opportunity links, `contact/filter` included (they read opportunities)
    path("", include("opportunities.api.contact_link_urls")),
]
