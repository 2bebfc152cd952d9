"""The pages of a deal's life: the timeline's actions, My tasks."""

urlpatterns = []
