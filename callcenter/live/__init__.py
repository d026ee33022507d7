"""What happens now, for the console: an in-process publish/subscribe of live changes.

* ``notifier.LiveNotifier`` — thread-safe pub/sub; ``publish(kind, payload)`` never blocks
  the publisher (the controller's event loop): each subscriber has a bounded queue that
  drops its oldest entry, and counts the drop, when the subscriber does not keep up.
* ``call_payload`` — a call as the live board shows it (phase: ivr, queue, ringing, talking).
* ``queue_stats`` — the wallboard's figures (pure).
* ``controller_link.LiveLink`` — feeds the notifier from the controller, and carries commands
  the console sends back to Asterisk (ChanSpy) onto the controller's event loop.
"""

from callcenter.live.notifier import LiveEvent, LiveNotifier, Subscription

__all__ = ["LiveEvent", "LiveNotifier", "Subscription"]
