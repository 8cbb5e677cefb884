"""Test hooks: behaviour that is not ECS's own but that real AWS accounts see, switched
on per resource by a test through a control endpoint, like /ecs-reconciler/reset.
Nothing here changes how the emulator answers until a test arms a hook; reset disarms
every hook.

FIGHTER - "another tool fighting": a second controller, a script on a timer or a
console user that sets a field back after every change the controller makes. Real AWS
sees this whenever two tools own one service; ECS itself never reverts an
UpdateService. Armed by

  POST /ecs-reconciler/test-hooks/fighter
       {"region": "us-east-1", "cluster": "prod", "service": "web",
        "field": "desiredCount", "value": 5}

after which every UpdateService of that service is answered as ECS answers it and then
the field is set back to `value` (what DescribeServices shows from then on), as if the
other tool had run right after. `DELETE` on the same path disarms every fighter.

HOLD - "a rollout that takes its time": a real ECS rollout takes minutes (image pulls,
health checks, draining), the emulator's ECS_EMULATOR_ROLLOUT_SECONDS (1 s in the tests);
a test that needs a rollout still under way at its next call, on a machine busy enough
that a second can pass between two calls, holds that service's rollouts. Armed by

  POST /ecs-reconciler/test-hooks/hold
       {"region": "us-east-1", "cluster": "batch", "service": "worker"}

after which the service's deployments do not move (its tasks stay PENDING, a new
deployment stays IN_PROGRESS) until `DELETE` on the same path releases every hold; from
then on they move as ECS_EMULATOR_ROLLOUT_SECONDS says, counted from their start.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from moto.core.responses import ActionResult
from moto.ecs.responses import EC2ContainerServiceResponse as R

# field name in the API -> moto's Service attribute
_FIELDS = {"desiredCount": "desired_count", "enableExecuteCommand": "enable_execute_command"}

_lock = threading.Lock()
_fighters: dict[tuple[str, str, str], tuple[str, Any]] = {}
_holds: set[tuple[str, str, str]] = set()
_installed = False


def _cluster_name(value: str) -> str:
    return value.rsplit("/", 1)[-1] if value.startswith("arn:") else value


def arm_fighter(spec: dict[str, Any]) -> dict[str, Any]:
    field = spec.get("field")
    if field not in _FIELDS:
        raise ValueError(f"field must be one of {sorted(_FIELDS)}, got {field!r}")
    key = (str(spec["region"]), _cluster_name(str(spec["cluster"])), str(spec["service"]))
    with _lock:
        _fighters[key] = (field, spec.get("value"))
    return {"armed": list(key), "field": field}


def arm_hold(spec: dict[str, Any]) -> dict[str, Any]:
    key = (str(spec["region"]), _cluster_name(str(spec["cluster"])), str(spec["service"]))
    with _lock:
        _holds.add(key)
    return {"held": list(key)}


def release_holds() -> int:
    with _lock:
        n = len(_holds)
        _holds.clear()
    return n


def disarm_all() -> int:
    with _lock:
        n = len(_fighters)
        _fighters.clear()
    return n + release_holds()


def install() -> str:
    """Wrap UpdateService once (after the ECS gap extensions, so it wraps them too)."""
    global _installed
    if _installed:
        return "test hooks installed"
    original: Callable[[R], ActionResult] = R.update_service

    def update_service(self: R) -> ActionResult:
        result = original(self)
        key = (self.region, _cluster_name(self._get_param("cluster", "default")), _cluster_name(self._get_param("service")))
        with _lock:
            fighter = _fighters.get(key)
        if fighter is not None:
            field, value = fighter
            svc = result.result["service"]  # type: ignore[index]
            setattr(svc, _FIELDS[field], value)
            if field == "desiredCount":
                for dep in svc.deployments or []:
                    if dep.get("status") == "PRIMARY":
                        dep["desiredCount"] = value
        return result

    update_service.__name__ = "update_service"
    R.update_service = update_service  # type: ignore[method-assign]

    # every read or change of a service moves its rollouts through this module global
    # (deployments.py calls it by name), so a held service is simply not moved
    import deployments

    advance_service = deployments.advance_service

    def held_or_advanced(backend: Any, svc: Any, now: float | None = None) -> None:
        key = (svc.region_name, _cluster_name(svc.cluster_arn), svc.name)
        with _lock:
            held = key in _holds
        if not held:
            advance_service(backend, svc, now)

    deployments.advance_service = held_or_advanced  # type: ignore[assignment]
    _installed = True
    return "test hooks installed (fighter, hold: inert until armed)"
