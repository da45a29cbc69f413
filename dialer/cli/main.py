"""The ``dialer`` command line: one sub-command per job an operator does.

Each ``*_cmd`` module defines its commands (functions or a Typer sub-app) and knows
nothing of this one; they are all registered here, in one place.
"""

from __future__ import annotations

import typer

from dialer.cli import (
    db_cmd,
    explain_cmd,
    feed_cmd,
    import_cmd,
    pbx_cmd,
    prestart_cmd,
    privacy_cmd,
    serve_cmd,
    setup_cmd,
    typer_fr,
    wave_cmd,
    worker_cmd,
)

typer_fr.install()

app = typer.Typer(help="Numéroteur de campagnes d'appels sortants.", no_args_is_help=True)
app.add_typer(db_cmd.db_app, name="db")
app.command("explain")(explain_cmd.explain)
app.add_typer(feed_cmd.feed_app, name="feed")
app.command("import")(import_cmd.import_file)
app.add_typer(pbx_cmd.pbx_app, name="pbx")
app.add_typer(privacy_cmd.audit_app, name="audit")
app.add_typer(privacy_cmd.keys_app, name="keys")
app.add_typer(privacy_cmd.retention_app, name="retention")
app.add_typer(privacy_cmd.rights_app, name="rights")
app.command("prestart")(prestart_cmd.prestart)
app.command("serve")(serve_cmd.serve)
app.command("sim-pbx")(serve_cmd.sim_pbx)
app.add_typer(setup_cmd.fund_app, name="fund")
app.add_typer(setup_cmd.campaign_app, name="campaign")
app.add_typer(setup_cmd.user_app, name="user")
app.add_typer(wave_cmd.wave_app, name="wave")
app.command("worker")(worker_cmd.worker)
