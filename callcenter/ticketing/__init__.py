"""Tickets on storage: the pure rules of ``callcenter.tickets`` applied to the database.

- ``rules``: the desk's calendar, SLA policy, categories and 回访 policy from the settings;
- ``service``: ticket lifecycle (each operation writes the ticket and its audit rows in the
  caller's transaction); ``call_intake``: customers and tickets from calls, voicemails,
  callback requests and transcripts; ``registers``: complaints and 回访;
  ``escalation``: the periodic SLA check; ``attendance``: roster against the agent timeline;
  ``search``, ``reports``; ``cli`` (``callcenter tickets``) and ``feature`` (controller).
"""
