"""What is due for one client, on the client page's first screen: My work, for that client."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from indicators import access
from indicators.mywork import selectors as mywork
from outreach.clientpage import client_section

if TYPE_CHECKING:
    from django.http import HttpRequest

    from outreach.models import Client


@client_section("due", order=10, template="indicators/mywork/_client_due.html")
def client_due(request: HttpRequest, client: Client, today: date) -> dict[str, Any] | None:
    """The items of every My work source for the client, as the user's list would show them.

    The same rules as My work (a worker is asked for their own signature; a supervisor sees
    whose is missing). None under an emergency grant or for a role without My work.
    """
    user = request.user
    if getattr(client, "emergency_access", None) or not access.has_my_work(user):
        return None
    tandems = [client.tandem] if client.tandem_id and client.tandem.ended_on is None else []
    own = bool(tandems) and user.pk in client.tandem.member_ids()
    scope = mywork.work_scope(user=user, tandems=tandems, own=own, today=today)
    scope = replace(scope, clients=scope.clients.filter(pk=client.pk))
    work = mywork.my_work(scope)
    items = [item for item in work.items if item.client.pk == client.pk]
    return {"items": items, "today": today}
