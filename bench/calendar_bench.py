"""Deadline arithmetic per call (the profile of the scale generator found it was the hot path).

.venv/bin/python manage.py shell -c "exec(open('bench/calendar_bench.py').read())"
"""

import datetime
import timeit

from apps.workdays import calendar as c
from apps.workorders import deadlines
from apps.workorders.models import Category

cal = c.default_calendar()
start = datetime.datetime(2026, 9, 28, 9, tzinfo=datetime.UTC)
cat = Category.objects.get(code="sanitation")
lim = cat.stage_limits
n = 20000
t = timeit.timeit(lambda: c.add_working_days(datetime.date(2026, 9, 28), 5, cal), number=n)
print(f"add_working_days(5): {t / n * 1e6:.1f} us/call")
t = timeit.timeit(
    lambda: deadlines.stage_times(start=start, limit=lim.resolve, level="community", cal=cal), number=n
)
print(f"stage_times(resolve 3 working days): {t / n * 1e6:.1f} us/call")
