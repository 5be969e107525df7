"""The server's database: models, engine, migrations."""
