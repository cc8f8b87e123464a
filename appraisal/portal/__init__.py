"""The web portal: the staff dashboard and the reviewers' inbox (FastAPI, server-rendered)."""
