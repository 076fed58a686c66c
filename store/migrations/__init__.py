"""Schema migrations, applied in numeric order by :func:`store.schema.init_schema`.

Each ``NNNN_name.py`` defines ``up(migrator, db)`` (playhouse.migrations). A new database gets
the current tables directly and every migration is recorded as applied; an existing one runs
the migrations it has not seen. A migration that creates a table declares a frozen copy of it
(never imports the live models), so later changes to the models do not rewrite history.
"""
