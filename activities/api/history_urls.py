"""Filled in by the deal life-cycle work (issue 11)."""

urlpatterns = []
