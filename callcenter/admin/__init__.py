"""What admins change from the console: agents' SIP accounts, queue settings, the IVR menu,
business hours and holidays (see docs/admin.md). Kept in the state folder, read by
``load_settings`` and applied to a running Asterisk without a restart."""
