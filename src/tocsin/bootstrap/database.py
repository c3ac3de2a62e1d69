"""The database tools that entrypoints use directly (schema migrations, backups, the job store),
handed out by the composition root so that web, cli and worker never import adapters."""

from tocsin.adapters.db import migrate
from tocsin.adapters.db.backup import BackupError, backup
from tocsin.adapters.db.jobs import JobStore

__all__ = ["BackupError", "JobStore", "backup", "migrate"]
