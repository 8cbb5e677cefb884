"""Start-up extensions that make moto 5.2.5 roll services out as Amazon ECS documents it.

moto answers every CreateService / UpdateService with one PRIMARY deployment whose state
never moves, starts no tasks for a service, and has no notion of a failing container,
of the deployment circuit breaker, of CODE_DEPLOY services or of CodeDeploy ECS
deployments. This module simulates them, each as a named extension (see `apply()`), so
that tests exercise a rollout as ECS runs it. The reference is the ECS API reference:

  - Deployment (data type): "When a service deployment is started, it begins in an
    IN_PROGRESS state. When the service reaches a steady state, the deployment
    transitions to a COMPLETED state. If the service fails to reach a steady state and
    circuit breaker is turned on, the deployment transitions to a FAILED state. A
    deployment in FAILED state doesn't launch any new tasks." status: "PRIMARY: The
    most recent deployment of a service. ACTIVE: A service deployment that still has
    running tasks, but are in the process of being replaced with a new PRIMARY
    deployment. INACTIVE: A deployment that has been completely replaced."
  - DeploymentCircuitBreaker: "If rollback is enabled, when a service deployment fails,
    the service is rolled back to the last deployment that completed successfully."
    The failure threshold (developer guide, "How the Amazon ECS deployment circuit
    breaker detects failures"): 0.5 x desired count, at least 3, at most 200 failed tasks.
  - Task (data type) lastStatus / desiredStatus, stopCode (TaskFailedToStart |
    EssentialContainerExited | UserInitiated | ServiceSchedulerInitiated | ...),
    stoppedReason, startedAt / stoppingAt / stoppedAt; the task lifecycle
    (developer guide, "Amazon ECS task lifecycle"): PENDING -> RUNNING -> STOPPING ->
    STOPPED. Tasks of a service have group "service:NAME" and startedBy the deployment id.
  - ListTasks.serviceName: "The name of the service to use when filtering the ListTasks
    results. Specifying a serviceName limits the results to tasks that belong to that
    service." desiredStatus: "The default status filter is RUNNING" (for service tasks;
    moto ignores serviceName altogether).

Time: a deployment's tasks leave PENDING after half the rollout time and the deployment
is COMPLETED after the rollout time, ECS_EMULATOR_ROLLOUT_SECONDS (default 3; may be a
fraction). State is advanced lazily, from the monotonic clock, whenever a call reads or
changes a service (no background thread, so a reset needs nothing extra).

A container image whose tag ends in `-crashloop` never becomes healthy: its tasks go
PENDING -> STOPPED (stopCode EssentialContainerExited, "Essential container in task
exited"), and ECS starts replacements, one batch each half rollout time.

Written against moto==5.2.5 (the wrapped methods are moto internals).
"""

from __future__ import annotations

import copy
import json
import math
import os
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import moto
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend, Service, Task, TaskDefinition
from moto.ecs.responses import EC2ContainerServiceResponse as R

MOTO_VERSION = "5.2.5"
CRASHLOOP_SUFFIX = "-crashloop"
# Stopped tasks of one deployment kept visible (ECS shows stopped tasks for a while; a
# crash-looping service without a circuit breaker would otherwise grow without bound).
KEEP_STOPPED_PER_DEPLOYMENT = 20

_lock = threading.RLock()


def rollout_seconds() -> float:
    raw = os.environ.get("ECS_EMULATOR_ROLLOUT_SECONDS", "3")
    try:
        value = float(raw)
    except ValueError:
        raise RuntimeError(f"ECS_EMULATOR_ROLLOUT_SECONDS must be a number of seconds, got {raw!r}")
    if value < 0:
        raise RuntimeError(f"ECS_EMULATOR_ROLLOUT_SECONDS must be >= 0, got {raw!r}")
    return value


def _wall(mono: float) -> datetime:
    """The wall-clock time of a monotonic instant (for createdAt, stoppedAt, ...)."""
    return utcnow() - timedelta(seconds=time.monotonic() - mono)


def _wrap(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    original = getattr(R, name)

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        def method(self: R) -> Any:
            return fn(self, original)

        method.__name__ = name
        setattr(R, name, method)
        return fn

    return deco


def is_crashloop(td: TaskDefinition) -> bool:
    """True when an essential container's image tag ends in -crashloop."""
    for cd in td.container_definitions:
        image = str(cd.get("image") or "")
        tag = image.rsplit("/", 1)[-1].split("@", 1)[0]
        if ":" in tag and tag.rsplit(":", 1)[1].endswith(CRASHLOOP_SUFFIX) and cd.get("essential", True):
            return True
    return False


def circuit_breaker_threshold(desired: int) -> int:
    # developer guide, deployment circuit breaker: failure threshold = 0.5 x desired
    # count (rounded up), with a minimum of 3 and a maximum of 200
    return min(200, max(3, math.ceil(desired * 0.5)))


# ---------------------------------------------------------------------------
# the simulation state, kept on moto's Service object


class Rollout:
    """What the simulation knows of one ECS deployment (moto keeps its dict)."""

    def __init__(self, dep: dict[str, Any], td: TaskDefinition, started: float, reason: str | None = None):
        self.dep = dep
        self.id: str = dep["id"]
        self.td = td
        self.crash = is_crashloop(td)
        self.started = started
        self.tasks: list[Task] = []
        self.failed = 0
        self.rollback_of: str | None = reason


def _sim(svc: Service) -> dict[str, Any]:
    sim = getattr(svc, "_rollout_sim", None)
    if sim is None:
        sim = {"rollouts": {}}
        svc._rollout_sim = sim  # type: ignore[attr-defined]
    return sim


def _rollouts(svc: Service) -> dict[str, Rollout]:
    return _sim(svc)["rollouts"]


def _event(svc: Service, message: str, at: float) -> None:
    # Service.events: newest first (DescribeServices shows the most recent 100)
    import uuid

    svc.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": _wall(at), "message": message})
    del svc.events[100:]


def _new_deployment_id() -> str:
    import random

    return f"ecs-svc/{random.randint(10**18, 10**19 - 1)}"


def _start_tasks(backend: EC2ContainerServiceBackend, svc: Service, ro: Rollout, count: int, at: float) -> None:
    cluster = backend._get_cluster(svc.cluster_name)
    dep = ro.dep
    nc = svc.network_configuration or None
    if ro.td.network_mode == "awsvpc" and nc and not nc.get("awsvpcConfiguration", {}).get("securityGroups"):
        nc = copy.deepcopy(nc)
        from moto.ec2.models import ec2_backends

        ec2 = ec2_backends[backend.account_id][backend.region_name]
        try:
            vpc_id = ec2.get_subnet(nc["awsvpcConfiguration"]["subnets"][0]).vpc_id
            nc["awsvpcConfiguration"]["securityGroups"] = [ec2.get_default_security_group(vpc_id).id]
        except Exception:  # noqa: BLE001 - no ENI then; the task still exists
            nc = None
    for _ in range(count):
        try:
            task = Task(
                cluster,
                ro.td,
                None,
                backend._calculate_task_resource_requirements(ro.td),
                backend=backend,
                group=f"service:{svc.name}",
                launch_type=dep.get("launchType") or svc.launch_type or "",
                started_by=ro.id,
                networking_configuration=nc if ro.td.network_mode == "awsvpc" else None,
                platform_version=svc.platform_version,
                capacity_provider_name=(dep.get("capacityProviderStrategy") or [{}])[0].get("capacityProvider"),
            )
        except InvalidParameterException:
            # awsvpc without a network configuration: ECS refuses such a service at
            # CreateService already; nothing to place here
            return
        task._transitions = []  # this module moves the task's state, not moto's ManagedState
        task.last_status = "PENDING"
        task.desired_status = "RUNNING"
        task.created_at = _wall(at)
        task._sim_created = at
        task.health_status = "UNKNOWN"
        for c in task.containers:
            c.last_status = "PENDING"
        backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
        ro.tasks.append(task)


def _stop_task(task: Task, at: float, code: str, reason: str, *, exit_code: int | None = None, stopping_only: bool = False) -> None:
    task.desired_status = "STOPPED"
    if getattr(task, "stopping_at", None) is None:
        task.stopping_at = _wall(at)
    task.stop_code = code
    task.stopped_reason = reason
    if stopping_only:
        task.last_status = "STOPPING"
        task._sim_stop_at = at
        return
    task.last_status = "STOPPED"
    task.stopped_at = _wall(at)
    task.execution_stopped_at = task.stopped_at
    for c in task.containers:
        c.last_status = "STOPPED"
        if exit_code is not None:
            c.exitCode = exit_code
            c.reason = reason


def _live_tasks(ro: Rollout) -> list[Task]:
    return [t for t in ro.tasks if t.desired_status == "RUNNING"]


def _prune(backend: EC2ContainerServiceBackend, svc: Service, ro: Rollout) -> None:
    stopped = [t for t in ro.tasks if t.last_status == "STOPPED"]
    for t in stopped[:-KEEP_STOPPED_PER_DEPLOYMENT]:
        ro.tasks.remove(t)
        backend.tasks.get(svc.cluster_name, {}).pop(t.task_arn, None)


def _primary(svc: Service) -> dict[str, Any] | None:
    return next((d for d in svc.deployments if d.get("status") == "PRIMARY"), None)


def begin_deployment(backend: EC2ContainerServiceBackend, svc: Service, at: float, rollback_to: str | None = None) -> Rollout:
    """A new PRIMARY deployment of svc.task_definition; the previous PRIMARY becomes ACTIVE."""
    td = backend.describe_task_definition(svc.task_definition)
    old = _primary(svc)
    now = _wall(at)
    dep: dict[str, Any] = copy.deepcopy({k: v for k, v in (old or {}).items()})
    dep.update(
        {
            "id": _new_deployment_id(),
            "status": "PRIMARY",
            "taskDefinition": td.arn,
            "desiredCount": svc.desired_count,
            "pendingCount": 0,
            "runningCount": 0,
            "failedTasks": 0,
            "createdAt": now,
            "updatedAt": now,
            "rolloutState": "IN_PROGRESS",
        }
    )
    dep["rolloutStateReason"] = (
        f"ECS deployment circuit breaker: rolling back to deploymentId {rollback_to}."
        if rollback_to
        else f"ECS deployment {dep['id']} in progress."
    )
    if old is not None:
        old["status"] = "ACTIVE"
        old["updatedAt"] = now
    svc.deployments.insert(0, dep)
    ro = Rollout(dep, td, at, rollback_to)
    _rollouts(svc)[ro.id] = ro
    _start_tasks(backend, svc, ro, svc.desired_count, at)
    return ro


def adopt_first_deployment(backend: EC2ContainerServiceBackend, svc: Service, at: float) -> None:
    """CreateService: moto made the PRIMARY deployment; ECS starts its tasks."""
    dep = _primary(svc)
    if dep is None or not svc.task_definition:
        return
    td = backend.describe_task_definition(svc.task_definition)
    dep["rolloutState"] = "IN_PROGRESS"
    dep["rolloutStateReason"] = f"ECS deployment {dep['id']} in progress."
    dep["runningCount"] = 0
    dep["pendingCount"] = 0
    svc.running_count = 0
    svc.pending_count = 0
    ro = Rollout(dep, td, at)
    _rollouts(svc)[ro.id] = ro
    _start_tasks(backend, svc, ro, svc.desired_count, at)


def _advance_rollout(backend: EC2ContainerServiceBackend, svc: Service, ro: Rollout, now: float) -> bool:
    """Move one deployment along to `now`; True when something changed that may move others."""
    dep = ro.dep
    total = rollout_seconds()
    half = total / 2
    cfg = getattr(svc, "deployment_configuration", None) or {}
    breaker = cfg.get("deploymentCircuitBreaker") or {}
    changed = False
    if dep.get("rolloutState") == "FAILED" and dep.get("status") != "PRIMARY":
        return False
    # tasks due to leave PENDING
    for task in list(_live_tasks(ro)):
        due = task._sim_created + half
        if task.last_status != "PENDING" or now < due:
            continue
        changed = True
        if ro.crash:
            task.pull_started_at = _wall(task._sim_created)
            _stop_task(task, due, "EssentialContainerExited", "Essential container in task exited", exit_code=1)
            ro.failed += 1
            dep["failedTasks"] = ro.failed
            threshold = circuit_breaker_threshold(dep.get("desiredCount", svc.desired_count))
            if breaker.get("enable") and dep.get("rolloutState") == "IN_PROGRESS" and ro.failed >= threshold:
                _fail(backend, svc, ro, due, bool(breaker.get("rollback")))
            elif dep.get("rolloutState") == "IN_PROGRESS" and dep.get("status") == "PRIMARY":
                # ECS keeps trying: a replacement task for the one that exited
                _start_tasks(backend, svc, ro, 1, due)
        else:
            task.last_status = "RUNNING"
            task.pull_started_at = _wall(task._sim_created)
            task.pull_stopped_at = _wall(due)
            task.started_at = _wall(due)
            task.connectivity = "CONNECTED"
            task.connectivity_at = _wall(due)
            task.health_status = "UNKNOWN"
            for c in task.containers:
                c.last_status = "RUNNING"
    # STOPPING tasks finish stopping after half the rollout time
    for task in ro.tasks:
        stop_at = getattr(task, "_sim_stop_at", None)
        if task.last_status == "STOPPING" and stop_at is not None and now >= stop_at + half:
            _stop_task(task, stop_at + half, task.stop_code, task.stopped_reason)
            changed = True
    # the new PRIMARY's tasks all run: the older deployments' tasks are replaced
    if dep.get("status") == "PRIMARY" and not ro.crash:
        live = _live_tasks(ro)
        if len(live) >= dep.get("desiredCount", 0) and all(t.last_status == "RUNNING" for t in live):
            ran_at = max([t._sim_created + half for t in live] + [ro.started])
            for other in list(_rollouts(svc).values()):
                if other is ro:
                    continue
                for t in _live_tasks(other):
                    _stop_task(t, ran_at, "ServiceSchedulerInitiated", f"Scaling activity initiated by (deployment {ro.id})", stopping_only=True)
                    changed = True
            done_at = max(ro.started + total, ran_at)
            if dep.get("rolloutState") == "IN_PROGRESS" and now >= done_at:
                dep["rolloutState"] = "COMPLETED"
                dep["rolloutStateReason"] = f"ECS deployment {ro.id} completed."
                dep["updatedAt"] = _wall(done_at)
                for other_dep in [d for d in svc.deployments if d is not dep]:
                    svc.deployments.remove(other_dep)  # INACTIVE: no longer reported
                for other in [o for o in _rollouts(svc).values() if o is not ro]:
                    for t in other.tasks:
                        if t.desired_status == "RUNNING" or t.last_status == "STOPPING":
                            _stop_task(t, done_at, t.stop_code or "ServiceSchedulerInitiated", t.stopped_reason or f"Scaling activity initiated by (deployment {ro.id})")
                    other.dep["status"] = "INACTIVE"
                _event(svc, f"(service {svc.name}) (deployment {ro.id}) deployment completed.", done_at)
                _event(svc, f"(service {svc.name}) has reached a steady state.", done_at)
                changed = True
    _prune(backend, svc, ro)
    return changed


def _fail(backend: EC2ContainerServiceBackend, svc: Service, ro: Rollout, at: float, rollback: bool) -> None:
    dep = ro.dep
    dep["rolloutState"] = "FAILED"
    dep["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
    dep["updatedAt"] = _wall(at)
    for t in _live_tasks(ro):
        _stop_task(t, at, "ServiceSchedulerInitiated", f"Scaling activity initiated by (deployment {ro.id})", stopping_only=True)
    _event(svc, f"(service {svc.name}) (deployment {ro.id}) deployment failed: tasks failed to start.", at)
    if not rollback:
        return
    # "rolled back to the last deployment that completed successfully": the newest
    # older deployment that is not itself a failed one
    previous = next(
        (o for o in sorted(_rollouts(svc).values(), key=lambda o: o.started, reverse=True)
         if o is not ro and o.dep.get("rolloutState") != "FAILED" and o.dep.get("status") != "INACTIVE"),
        None,
    )
    if previous is None:
        return
    svc.task_definition = previous.td.arn
    _event(svc, f"(service {svc.name}) rolling back to deployment {previous.id}.", at)
    begin_deployment(backend, svc, at, rollback_to=previous.id)


def advance_service(backend: EC2ContainerServiceBackend, svc: Service, now: float | None = None) -> None:
    if svc.deployment_controller.get("type", "ECS") != "ECS":
        advance_code_deploy_service(backend, svc, now)
        _track(backend, svc)
        return
    now = time.monotonic() if now is None else now
    with _lock:
        for _ in range(1000):  # until nothing moves (a rollback starts a new deployment)
            moved = False
            for ro in sorted(_rollouts(svc).values(), key=lambda o: o.started):
                if ro.dep in svc.deployments or ro.dep.get("status") == "INACTIVE":
                    moved = _advance_rollout(backend, svc, ro, now) or moved
            if not moved:
                break
        _recount(svc)
        _track(backend, svc)


def _recount(svc: Service) -> None:
    running = pending = 0
    for ro in _rollouts(svc).values():
        r = sum(1 for t in ro.tasks if t.last_status == "RUNNING")
        p = sum(1 for t in ro.tasks if t.last_status == "PENDING")
        ro.dep["runningCount"] = r
        ro.dep["pendingCount"] = p
        if ro.dep in svc.deployments:
            running += r
            pending += p
    if _rollouts(svc):
        svc.running_count = running
        svc.pending_count = pending


def scale(backend: EC2ContainerServiceBackend, svc: Service, at: float) -> None:
    """UpdateService with only a new desiredCount: the PRIMARY deployment scales."""
    dep = _primary(svc)
    ro = _rollouts(svc).get(dep["id"]) if dep else None
    if ro is None:
        return
    dep["desiredCount"] = svc.desired_count
    live = _live_tasks(ro)
    if len(live) < svc.desired_count and not (ro.crash and dep.get("rolloutState") == "FAILED"):
        _start_tasks(backend, svc, ro, svc.desired_count - len(live), at)
    for t in live[svc.desired_count:]:
        _stop_task(t, at, "ServiceSchedulerInitiated", f"Scaling activity initiated by (deployment {ro.id})", stopping_only=True)


def _unsettled(backend: EC2ContainerServiceBackend) -> dict[str, Service]:
    """Services with something still moving (a rollout, PENDING or STOPPING tasks, a
    CodeDeploy deployment): only these need advancing when a call lists tasks, so that
    an estate of thousands of settled services costs nothing per call. Kept on the
    backend, so that a reset (which re-creates the backend) forgets it."""
    reg = getattr(backend, "_rollout_unsettled", None)
    if reg is None:
        reg = {}
        backend._rollout_unsettled = reg  # type: ignore[attr-defined]
    return reg


def _is_settled(svc: Service) -> bool:
    if any(d.get("rolloutState") == "IN_PROGRESS" for d in svc.deployments):
        return False
    if any(r["info"].status == "InProgress" for r in _code_deploy_state(svc)):
        return False
    return not any(
        t.last_status in ("PENDING", "STOPPING") for ro in _rollouts(svc).values() for t in ro.tasks
    )


def _track(backend: EC2ContainerServiceBackend, svc: Service) -> None:
    key = f"{svc.cluster_name}/{svc.name}"
    if _is_settled(svc):
        _unsettled(backend).pop(key, None)
    else:
        _unsettled(backend)[key] = svc


def advance_cluster(backend: EC2ContainerServiceBackend, cluster_name: str | None) -> None:
    name = cluster_name.rsplit("/", 1)[-1] if cluster_name else None
    for svc in list(_unsettled(backend).values()):
        if name is None or svc.cluster_name == name:
            advance_service(backend, svc)


def advance_named(backend: EC2ContainerServiceBackend, cluster_name: str, names: list[str]) -> None:
    name = cluster_name.rsplit("/", 1)[-1]
    for n in names or []:
        svc = backend.services.get(f"{name}:{str(n).rsplit('/', 1)[-1]}")
        if svc is not None:
            advance_service(backend, svc)


# ---------------------------------------------------------------------------
# ECS-native blue/green, linear and canary fields


def _deployment_configuration_defaults(svc: Service) -> None:
    cfg = getattr(svc, "deployment_configuration", None)
    if cfg is None:
        return
    # DeploymentConfiguration.strategy: "ROLLING ... This is the default"
    if svc.deployment_controller.get("type", "ECS") == "ECS":
        cfg.setdefault("strategy", "ROLLING")


def _validate_strategy(self: R) -> None:
    cfg = self._get_param("deploymentConfiguration") or {}
    strategy = cfg.get("strategy")
    controller = (self._get_param("deploymentController") or {}).get("type")
    if strategy is None:
        return
    # Wording: ECS publishes no message for any of the refusals below (the API reference
    # documents the rules, not the answers, and no published output quotes them: searched
    # botocore, aws-cli, moto, the Terraform provider's tests and issue threads). Only the
    # code is ECS's documented one (InvalidParameterException, "The specified parameter
    # isn't valid"); the enum check is worded as AWS's request validation words every enum
    # violation ("1 validation error detected: Value ... failed to satisfy constraint:
    # Member must satisfy enum value set: [...]"); the rest name the field and the rule.
    if strategy not in ("ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"):
        raise InvalidParameterException(
            f"1 validation error detected: Value '{strategy}' at 'deploymentConfiguration.strategy' "
            "failed to satisfy constraint: Member must satisfy enum value set: [ROLLING, BLUE_GREEN, LINEAR, CANARY]"
        )
    if controller and controller != "ECS" and strategy != "ROLLING":
        raise InvalidParameterException(
            f"The {strategy} deployment strategy is only supported for services that use the ECS deployment controller."
        )
    # DeploymentConfiguration.bakeTimeInMinutes: "You must provide this parameter when
    # you use the BLUE_GREEN deployment strategy." (0-1440 minutes)
    bake = cfg.get("bakeTimeInMinutes")
    if strategy == "BLUE_GREEN" and bake is None:
        raise InvalidParameterException("bakeTimeInMinutes is required for the BLUE_GREEN deployment strategy.")
    if bake is not None and not (0 <= int(bake) <= 1440):
        raise InvalidParameterException("bakeTimeInMinutes must be between 0 and 1440.")
    if strategy == "LINEAR" and not cfg.get("linearConfiguration"):
        raise InvalidParameterException("linearConfiguration is required for the LINEAR deployment strategy.")
    if strategy == "CANARY" and not cfg.get("canaryConfiguration"):
        raise InvalidParameterException("canaryConfiguration is required for the CANARY deployment strategy.")
    if strategy in ("BLUE_GREEN", "LINEAR", "CANARY"):
        # AdvancedConfiguration: "The advanced settings for a load balancer used in
        # blue/green deployments"; with an Application Load Balancer the alternate
        # target group, the production listener rule and the role are required
        for lb in self._get_param("loadBalancers") or []:
            adv = lb.get("advancedConfiguration") or {}
            missing = [k for k in ("alternateTargetGroupArn", "productionListenerRule", "roleArn") if not adv.get(k)]
            if lb.get("targetGroupArn") and missing:
                raise InvalidParameterException(
                    f"advancedConfiguration.{missing[0]} is required for a load balancer of a service "
                    f"that uses the {strategy} deployment strategy."
                )


# ---------------------------------------------------------------------------
# the extensions


def apply() -> list[str]:
    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(
            f"scripts/emulator_ext was written for moto {MOTO_VERSION}, found {moto.__version__}"
        )
    rollout_seconds()  # a malformed value fails at start-up, not in the middle of a test
    applied: list[str] = []

    # ROLLOUTS - CreateService starts the first deployment's tasks; UpdateService with a
    # new task definition (or forceNewDeployment, or a changed configuration that ECS
    # deploys) starts a new PRIMARY deployment IN_PROGRESS, the previous one ACTIVE; the
    # new tasks go PENDING -> RUNNING, the old ones STOPPING -> STOPPED, then the new
    # deployment is COMPLETED and the old one is gone (see the module docstring).
    @_wrap("create_service")
    def create_service(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        _validate_strategy(self)
        with _lock:
            result = original(self)
            svc: Service = self.ecs_backend._get_service(
                self._get_param("cluster", "default"), self._get_param("serviceName")
            )
            _deployment_configuration_defaults(svc)
            if svc.deployment_controller.get("type", "ECS") == "ECS":
                adopt_first_deployment(self.ecs_backend, svc, time.monotonic())
                advance_service(self.ecs_backend, svc)
            else:
                create_code_deploy_service(self.ecs_backend, svc)
                advance_service(self.ecs_backend, svc)
        return result

    @_wrap("update_service")
    def update_service(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        backend = self.ecs_backend
        cluster = self._get_param("cluster", "default")
        svc_before: Service = backend._get_service(cluster, self._get_param("service"))
        controller = svc_before.deployment_controller.get("type", "ECS")
        td_param = self._get_param("taskDefinition")
        # UpdateService: "For services using the blue/green (CODE_DEPLOY) deployment
        # controller, only the desired count, deployment configuration, health check
        # grace period, task placement constraints and strategies, enable ECS managed
        # tags option, and propagate tags can be updated using this API. If the network
        # configuration, platform version, task definition, or load balancer need to be
        # updated, create a new CodeDeploy deployment." ECS answers with
        # InvalidParameterException, worded as below: the wording users quote from ECS
        # (fabfuel/ecs-deploy#175, aws/aws-cdk#23564, pulumi/pulumi-aws#3821).
        # Refused whenever taskDefinition is given, the SAME revision too: CloudFormation
        # sends the unchanged TaskDefinition with a desiredCount-only update and ECS
        # refuses it (aws-cloudformation/cloudformation-coverage-roadmap#1529: "the Update
        # API call populates all properties, even those that haven't changed"; the same in
        # aws/aws-cdk#11243, where the console's update, which sends no task definition, works).
        if controller == "CODE_DEPLOY" and td_param:
            raise InvalidParameterException(
                "Unable to update task definition on services with a CODE_DEPLOY deployment "
                "controller. Use AWS CodeDeploy to trigger a new deployment."
            )
        # The network configuration likewise, unchanged too: pulumi/pulumi#3607 quotes ECS's
        # answer to a desiredCount-only update that carried the service's networkConfiguration.
        if controller == "CODE_DEPLOY" and self._get_param("networkConfiguration") is not None:
            raise InvalidParameterException(
                "Unable to update network parameters on services with a CODE_DEPLOY deployment "
                "controller. Use AWS CodeDeploy to trigger a new deployment."
            )
        _validate_strategy(self)
        with _lock:
            advance_service(backend, svc_before)
            td_before = svc_before.task_definition
            desired_before = svc_before.desired_count
            cfg_before = copy.deepcopy(getattr(svc_before, "deployment_configuration", None))
            running_before, pending_before = svc_before.running_count, svc_before.pending_count
            result = original(self)
            svc: Service = result.result["service"]  # type: ignore[index]
            # moto's update_service sets runningCount = desiredCount at once; ECS starts
            # tasks, which are counted when they are (see _recount)
            svc.running_count, svc.pending_count = running_before, pending_before
            _deployment_configuration_defaults(svc)
            if svc.deployment_configuration and "strategy" not in (self._get_param("deploymentConfiguration") or {}):
                if cfg_before and cfg_before.get("strategy"):
                    svc.deployment_configuration["strategy"] = cfg_before["strategy"]
            if controller != "ECS":
                return result
            force = bool(self._get_param("forceNewDeployment", False))
            now = time.monotonic()
            # a new deployment: a different task definition, or forceNewDeployment,
            # or a change of what the tasks run with (network, capacity, platform)
            redeploy_keys = ("networkConfiguration", "capacityProviderStrategy", "platformVersion", "loadBalancers", "serviceConnectConfiguration", "volumeConfigurations")
            if svc.task_definition != td_before or force or any(self._get_param(k) is not None for k in redeploy_keys):
                # the previous primary dict was updated in place by the gap extension;
                # put the old revision back on it before it becomes ACTIVE
                old = _primary(svc)
                if old is not None:
                    old["taskDefinition"] = td_before
                    old["desiredCount"] = desired_before
                begin_deployment(backend, svc, now)
                # moto's own forceNewDeployment handling renamed the old deployment's id;
                # keep the old Rollout reachable under its dict's id
                for key, ro in list(_rollouts(svc).items()):
                    if ro.id != ro.dep["id"]:
                        del _rollouts(svc)[key]
                        ro.id = ro.dep["id"]
                        _rollouts(svc)[ro.id] = ro
            elif svc.desired_count != desired_before:
                scale(backend, svc, now)
            advance_service(backend, svc)
        return result

    @_wrap("describe_services")
    def describe_services(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        with _lock:
            advance_named(self.ecs_backend, self._get_param("cluster", "default"), self._get_param("services", []))
            return original(self)

    @_wrap("delete_service")
    def delete_service(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        with _lock:
            result = original(self)
            svc: Service = result.result["service"]  # type: ignore[index]
            # DeleteService: the service's tasks are stopped (force), DRAINING meanwhile
            now = time.monotonic()
            for ro in _rollouts(svc).values():
                for t in _live_tasks(ro):
                    _stop_task(t, now, "ServiceSchedulerInitiated", "Service is being deleted", stopping_only=True)
            advance_service(self.ecs_backend, svc)
            return result

    @_wrap("put_cluster_capacity_providers")
    def put_cluster_capacity_providers(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        # the in-use check (capacity.py) looks at the cluster's tasks: bring them up to the
        # clock first, so that tasks of a deleted service that have stopped by now no longer
        # hold their provider (a STOPPING one still does, as on ECS)
        with _lock:
            advance_cluster(self.ecs_backend, self._get_param("cluster"))
            return original(self)

    @_wrap("list_tasks")
    def list_tasks(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        backend = self.ecs_backend
        with _lock:
            advance_cluster(backend, self._get_param("cluster", "default"))
            service_name = self._get_param("serviceName")
            desired = self._get_param("desiredStatus")
            if service_name and not desired:
                # ListTasks.desiredStatus: "The default status filter is RUNNING"
                self.params["desiredStatus"] = "RUNNING"
            return original(self)

    # the serviceName filter in the backend, so that the pagination of ListTasks (GAP 5
    # in ecs_gaps.py, which wraps the response) pages the filtered list
    original_backend_list_tasks = EC2ContainerServiceBackend.list_tasks

    def backend_list_tasks(backend: EC2ContainerServiceBackend, *args: Any, **kwargs: Any) -> list[Task]:
        tasks = original_backend_list_tasks(backend, *args, **kwargs)
        names = ("cluster_str", "container_instance", "family", "started_by", "service_name", "desiredStatus")
        bound = dict(zip(names, args), **kwargs)
        service_name = bound.get("service_name")
        if not service_name:
            return tasks
        group = f"service:{str(service_name).rsplit('/', 1)[-1]}"
        return [t for t in tasks if t.group == group]

    EC2ContainerServiceBackend.list_tasks = backend_list_tasks  # type: ignore[method-assign]

    @_wrap("describe_tasks")
    def describe_tasks(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        with _lock:
            advance_cluster(self.ecs_backend, self._get_param("cluster", "default"))
            return original(self)

    applied.append("Rollouts: deployments IN_PROGRESS -> COMPLETED, tasks PENDING -> RUNNING, replaced tasks STOPPING -> STOPPED")
    applied.append("-crashloop images never start: tasks STOPPED (EssentialContainerExited), circuit breaker FAILED and rollback")
    applied.append("ListTasks filters by serviceName (desiredStatus RUNNING by default)")
    applied.append("UpdateService refuses a taskDefinition (the same one too) or a networkConfiguration on CODE_DEPLOY services")
    applied.append("deploymentConfiguration.strategy ROLLING by default; BLUE_GREEN / LINEAR / CANARY validated")

    applied.append(apply_code_deploy())
    return applied


# ---------------------------------------------------------------------------
# CODE_DEPLOY services and CodeDeploy ECS deployments
#
# ECS API reference, Service.taskSets: "Information about a set of Amazon ECS tasks in
# either an CodeDeploy or an EXTERNAL deployment"; DeploymentController CODE_DEPLOY:
# "The blue/green (CODE_DEPLOY) deployment type uses the blue/green deployment model
# powered by CodeDeploy". A CODE_DEPLOY service has no deployments[]; it has a PRIMARY
# task set running its task definition, and during a CodeDeploy deployment a
# replacement task set (ACTIVE) with the new revision; when the deployment succeeds the
# replacement becomes PRIMARY (the service's taskDefinition is its revision) and the
# original task set is removed. CodeDeploy (API reference, DeploymentInfo.status):
# Created | Queued | InProgress | Baking | Succeeded | Failed | Stopped | Ready.


def _task_set_rollout(svc: Service, task_set: Any, td: TaskDefinition, at: float) -> Rollout:
    # a task set is not a deployment; the Rollout carries its tasks only (its dict is
    # never in svc.deployments, so no rollout state is derived from it)
    ro = Rollout({"id": task_set.id, "status": "TASK_SET", "desiredCount": svc.desired_count}, td, at)
    _rollouts(svc)[ro.id] = ro
    return ro


def _new_task_set(
    backend: EC2ContainerServiceBackend, svc: Service, td: TaskDefinition, status: str, at: float, network: dict[str, Any] | None = None
) -> Any:
    from moto.ecs.models import TaskSet

    task_set = TaskSet(
        svc.name,
        svc.cluster_name,
        td.arn,
        backend.account_id,
        backend.region_name,
        network_configuration=copy.deepcopy(network or svc.network_configuration) or None,
        load_balancers=copy.deepcopy(svc.load_balancers),
        service_registries=copy.deepcopy(svc.service_registries),
        launch_type=svc.launch_type,
        capacity_provider_strategy=copy.deepcopy(getattr(svc, "capacity_provider_strategy", None)),
        platform_version=svc.platform_version,
    )
    task_set.task_definition = td.arn
    task_set.service_arn = svc.arn
    task_set.cluster_arn = svc.cluster_arn
    task_set.status = status
    task_set.stabilityStatus = "STABILIZING"
    task_set.computed_desired_count = svc.desired_count
    task_set.running_count = 0
    task_set.pending_count = 0
    svc.task_sets.append(task_set)
    ro = _task_set_rollout(svc, task_set, td, at)
    _start_tasks(backend, svc, ro, svc.desired_count, at)
    return task_set


def create_code_deploy_service(backend: EC2ContainerServiceBackend, svc: Service) -> None:
    if svc.deployment_controller.get("type") != "CODE_DEPLOY" or not svc.task_definition:
        return
    svc.running_count = 0
    svc.pending_count = 0
    _new_task_set(backend, svc, backend.describe_task_definition(svc.task_definition), "PRIMARY", time.monotonic())


def _code_deploy_state(svc: Service) -> list[dict[str, Any]]:
    return _sim(svc).setdefault("code_deploy", [])


def advance_code_deploy_service(backend: EC2ContainerServiceBackend, svc: Service, now: float | None) -> None:
    now = time.monotonic() if now is None else now
    total = rollout_seconds()
    with _lock:
        for ro in list(_rollouts(svc).values()):
            _advance_rollout(backend, svc, ro, now)
        for run in _code_deploy_state(svc):
            info = run["info"]
            if info.status != "InProgress" or now < run["started"] + total:
                continue
            at = run["started"] + total
            replacement = run["task_set"]
            ro = _rollouts(svc).get(replacement.id)
            if run["crash"]:
                info.status = "Failed"
                # ErrorInformation.code ECS_UPDATE_ERROR ("Amazon ECS deployments":
                # listed among CodeDeploy's ErrorCode values); the message is ours: CodeDeploy
                # words it by the cause it saw, and publishes no fixed text
                info.error_information = {
                    "code": "ECS_UPDATE_ERROR",
                    "message": "The ECS replacement task set failed to reach a steady state: "
                    "Essential container in task exited",
                }
                for t in _live_tasks(ro) if ro else []:
                    _stop_task(t, at, "ServiceSchedulerInitiated", "Task set is being deleted")
                if replacement in svc.task_sets:
                    svc.task_sets.remove(replacement)
                _event(svc, f"(service {svc.name}) (taskSet {replacement.id}) was deleted.", at)
            else:
                info.status = "Succeeded"
                for old in [s for s in svc.task_sets if s is not replacement]:
                    old_ro = _rollouts(svc).get(old.id)
                    for t in _live_tasks(old_ro) if old_ro else []:
                        _stop_task(t, at, "ServiceSchedulerInitiated", "Task set is being deleted")
                    svc.task_sets.remove(old)
                replacement.status = "PRIMARY"
                svc.task_definition = replacement.task_definition
                # CODE_DEPLOY NETWORK: the replacement task set ran with the AppSpec's
                # NetworkConfiguration; once it is PRIMARY the service's is that one
                if run.get("network"):
                    svc.network_configuration = copy.deepcopy(run["network"])
                _event(svc, f"(service {svc.name}) has reached a steady state.", at)
            info.complete_time = _wall(at)
        running = pending = 0
        for task_set in svc.task_sets:
            ro = _rollouts(svc).get(task_set.id)
            if ro is None:
                continue
            task_set.running_count = sum(1 for t in ro.tasks if t.last_status == "RUNNING")
            task_set.pending_count = sum(1 for t in ro.tasks if t.last_status == "PENDING")
            task_set.stabilityStatus = (
                "STEADY_STATE" if task_set.running_count == task_set.computed_desired_count and not task_set.pending_count else "STABILIZING"
            )
            running += task_set.running_count
            pending += task_set.pending_count
        svc.running_count = running
        svc.pending_count = pending


def _parse_app_spec(revision: dict[str, Any]) -> dict[str, Any]:
    """The ECS AppSpec's TargetService properties (CodeDeploy AppSpec reference, "AppSpec
    'resources' section for Amazon ECS deployments"). The code of each refusal is
    CodeDeploy's documented one for CreateDeployment (InvalidRevisionException: "The
    revision was specified in an invalid format"); CodeDeploy publishes no wording for
    these cases, so the messages name what is missing."""
    import yaml
    from moto.codedeploy.exceptions import CodeDeployException

    def invalid(msg: str) -> Exception:
        return CodeDeployException("InvalidRevisionException", msg)

    if (revision or {}).get("revisionType") != "AppSpecContent":
        raise invalid("An ECS deployment needs a revision of revisionType AppSpecContent.")
    content = ((revision.get("appSpecContent") or {}).get("content")) or ""
    try:
        spec = yaml.safe_load(content)  # JSON is YAML too
    except yaml.YAMLError as exc:
        raise invalid(f"The AppSpec content is neither JSON nor YAML: {exc}")
    resources = (spec or {}).get("Resources") if isinstance(spec, dict) else None
    if not isinstance(resources, list) or not resources:
        raise invalid("The AppSpec content has no Resources.")
    target = next(iter(resources[0].values()), None) if isinstance(resources[0], dict) else None
    if not isinstance(target, dict) or target.get("Type") != "AWS::ECS::Service":
        raise invalid("The AppSpec Resources must name a TargetService of Type AWS::ECS::Service.")
    props = target.get("Properties") or {}
    if not props.get("TaskDefinition"):
        raise invalid("The AppSpec TargetService has no TaskDefinition.")
    lb = props.get("LoadBalancerInfo") or {}
    if not lb.get("ContainerName") or lb.get("ContainerPort") is None:
        raise invalid("The AppSpec TargetService needs LoadBalancerInfo with ContainerName and ContainerPort.")
    if props.get("NetworkConfiguration") is not None:
        props = {**props, "NetworkConfiguration": _app_spec_network(props["NetworkConfiguration"], invalid)}
    return props


def _app_spec_network(given: Any, invalid: Callable[[str], Exception]) -> dict[str, Any]:
    """CODE_DEPLOY NETWORK - the AppSpec's NetworkConfiguration as ECS's networkConfiguration.
    CodeDeploy AppSpec reference, "AppSpec 'resources' section for Amazon ECS deployments"
    (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html):
    NetworkConfiguration.AwsvpcConfiguration with Subnets (required there), SecurityGroups
    and AssignPublicIp ("ENABLED" or "DISABLED"); the replacement task set runs with it and,
    when the deployment succeeds, it is the service's. ECS's AwsVpcConfiguration.assignPublicIp:
    "The default value is DISABLED." moto's CodeDeploy ignores the AppSpec; without this the
    service would keep its old network after a deployment that changed it."""
    vpc = given.get("AwsvpcConfiguration") if isinstance(given, dict) else None
    if not isinstance(vpc, dict):
        raise invalid("The AppSpec NetworkConfiguration needs AwsvpcConfiguration.")
    subnets = vpc.get("Subnets")
    if not isinstance(subnets, list) or not subnets:
        raise invalid("The AppSpec AwsvpcConfiguration needs Subnets.")
    public_ip = vpc.get("AssignPublicIp", "DISABLED")
    if public_ip not in ("ENABLED", "DISABLED"):
        raise invalid(f"The AppSpec AwsvpcConfiguration AssignPublicIp is {public_ip}: ENABLED or DISABLED.")
    out: dict[str, Any] = {"subnets": [str(x) for x in subnets], "assignPublicIp": public_ip}
    if vpc.get("SecurityGroups"):
        out["securityGroups"] = [str(x) for x in vpc["SecurityGroups"]]
    return {"awsvpcConfiguration": out}


_DEPLOYMENT_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _codedeploy_shaped_id(backend: Any, result: ActionResult) -> Any:
    """moto names a deployment with a UUID; CodeDeploy's ids are "d-" and 9 upper-case
    letters and digits: the API reference's own example (ContinueDeployment, "Sample
    Response": {"deploymentId": "d-7S8EXAMPL"}) and the ECS blue/green tutorial's
    create-deployment output ("deploymentId": "d-RPCR1U3TW"). The deployment is re-keyed
    under such an id, which CreateDeployment then answers."""
    import random

    old_id = result.result["deploymentId"]  # type: ignore[index]
    info = backend.deployments.pop(old_id)
    new_id = "d-" + "".join(random.choice(_DEPLOYMENT_ID_CHARS) for _ in range(9))
    while new_id in backend.deployments:
        new_id = "d-" + "".join(random.choice(_DEPLOYMENT_ID_CHARS) for _ in range(9))
    info.deployment_id = new_id
    backend.deployments[new_id] = info
    result.result["deploymentId"] = new_id  # type: ignore[index]
    return info


def apply_code_deploy() -> str:
    from moto.codedeploy import responses as cdr
    from moto.codedeploy.exceptions import CodeDeployException
    from moto.codedeploy.models import codedeploy_backends
    from moto.ecs.models import ecs_backends

    CR = cdr.CodeDeployResponse

    def ecs_service_of(account: str, region: str, group: Any) -> Service:
        # InvalidECSServiceException is CodeDeploy's documented code for an ECS service
        # it cannot use (CreateDeploymentGroup's errors; real CodeDeploy refuses such a
        # group when it is created, so CreateDeployment lists no code for it); the wording
        # is ours: none is published
        services = group.ecs_services or []
        if not services:
            raise CodeDeployException(
                "InvalidECSServiceException", "The deployment group has no ECS service (ecsServices)."
            )
        backend = ecs_backends[account][region]
        try:
            svc = backend._get_service(services[0]["clusterName"], services[0]["serviceName"])
        except Exception:  # noqa: BLE001 - ServiceNotFound, ClusterNotFound
            raise CodeDeployException(
                "InvalidECSServiceException",
                f"The ECS service {services[0].get('serviceName')} in cluster {services[0].get('clusterName')} does not exist.",
            )
        if svc.deployment_controller.get("type") != "CODE_DEPLOY":
            raise CodeDeployException(
                "InvalidECSServiceException",
                f"The ECS service {svc.name} does not use the CODE_DEPLOY deployment controller.",
            )
        return svc

    original_create = CR.create_deployment

    def create_deployment(self: Any) -> ActionResult:
        backend = codedeploy_backends[self.current_account][self.region]
        app_name = self._get_param("applicationName")
        group_name = self._get_param("deploymentGroupName")
        group = backend.deployment_groups.get(app_name, {}).get(group_name)
        if group is None or (backend.applications.get(app_name) and backend.applications[app_name].compute_platform != "ECS"):
            return original_create(self)  # moto's own errors; not an ECS deployment
        props = _parse_app_spec(self._get_param("revision"))
        svc = ecs_service_of(self.current_account, self.region, group)
        ecs = ecs_backends[self.current_account][self.region]
        td = ecs.describe_task_definition(str(props["TaskDefinition"]))
        names = [cd.get("name") for cd in td.container_definitions]
        container = props["LoadBalancerInfo"]["ContainerName"]
        if container not in names:
            raise CodeDeployException(
                "InvalidRevisionException",
                f"The container {container} named in the AppSpec LoadBalancerInfo is not in {td.arn}.",
            )
        with _lock:
            advance_service(ecs, svc)
            busy = [r for r in _code_deploy_state(svc) if r["info"].status == "InProgress"]
            if busy:
                # CodeDeploy: one deployment per deployment group at a time; the code is
                # CreateDeployment's documented DeploymentLimitExceededException, the
                # wording as CodeDeploy answers it in user reports (not in its reference)
                raise CodeDeployException(
                    "DeploymentLimitExceededException",
                    f"The Deployment Group '{group_name}' already has an active Deployment '{busy[0]['info'].deployment_id}'",
                )
            result = original_create(self)
            info = _codedeploy_shaped_id(backend, result)
            now = time.monotonic()
            info.status = "InProgress"
            info.start_time = _wall(now)
            network = props.get("NetworkConfiguration")
            task_set = _new_task_set(ecs, svc, td, "ACTIVE", now, network)
            _code_deploy_state(svc).append(
                {"info": info, "started": now, "task_set": task_set, "crash": is_crashloop(td), "network": network}
            )
            _track(ecs, svc)
        return result

    CR.create_deployment = create_deployment  # type: ignore[method-assign]

    def advance_all(account: str, region: str) -> None:
        ecs = ecs_backends[account][region]
        for svc in list(_unsettled(ecs).values()):
            if svc.deployment_controller.get("type") == "CODE_DEPLOY":
                advance_service(ecs, svc)

    for action in ("get_deployment", "batch_get_deployments", "list_deployments"):
        original = getattr(CR, action)

        def advancing(self: Any, _original: Callable[..., Any] = original) -> Any:
            with _lock:
                advance_all(self.current_account, self.region)
            return _original(self)

        advancing.__name__ = action
        setattr(CR, action, advancing)

    original_info = cdr._deployment_info

    def deployment_info(deployment: Any) -> dict[str, Any]:
        out = original_info(deployment)
        # GetDeployment: "The content property of the appSpecContent object in the
        # returned revision is always null. Use GetApplicationRevision and the sha256
        # property of the returned appSpecContent object to get the content"
        revision = copy.deepcopy(out.get("revision") or {})
        spec = revision.get("appSpecContent")
        if isinstance(spec, dict) and spec.get("content") is not None:
            import hashlib

            spec["sha256"] = hashlib.sha256(str(spec["content"]).encode()).hexdigest()
            spec.pop("content", None)
            out["revision"] = revision
        err = getattr(deployment, "error_information", None)
        if err:
            out["errorInformation"] = err
        else:
            out.pop("errorInformation", None)
        return out

    cdr._deployment_info = deployment_info
    return "CodeDeploy ECS deployments: ids d-XXXXXXXXX, a replacement task set, Succeeded after the rollout time (Failed for -crashloop); the AppSpec's NetworkConfiguration the service's on success"
