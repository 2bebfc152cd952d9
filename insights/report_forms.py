"""The reports' filters: the board's form (responsible, contact, tag, private only, search)
plus the date range, all kept in the query string."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone

from insights.report_selectors import ReportRange
from opportunities.board_forms import BoardFilterForm

DEFAULT_DAYS = 90
# the longest range a page shows (ten years: 120 months)
MAX_DAYS = 3660
EARLIEST = date(1900, 1, 1)
LATEST = date(9998, 12, 31)


def default_range(today: date | None = None) -> ReportRange:
    """The last 90 days, today included."""
    today = today or timezone.localdate()
    return ReportRange(today - timedelta(days=DEFAULT_DAYS - 1), today)


class ReportFilterForm(BoardFilterForm):
    """A value that does not fit (a bad date, a range backwards or longer than ten years) is
    named on the form and the default range is used."""

    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        # a view option of the board and a flag that moves with the clock: not report filters
        del self.fields["closed"]
        del self.fields["attention"]

    def clean(self):
        cleaned = super().clean()
        default = default_range()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        for name, value in (("date_from", start), ("date_to", end)):
            if value is not None and not EARLIEST <= value <= LATEST:
                self.add_error(name, "Choose a date between 1900 and 9998.")
                return cleaned
        if start is None and end is None:
            start, end = default.date_from, default.date_to
        elif start is None:
            start = end - timedelta(days=DEFAULT_DAYS - 1)
        elif end is None:
            end = max(start, default.date_to)
        if start > end:
            self.add_error("date_to", "The end of the range comes before its start.")
        elif (end - start).days >= MAX_DAYS:
            self.add_error("date_to", "A report covers at most ten years.")
        else:
            cleaned["span"] = ReportRange(start, end)
        return cleaned

    def to_span(self) -> ReportRange:
        """The range asked for, or the default one when it does not fit."""
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("span") or default_range()
