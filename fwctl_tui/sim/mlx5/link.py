"""The port's link: administrative state, injected link loss, and why each drop happened.

The link is up while the port is administratively up and nothing broke it. An
administrator taking the port down (PAOS admin_status down) is an intentional drop owned by
the local side; the PHY is disabled. A link loss (cable pulled, peer down:
`FaultPlan.link_loss`) is unintentional, blamed on the side that failed, and leaves admin
up with the PHY polling for its partner until the loss is restored. Every drop is counted
by cause, and the last one is remembered for PDDR's link-down page.

Time only counts while the link is up, starting from the link-up seconds accumulated before
the model started (the link came up shortly after boot), so counters built on it already
hold the traffic of the card's uptime at the first read.
"""

from __future__ import annotations

from dataclasses import dataclass

BLAME_LOCAL, BLAME_REMOTE, BLAME_UNKNOWN = "local", "remote", "unknown"
BLAMES = (BLAME_LOCAL, BLAME_REMOTE, BLAME_UNKNOWN)


@dataclass(frozen=True)
class LinkDown:
    """One drop of the link: when (model seconds), whether on purpose, and whose side."""

    at: float
    intentional: bool
    blame: str  # local | remote | unknown


class LinkState:
    """Admin state, an active link loss, link-up seconds and link-down events by cause."""

    def __init__(self, now: float, up_before: float = 0.0) -> None:
        self.admin_up = True
        self.loss: str | None = None  # blame of the link loss in effect, if any
        self.up = True
        self.since = now
        self.accumulated = max(0.0, up_before)  # link-up seconds before the model started
        self.down_events = 0
        self.intentional_downs = 0
        self.last_down: LinkDown | None = None

    @property
    def unintentional_downs(self) -> int:
        return self.down_events - self.intentional_downs

    @property
    def polling(self) -> bool:
        """Down but administratively up: the PHY keeps looking for its partner."""
        return not self.up and self.admin_up

    def down_counts(self) -> dict[str, int]:
        """Link-down events so far, by counter kind (see traffic.classify)."""
        return {"link_down": self.down_events, "link_down_intentional": self.intentional_downs,
                "link_down_unintentional": self.unintentional_downs}

    def set_admin(self, up: bool, now: float) -> None:
        """PAOS admin_status: down is an intentional drop of the local side."""
        self.admin_up = up
        self._settle(now, LinkDown(now, intentional=True, blame=BLAME_LOCAL))

    def lose(self, blame: str, now: float) -> None:
        """The link breaks without anyone asking (cable, module, peer)."""
        if blame not in BLAMES:
            raise ValueError(f"blame {blame!r}: one of {', '.join(BLAMES)}")
        self.loss = blame
        self._settle(now, LinkDown(now, intentional=False, blame=blame))

    def restore(self, now: float) -> None:
        """The cause of a link loss is gone; the link comes back if admin is up."""
        self.loss = None
        self._settle(now, None)

    def _settle(self, now: float, cause: LinkDown | None) -> None:
        up = self.admin_up and self.loss is None
        if up == self.up:
            return
        if self.up:
            self.accumulated += max(0.0, now - self.since)
            self.down_events += 1
            if cause is not None:
                self.intentional_downs += cause.intentional
                self.last_down = cause
        self.up, self.since = up, now

    def up_seconds(self, now: float) -> float:
        return self.accumulated + (max(0.0, now - self.since) if self.up else 0.0)
