"""Running the service: the schema's registry, migrations, health and metrics endpoints."""
