"""The admin of history events, tasks and their categories."""
