"""The bare Reflex app the load benchmark measures beside InstaInstru: the framework's floor on this machine."""

import reflex as rx

config = rx.Config(app_name="bare_app", telemetry_enabled=False, show_built_with_reflex=False, plugins=[])
