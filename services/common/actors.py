"""Who acts: a member or committee person by id, or another service by `service:<name>`.

Services read across branches on their own behalf (notify scans due items, appraisal measures a
member). Only RPC carries such an actor: the gateway takes the actor from the caller's token and
never from the request, so no client can present itself as a service.
"""

SERVICE_PREFIX = "service:"


def service_actor(name: str) -> str:
    return f"{SERVICE_PREFIX}{name}"


def is_service(actor_id: str) -> bool:
    return actor_id.startswith(SERVICE_PREFIX)
