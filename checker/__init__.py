"""Independent invariant checker of a campaign day.

Written apart from the code it checks: it reads only the database (plain SQL on
table and column names) and the PBX simulator's dial log, and re-implements the
rules of the domain brief itself. It imports nothing of the dialer, so a bug in
the dialer's rules cannot hide the same bug here.
"""

from checker.report import Breach, CheckReport
from checker.run import check_day

__all__ = ["Breach", "CheckReport", "check_day"]
