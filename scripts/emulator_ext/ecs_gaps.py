"""Thin start-up extensions that close gaps between moto 5.2.5's ECS emulation and
the behaviour the Amazon ECS API reference documents.

Each patch wraps one of moto's response methods (moto/ecs/responses.py) and names
the gap it closes and the documented ECS behaviour behind it. Every patch has a test
in test/integration/emulator.test.ts that fails without it (run the emulator with
ECS_EMULATOR_NO_EXTENSIONS=1 to see those tests fail).

Written against moto==5.2.5 (pinned in scripts/emulator); `apply()` refuses to
patch any other version, because the wrapped methods are moto internals.
"""

from __future__ import annotations

import base64
import copy
import json
from types import SimpleNamespace
from typing import Any, Callable

import moto
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ecs.exceptions import InvalidParameterException, ServiceNotFoundException
from moto.ecs.models import EC2ContainerServiceBackend, Service
from moto.ecs.responses import EC2ContainerServiceResponse as R

MOTO_VERSION = "5.2.5"

# ---------------------------------------------------------------------------
# helpers


def _wrap(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Replace R.<name> with the decorated function, which receives the original."""
    original = getattr(R, name)

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        def method(self: R) -> Any:
            return fn(self, original)

        method.__name__ = name
        setattr(R, name, method)
        return fn

    return deco


def _page(self: R, items: list[Any], default_max: int) -> tuple[list[Any], str | None]:
    """ECS list operations: return at most maxResults items (1..100) and an opaque
    nextToken when more remain; the next call passes nextToken to continue."""
    max_results = self._get_param("maxResults")
    if max_results is None:
        max_results = default_max
    max_results = int(max_results)
    if max_results < 1 or max_results > 100:
        raise InvalidParameterException("maxResults must be between 1 and 100.")
    token = self._get_param("nextToken")
    offset = 0
    if token:
        try:
            offset = int(json.loads(base64.b64decode(token))["offset"])
        except Exception:  # noqa: BLE001 - any malformed token is the caller's error
            raise InvalidParameterException("Invalid nextToken.")
    page = items[offset : offset + max_results]
    nxt = None
    if offset + max_results < len(items):
        nxt = base64.b64encode(
            json.dumps({"offset": offset + max_results}).encode()
        ).decode()
    return page, nxt


def _find_service(self: R, cluster: str, name: str) -> Service | None:
    try:
        return self.ecs_backend._get_service(cluster, name)
    except ServiceNotFoundException:
        return None


# Documented defaults of a service's deploymentConfiguration (API reference,
# DeploymentConfiguration): maximumPercent 200 and minimumHealthyPercent 100 for the
# REPLICA strategy (100 / 0 for DAEMON); the circuit breaker is off unless enabled.
def _deployment_configuration(given: dict[str, Any] | None, daemon: bool) -> dict[str, Any]:
    cfg = copy.deepcopy(given) if given else {}
    cfg.setdefault("deploymentCircuitBreaker", {"enable": False, "rollback": False})
    cfg.setdefault("maximumPercent", 100 if daemon else 200)
    cfg.setdefault("minimumHealthyPercent", 0 if daemon else 100)
    return cfg


# AwsVpcConfiguration.assignPublicIp: "The default value is DISABLED."
def _network_configuration(given: dict[str, Any] | None) -> dict[str, Any] | None:
    if not given or "awsvpcConfiguration" not in given:
        return given
    nc = copy.deepcopy(given)
    nc["awsvpcConfiguration"].setdefault("assignPublicIp", "DISABLED")
    return nc


# AwsVpcConfiguration.securityGroups is optional: "If you don't specify a security
# group, the default security group for the VPC is used." moto reads
# c["securityGroups"] unconditionally and answers HTTP 500 (KeyError). Put the subnet's
# VPC default security group in the request (in place: _get_param returns the parsed
# request's own dict); returns True when it did, so the caller can hide it again.
def _fill_default_security_group(self: R, nc: dict[str, Any] | None) -> bool:
    c = (nc or {}).get("awsvpcConfiguration")
    if not c or c.get("securityGroups") or not c.get("subnets"):
        return False
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[self.current_account][self.region]
    try:
        vpc_id = ec2.get_subnet(c["subnets"][0]).vpc_id
        group = ec2.get_default_security_group(vpc_id)
    except Exception:  # noqa: BLE001 - moto reports the unknown subnet itself
        return False
    if group is None:
        return False
    c["securityGroups"] = [group.id]
    return True


# ---------------------------------------------------------------------------
# the patches


def apply() -> list[str]:
    """Apply every extension; returns their names (printed by serve.py)."""
    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(
            f"scripts/emulator_ext was written for moto {MOTO_VERSION}, found {moto.__version__}"
        )
    applied: list[str] = []

    # GAP 1 - CreateService drops most of its request. moto keeps only cluster, name,
    # taskDefinition, desiredCount, loadBalancers, serviceRegistries, schedulingStrategy,
    # tags, deploymentController, launchType, platformVersion, propagateTags,
    # networkConfiguration and role. ECS API reference (CreateService / DescribeServices,
    # Service data type): the service keeps and DescribeServices returns
    # deploymentConfiguration, capacityProviderStrategy, healthCheckGracePeriodSeconds,
    # enableExecuteCommand, enableECSManagedTags, placementConstraints, placementStrategy,
    # availabilityZoneRebalancing and createdAt; serviceConnectConfiguration and
    # volumeConfigurations are returned on the service's deployment (Deployment data type).
    # Also documented and closed here:
    #  - launchType and capacityProviderStrategy are mutually exclusive; a service
    #    created with a capacityProviderStrategy has no launchType (moto forces "EC2").
    #    "If no capacityProviderStrategy or launchType is specified, the
    #    defaultCapacityProviderStrategy for the cluster is used" (moto: launchType EC2).
    #  - "If a platformVersion isn't specified, the LATEST platform version is used" (Fargate).
    #  - availabilityZoneRebalancing: "For create service requests, when no value is
    #    specified ... Amazon ECS defaults the value to ENABLED."
    #  - CreateService on a name that is already ACTIVE in the cluster fails with
    #    InvalidParameterException "Creation of service was not idempotent." (moto
    #    silently replaced the existing service).
    @_wrap("create_service")
    def create_service(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        cluster = self._get_param("cluster", "default")
        name = self._get_param("serviceName")
        existing = _find_service(self, cluster, name)
        if existing is not None and existing.status in ("ACTIVE", "DRAINING"):
            raise InvalidParameterException("Creation of service was not idempotent.")
        cps = self._get_param("capacityProviderStrategy")
        launch_type = self._get_param("launchType")
        if not cps and not launch_type:
            cluster_obj = self.ecs_backend._get_cluster(cluster)
            cps = copy.deepcopy(cluster_obj.default_capacity_provider_strategy) or None
        if cps and launch_type:
            raise InvalidParameterException(
                "Specifying both a launch type and capacity provider strategy is not supported. "
                "Remove one and try again."
            )
        injected_sg = _fill_default_security_group(self, self._get_param("networkConfiguration"))
        result = original(self)
        svc: Service = self.ecs_backend._get_service(cluster, name)
        if injected_sg:  # keep the service's networkConfiguration as it was given
            svc.network_configuration = copy.deepcopy(svc.network_configuration)
            svc.network_configuration["awsvpcConfiguration"].pop("securityGroups", None)
        daemon = svc.scheduling_strategy == "DAEMON"
        svc.deployment_configuration = _deployment_configuration(
            self._get_param("deploymentConfiguration"), daemon
        )
        svc.placement_constraints = self._get_param("placementConstraints") or []
        svc.placement_strategy = self._get_param("placementStrategy") or []
        svc.enable_execute_command = bool(self._get_param("enableExecuteCommand", False))
        svc.enable_ecs_managed_tags = bool(self._get_param("enableECSManagedTags", False))
        hc = self._get_param("healthCheckGracePeriodSeconds")
        if hc is not None:
            svc.health_check_grace_period_seconds = int(hc)
        svc.availability_zone_rebalancing = self._get_param(
            "availabilityZoneRebalancing", "ENABLED"
        )
        svc.created_at = utcnow()
        if svc.network_configuration:
            svc.network_configuration = _network_configuration(svc.network_configuration)
        dep = svc.deployments[0] if svc.deployments else {}
        if cps:
            svc.capacity_provider_strategy = cps
            svc.launch_type = None
            dep.pop("launchType", None)
            dep["capacityProviderStrategy"] = cps
        # platformVersion is Fargate's: a strategy over EC2 (Auto Scaling group) providers
        # has none (Service.platformVersion: "The platform version to run your service
        # on. A platform version is only specified for tasks that are hosted on Fargate.")
        on_fargate = svc.launch_type == "FARGATE" or any(
            item.get("capacityProvider") in ("FARGATE", "FARGATE_SPOT") for item in cps or []
        )
        if on_fargate and not svc.platform_version:
            svc.platform_version = "LATEST"
            dep["platformVersion"] = "LATEST"
        if dep:
            dep["networkConfiguration"] = svc.network_configuration or None
            for key in ("serviceConnectConfiguration", "volumeConfigurations"):
                value = self._get_param(key)
                if value is not None:
                    dep[key] = value
        return result

    applied.append("CreateService keeps the documented service fields")

    # GAP 2 - UpdateService. moto sets whatever it is sent as attributes but
    #  - stores taskDefinition as the string it was sent ("family" or "family:3"),
    #    where ECS resolves it and DescribeServices returns the full task definition
    #    ARN (Service.taskDefinition: "The ARN of the task definition");
    #  - leaves the primary deployment's taskDefinition / desiredCount stale (Deployment
    #    data type: the PRIMARY deployment is the most recent one, with its task
    #    definition and desired count);
    #  - keeps launchType when a capacityProviderStrategy is set (documented: an update
    #    from launch type to capacity provider strategy replaces the launch type);
    #  - keeps serviceConnectConfiguration/volumeConfigurations nowhere visible (they
    #    belong on the deployment).
    @_wrap("update_service")
    def update_service(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        td = self._get_param("taskDefinition")
        cps = self._get_param("capacityProviderStrategy")
        dcfg = self._get_param("deploymentConfiguration")
        nc = self._get_param("networkConfiguration")
        result = original(self)
        svc: Service = result.result["service"]  # type: ignore[index]
        dep = svc.deployments[0] if svc.deployments else None
        if td:
            svc.task_definition = self.ecs_backend.describe_task_definition(td).arn
        if dcfg is not None:
            svc.deployment_configuration = _deployment_configuration(
                dcfg, svc.scheduling_strategy == "DAEMON"
            )
        if nc is not None:
            svc.network_configuration = _network_configuration(nc)
        if cps:
            svc.capacity_provider_strategy = cps
            svc.launch_type = None
        if dep is not None:
            dep["taskDefinition"] = svc.task_definition
            dep["desiredCount"] = svc.desired_count
            dep["updatedAt"] = utcnow()
            if nc is not None:
                dep["networkConfiguration"] = svc.network_configuration
            if cps:
                dep.pop("launchType", None)
                dep["capacityProviderStrategy"] = cps
            for key in ("serviceConnectConfiguration", "volumeConfigurations"):
                value = self._get_param(key)
                if value is not None:
                    dep[key] = value
        return result

    applied.append("UpdateService resolves the task definition ARN and updates the deployment")

    # GAP 3 - ListServices has no pages and lists deleted services. ECS API reference
    # (ListServices): maxResults 1..100, default 10, "If ListServices results exceed
    # maxResults, a nextToken value is returned"; DeleteService: a deleted service (DRAINING
    # or INACTIVE) "is no longer visible ... in the ListServices API operation" (it can
    # still be seen with DescribeServices).
    @_wrap("list_services")
    def list_services(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        result = original(self)
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster", "default"))
        hidden = {
            s.arn
            for s in backend.services.values()
            if s.cluster_name == cluster.name and s.status != "ACTIVE"
        }
        arns = [a for a in result.result["serviceArns"] if a not in hidden]  # type: ignore[index]
        page, nxt = _page(self, arns, 10)
        return ActionResult({"serviceArns": page, "nextToken": nxt})

    applied.append("ListServices paginates (default 10) and hides deleted services")

    # GAP 4 - ListTaskDefinitions has no pages and ignores `sort`. ECS API reference
    # (ListTaskDefinitions): maxResults default 100 with nextToken; "By default (ASC), task
    # definitions are listed lexicographically by family name and in ascending numerical
    # order by revision"; sort=DESC reverses that.
    @_wrap("list_task_definitions")
    def list_task_definitions(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        result = original(self)
        arns: list[str] = list(result.result["taskDefinitionArns"])  # type: ignore[index]

        def key(arn: str) -> tuple[str, int]:
            family, rev = arn.rsplit("/", 1)[1].rsplit(":", 1)
            return (family, int(rev))

        arns.sort(key=key, reverse=self._get_param("sort", "ASC") == "DESC")
        page, nxt = _page(self, arns, 100)
        return ActionResult({"taskDefinitionArns": page, "nextToken": nxt})

    applied.append("ListTaskDefinitions paginates and sorts")

    # GAP 5 - ListClusters, ListTaskDefinitionFamilies and ListTasks have no pages.
    # ECS API reference: each takes maxResults (1..100, default 100) and returns nextToken
    # when more results remain. ListTaskDefinitionFamilies also filters by status
    # (default ACTIVE: families with at least one ACTIVE revision), which moto ignores.
    @_wrap("list_clusters")
    def list_clusters(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        result = original(self)
        page, nxt = _page(self, list(result.result["clusterArns"]), 100)  # type: ignore[index]
        return ActionResult({"clusterArns": page, "nextToken": nxt})

    @_wrap("list_task_definition_families")
    def list_task_definition_families(
        self: R, original: Callable[[R], ActionResult]
    ) -> ActionResult:
        result = original(self)
        status = self._get_param("status", "ACTIVE")
        tds = self.ecs_backend.task_definitions
        families = sorted(
            f
            for f in result.result["families"]  # type: ignore[index]
            if status == "ALL" or any(t.status == status for t in tds.get(f, {}).values())
        )
        page, nxt = _page(self, families, 100)
        return ActionResult({"families": page, "nextToken": nxt})

    @_wrap("list_tasks")
    def list_tasks(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        result = original(self)
        page, nxt = _page(self, list(result.result["taskArns"]), 100)  # type: ignore[index]
        return ActionResult({"taskArns": page, "nextToken": nxt})

    applied.append("ListClusters / ListTaskDefinitionFamilies / ListTasks paginate")

    # GAP 6 - DescribeServices accepts any number of services. ECS API reference
    # (DescribeServices.services): "You may specify up to 10 services to describe in a
    # single operation"; more is an InvalidParameterException.
    @_wrap("describe_services")
    def describe_services(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        if len(self._get_param("services", []) or []) > 10:
            raise InvalidParameterException(
                "services can have at most 10 items."
            )
        return original(self)

    applied.append("DescribeServices takes at most 10 services")

    # GAP 7 - RunTask (and so ListTasks tests) fails with HTTP 500 for a task definition
    # whose memory is set only at task level - the usual Fargate case: moto adds each
    # container's memory and gets None. ECS API reference (ContainerDefinition.memory):
    # "If using the Fargate launch type, this parameter is optional"; the task-level
    # memory is then the limit. Containers without memory count as 0 in moto's
    # placement arithmetic (which only matters for EC2 container instances).
    original_calc = EC2ContainerServiceBackend._calculate_task_resource_requirements
    memory_keys = ("memory", "memoryReservation", "Memory", "MemoryReservation")

    def calculate_task_resource_requirements(task_definition: Any) -> dict[str, Any]:
        containers = [
            cd if any(cd.get(k) is not None for k in memory_keys) else {**cd, "memory": 0}
            for cd in task_definition.container_definitions
        ]
        return original_calc(SimpleNamespace(container_definitions=containers))

    EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(  # type: ignore[method-assign]
        calculate_task_resource_requirements
    )
    applied.append("RunTask accepts container definitions without memory")

    # GAP 8 - awsvpcConfiguration without securityGroups: HTTP 500 in CreateService and
    # RunTask (see _fill_default_security_group for the documented behaviour).
    @_wrap("run_task")
    def run_task(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        _fill_default_security_group(self, self._get_param("networkConfiguration"))
        return original(self)

    applied.append("awsvpcConfiguration without securityGroups uses the VPC's default group")

    # GAP 9 - RegisterTaskDefinition stores its request verbatim. ECS API reference
    # (RegisterTaskDefinition) and published describe-task-definition outputs:
    #  - taskRoleArn / executionRoleArn: "The short name or full Amazon Resource Name (ARN)
    #    of the IAM role"; DescribeTaskDefinition returns the full ARN
    #    (arn:aws:iam::ACCOUNT:role/NAME) for a role given by its name;
    #  - cpu: "can be expressed as an integer using CPU units (for example, 1024) or as a
    #    string using vCPUs (for example, 1 vCPU or 1 vcpu) ... When you register a task
    #    definition, a unit value is converted to an integer indicating the CPU units";
    #    memory likewise, "as a string using GB (for example, 1GB or 1 GB) ... converted
    #    to an integer indicating the MiB"; both are returned as strings of that number;
    #  - an optional string member sent as "" is unset: `taskRoleArn: ""` comes back
    #    absent (the SDKs and the console treat "" as not given). The empty string that
    #    is data is kept: values of name/value pairs (an environment variable set to "")
    #    and of free-form maps (dockerLabels, log options, driverOpts, labels).
    @_wrap("register_task_definition")
    def register_task_definition(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        params = self.params
        for key in list(params.keys()):
            if key in ("family", "tags"):
                continue
            cleaned = _drop_empty_strings(params[key], key)
            if cleaned is None:
                del params[key]
            else:
                params[key] = cleaned
        for key in ("taskRoleArn", "executionRoleArn"):
            role = params.get(key)
            if isinstance(role, str) and not role.startswith("arn:"):
                params[key] = f"arn:aws:iam::{self.current_account}:role/{role.lstrip('/')}"
        for key, unit in (("cpu", "vcpu"), ("memory", "gb")):
            if key in params:
                params[key] = _task_size(params[key], unit)
        return original(self)

    applied.append("RegisterTaskDefinition stores role ARNs, task sizes in units, no empty strings")

    # GAP 10 - Service Connect without a namespace. ECS API reference
    # (ClusterServiceConnectDefaults.namespace): "When you create a service and don't
    # specify a Service Connect configuration, this namespace is used"; the cluster's
    # serviceConnectDefaults namespace fills ServiceConnectConfiguration.namespace, and
    # DescribeServices reports it on the deployment. moto keeps the configuration without one.
    for action in ("create_service", "update_service"):

        def with_default_namespace(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
            sc = self._get_param("serviceConnectConfiguration")
            if isinstance(sc, dict) and sc.get("enabled") and not sc.get("namespace"):
                cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
                defaults = getattr(cluster, "service_connect_defaults", None) or {}
                if defaults.get("namespace"):
                    sc["namespace"] = defaults["namespace"]
            return original(self)

        _wrap(action)(with_default_namespace)

    applied.append("Service Connect without namespace uses the cluster's default namespace")

    # GAP 11 - a cluster's default Service Connect namespace given by name. ECS API
    # reference (ClusterServiceConnectDefaultsRequest.namespace): "The namespace name or
    # full Amazon Resource Name (ARN) of the Cloud Map namespace ... If you enter an
    # existing namespace name or ARN, then that namespace will be used. If you enter a new
    # name, a Cloud Map namespace will be created"; DescribeClusters reports the namespace
    # ARN (serviceConnectDefaults.namespace: arn:aws:servicediscovery:...:namespace/ns-...).
    # moto stores the name. The namespace id here is derived from the name, so the same
    # name in the same account and region is the same namespace, as in Cloud Map.
    for action in ("create_cluster", "update_cluster"):

        def with_namespace_arn(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
            scd = self._get_param("serviceConnectDefaults")
            name = scd.get("namespace") if isinstance(scd, dict) else None
            if isinstance(name, str) and name and not name.startswith("arn:"):
                import hashlib

                ns_id = "ns-" + hashlib.sha256(
                    f"{self.current_account}/{self.region}/{name}".encode()
                ).hexdigest()[:16]
                scd["namespace"] = (
                    f"arn:aws:servicediscovery:{self.region}:{self.current_account}:namespace/{ns_id}"
                )
            return original(self)

        _wrap(action)(with_namespace_arn)

    applied.append("A cluster's default Service Connect namespace given by name is reported as its ARN")
    return applied


# Free-form string maps and name/value pairs, whose "" is data (see GAP 9).
_FREE_FORM_MAPS = {"dockerLabels", "options", "driverOpts", "labels", "tags"}


def _drop_empty_strings(value: Any, key: str) -> Any:
    """A copy without the "" and null members of objects (list items kept); None if unset."""
    if value is None or (value == "" and key != "value" and key not in _FREE_FORM_MAPS):
        return None
    if isinstance(value, list):
        return [v if not isinstance(v, (dict, list)) else _drop_empty_strings(v, key) for v in value]
    if isinstance(value, dict):
        if key in _FREE_FORM_MAPS:
            return dict(value)
        out = {}
        for k, v in value.items():
            cleaned = _drop_empty_strings(v, k)
            if cleaned is not None:
                out[k] = cleaned
        return out
    return value


def _task_size(value: Any, unit: str) -> Any:
    """'.25 vcpu' -> '256', '1 GB' -> '1024', 512 -> '512'; anything else as it was."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*(" + unit + r")?\s*", str(value), re.IGNORECASE)
    if not m:
        return value
    n = float(m.group(1)) * (1024 if m.group(2) else 1)
    return str(int(n)) if n == int(n) else value
