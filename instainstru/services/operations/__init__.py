"""Running the app: the health check of the parts it needs (`health`) and the jobs timer's last run it reads."""
