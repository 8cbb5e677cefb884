"""EC2 capacity in the emulator (issue 17): an Auto Scaling group made at start-up,
capacity providers that answer as the Amazon ECS API reference documents, container
instances registered as the ECS agent would register them, and EC2 tasks with the
network bindings ECS gives them.

Same conventions as ecs_gaps.py: each patch wraps one of moto's response methods (or
one backend method), names the gap and the documented behaviour, and has a test in
test/integration/emulator-capacity.test.ts that fails without it
(ECS_EMULATOR_NO_EXTENSIONS=1). The API reference text quoted below is the
documentation of botocore's ECS model (botocore/data/ecs/2014-11-13/service-2.json,
the same text as https://docs.aws.amazon.com/AmazonECS/latest/APIReference/).

`make_capacity()` is called by serve.py at start-up (not an extension: moto has Auto
Scaling groups and launch templates; it only needs them made).
"""

from __future__ import annotations

import base64
import copy
import re
from typing import Any, Callable

import moto
from moto.core.responses import ActionResult
from moto.ecs.exceptions import ECSException, InvalidParameterException, TaskDefinitionMemoryError, TaskDefinitionMissingPropertyError
from moto.ecs.exceptions import EcsClientException as ClientException
from moto.ecs.models import Container, EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse as R

MOTO_VERSION = "5.2.5"

# The example estate's cluster (manifests/clusters/clusters.yaml) whose EC2 capacity the
# emulator's Auto Scaling group provides: the launch template's user data names it, as
# an ECS-optimized AMI's /etc/ecs/ecs.config does (ECS_CLUSTER=...).
EC2_CLUSTER = "prod"
CAPACITY_NAME = "ecs-reconciler-emulator-ec2"
ASG_SIZE = 2
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")

# PortMapping.hostPort: "your container automatically receives a port in the ephemeral
# port range ... If this kernel parameter is unavailable, the default ephemeral port
# range from 49153 through 65535 (Linux) ... is used."
EPHEMERAL_FIRST, EPHEMERAL_LAST = 49153, 65535


# ---------------------------------------------------------------------------
# start-up: the launch template and the Auto Scaling group


def make_capacity(endpoint: str, region: str, subnets: list[str], security_group: str) -> dict[str, str]:
    """Create the launch template and Auto Scaling group of the example estate's EC2
    capacity; returns the env-file lines (EC2_*)."""
    import boto3

    kw: dict[str, Any] = {"region_name": region, "endpoint_url": endpoint}
    ec2 = boto3.client("ec2", **kw)
    autoscaling = boto3.client("autoscaling", **kw)
    # an ECS-optimized AMI boots the agent, which joins the cluster ecs.config names
    user_data = f"#!/bin/bash\necho ECS_CLUSTER={EC2_CLUSTER} >> /etc/ecs/ecs.config\n"
    image_id = ec2.describe_images()["Images"][0]["ImageId"]  # any AMI moto knows
    template = ec2.create_launch_template(
        LaunchTemplateName=CAPACITY_NAME,
        LaunchTemplateData={
            "ImageId": image_id,
            "InstanceType": "m5.large",
            "SecurityGroupIds": [security_group],
            "UserData": base64.b64encode(user_data.encode()).decode(),
        },
    )["LaunchTemplate"]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=CAPACITY_NAME,
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Latest"},
        MinSize=0,
        MaxSize=ASG_SIZE * 2,
        DesiredCapacity=ASG_SIZE,
        VPCZoneIdentifier=",".join(subnets),
    )
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[CAPACITY_NAME])[
        "AutoScalingGroups"
    ][0]
    return {
        "EC2_CLUSTER": EC2_CLUSTER,
        "EC2_ASG_NAME": group["AutoScalingGroupName"],
        "EC2_ASG_ARN": group["AutoScalingGroupARN"],
        "EC2_LAUNCH_TEMPLATE_ID": template["LaunchTemplateId"],
    }


# ---------------------------------------------------------------------------
# helpers


def _wrap(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Replace R.<name> with the decorated function, which receives the current one
    (so that these patches wrap ecs_gaps.py's where both touch an action)."""
    original = getattr(R, name)

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        def method(self: R) -> Any:
            return fn(self, original)

        method.__name__ = name
        setattr(R, name, method)
        return fn

    return deco


class ResourceInUseException(ECSException):
    def __init__(self, message: str) -> None:
        super().__init__("ResourceInUseException", message)


def _ec2(self: R) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[self.current_account][self.region]


def _autoscaling(account: str, region: str) -> Any:
    from moto.autoscaling.models import autoscaling_backends

    return autoscaling_backends[account][region]


def _provider_names(strategy: list[dict[str, Any]] | None) -> list[str]:
    return [str(item.get("capacityProvider")) for item in strategy or []]


def _short_name(name_or_arn: str) -> str:
    # a capacity provider's ARN ends in capacity-provider/NAME
    return name_or_arn.split("/")[-1]


def _clusters_associating(backend: EC2ContainerServiceBackend, name: str) -> list[str]:
    """Clusters (ACTIVE) that name the capacity provider in their capacityProviders or
    their default strategy."""
    found = []
    for cluster in backend.clusters.values():
        if cluster.status != "ACTIVE":
            continue
        names = [_short_name(p) for p in cluster.capacity_providers or []]
        names += _provider_names(cluster.default_capacity_provider_strategy)
        if name in names:
            found.append(cluster.name)
    return found


def _instance_cluster(instance: Any) -> str | None:
    """The cluster an instance's ECS agent joins: ECS_CLUSTER in its user data (the
    agent's default is the cluster named default)."""
    raw = getattr(instance, "user_data", None)
    if raw is None:
        return None
    if isinstance(raw, list):  # moto keeps run_instances' user data as a list
        raw = raw[0] if raw else None
    try:
        text = raw.decode() if hasattr(raw, "decode") and not isinstance(raw, bytes) else raw
        if isinstance(text, bytes):
            text = text.decode()
        if isinstance(text, str) and "ECS_CLUSTER" not in text:
            text = base64.b64decode(text).decode()
    except Exception:  # noqa: BLE001 - not an agent's user data
        return None
    match = re.search(r"ECS_CLUSTER=([A-Za-z0-9_-]+)", text or "")
    return match.group(1) if match else None


def _asg_of_instance(account: str, region: str, instance_id: str) -> Any:
    for group in _autoscaling(account, region).autoscaling_groups.values():
        if any(state.instance.id == instance_id for state in group.instance_states):
            return group
    return None


# ---------------------------------------------------------------------------
# the patches


def apply() -> list[str]:
    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(
            f"scripts/emulator_ext was written for moto {MOTO_VERSION}, found {moto.__version__}"
        )
    applied: list[str] = []
    applied += _capacity_providers()
    applied += _strategies()
    applied += _agent()
    applied += _ec2_tasks()
    return applied


def _validate_asg_provider(given: dict[str, Any]) -> None:
    # ManagedScaling: targetCapacity "must be greater than 0 and less than or equal to
    # 100"; the step sizes are ManagedScalingStepSize (1..10000) and
    # instanceWarmupPeriod ManagedScalingInstanceWarmupPeriod (0..10000); the enums are
    # ManagedScalingStatus / ManagedTerminationProtection / ManagedDraining
    # (ENABLED | DISABLED).
    ms = given.get("managedScaling") or {}
    limits = {
        "targetCapacity": (1, 100),
        "minimumScalingStepSize": (1, 10000),
        "maximumScalingStepSize": (1, 10000),
        "instanceWarmupPeriod": (0, 10000),
    }
    for key, (low, high) in limits.items():
        if key in ms and ms[key] is not None and not low <= int(ms[key]) <= high:
            raise InvalidParameterException(
                f"managedScaling.{key} must be between {low} and {high}."
            )
    for key, value in (
        ("managedScaling.status", ms.get("status")),
        ("managedTerminationProtection", given.get("managedTerminationProtection")),
        ("managedDraining", given.get("managedDraining")),
    ):
        if value is not None and value not in ("ENABLED", "DISABLED"):
            raise InvalidParameterException(f"{key} must be one of [ENABLED, DISABLED].")


def _capacity_providers() -> list[str]:
    applied = []

    # CAPACITY GAP 1 - CreateCapacityProvider. moto fills the ManagedScaling defaults
    # the API reference documents (minimumScalingStepSize "If this parameter is omitted,
    # the default value of 1 is used", maximumScalingStepSize 10000, instanceWarmupPeriod
    # 300, targetCapacity "The default value of 100 percent"; managedTerminationProtection
    # "The default is off") but:
    #  - drops managedDraining. The default is ENABLED: a real DeleteCapacityProvider
    #    response of a provider created without it shows "managedDraining":"ENABLED"
    #    (github.com/ekristen/aws-nuke/issues/540), and the Developer Guide ("Safely stop
    #    Amazon ECS workloads running on EC2 instances": managed instance draining is on
    #    by default for new Auto Scaling group capacity providers);
    #  - drops managedInstancesProvider (ECS Managed Instances) and `cluster`
    #    (CreateCapacityProvider: "The name of the cluster to associate with the capacity
    #    provider. When you create a capacity provider with Amazon ECS Managed Instances,
    #    it becomes available only within the specified cluster"); CapacityProvider.type
    #    is EC2_AUTOSCALING or MANAGED_INSTANCES;
    #  - accepts a second provider of the same name (it replaces the first) and a second
    #    provider over the same Auto Scaling group; ECS answers ClientException
    #    "The specified capacity provider already exists. To change the configuration of
    #    an existing capacity provider, update the capacity provider." and "The specified
    #    Auto Scaling group ARN is already being used by another capacity provider.
    #    Specify a unique Auto Scaling group ARN and try again."
    #    (github.com/aws/containers-roadmap/issues/632, both quoted from ECS);
    #  - accepts the reserved prefixes: name "can't be prefixed with "aws", "ecs", or
    #    "fargate"", and values outside ManagedScaling's ranges;
    #  - keeps an Auto Scaling group given by name as the name: autoScalingGroupArn is
    #    "The Amazon Resource Name (ARN) that identifies the Auto Scaling group, or the
    #    Auto Scaling group name"; the ARN is what identifies it afterwards.
    @_wrap("create_capacity_provider")
    def create_capacity_provider(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        name = self._get_param("name") or ""
        asg = self._get_param("autoScalingGroupProvider")
        managed = self._get_param("managedInstancesProvider")
        backend = self.ecs_backend
        if re.match(r"(?i)^(aws|ecs|fargate)", name):
            raise InvalidParameterException(
                'The capacity provider name can\'t be prefixed with "aws", "ecs", or "fargate".'
            )
        existing = backend.capacity_providers.get(name)
        if existing is not None and existing.status == "ACTIVE":
            raise ClientException(
                "The specified capacity provider already exists. To change the configuration "
                "of an existing capacity provider, update the capacity provider."
            )
        if (asg is None) == (managed is None):
            raise InvalidParameterException(
                "Specify either autoScalingGroupProvider or managedInstancesProvider."
            )
        cluster_name = self._get_param("cluster")
        if managed is not None:
            if not cluster_name:
                raise InvalidParameterException(
                    "A cluster is required for a capacity provider with managedInstancesProvider."
                )
            backend._get_cluster(cluster_name)  # ClusterNotFoundException
            # moto's model needs an Auto Scaling group section; hidden again below
            self.params["autoScalingGroupProvider"] = {}
        else:
            _validate_asg_provider(asg)
            ref = asg.get("autoScalingGroupArn") or ""
            if not ref.startswith("arn:"):
                group = _autoscaling(self.current_account, self.region).autoscaling_groups.get(ref)
                if group is not None:
                    asg["autoScalingGroupArn"] = group.arn
                    ref = group.arn
            for other in backend.capacity_providers.values():
                used = (other.auto_scaling_group_provider or {}).get("autoScalingGroupArn")
                if other.status == "ACTIVE" and used == ref:
                    raise ClientException(
                        "The specified Auto Scaling group ARN is already being used by another "
                        "capacity provider. Specify a unique Auto Scaling group ARN and try again."
                    )
            asg.setdefault("managedDraining", "ENABLED")
        result = original(self)
        provider = backend.capacity_providers[name]
        provider.update_status = None
        provider.tags = provider.tags or []  # published outputs show "tags": [] when none
        if managed is not None:
            provider.auto_scaling_group_provider = None
            provider.managed_instances_provider = copy.deepcopy(managed)
            provider.cluster = cluster_name.split("/")[-1]
            provider.type = "MANAGED_INSTANCES"
        else:
            provider.type = "EC2_AUTOSCALING"
        return result

    applied.append("CreateCapacityProvider keeps managedDraining, Managed Instances; refuses duplicates")

    # CAPACITY GAP 2 - UpdateCapacityProvider. ECS lets change managedScaling,
    # managedTerminationProtection and managedDraining (AutoScalingGroupProviderUpdate;
    # the Auto Scaling group itself cannot change), and managedInstancesProvider
    # (UpdateManagedInstancesProviderConfiguration). moto ignores managedDraining and
    # managedInstancesProvider, takes values outside the documented ranges, and answers
    # HTTP 500 for an unknown provider. The update is asynchronous: the response is the
    # provider as it was, with updateStatus UPDATE_IN_PROGRESS (aws-cli
    # examples/ecs/capacity-provider-update.rst: the answer to a targetCapacity=50 update
    # still shows targetCapacity 100); DescribeCapacityProviders then shows the new
    # values and UPDATE_COMPLETE. The emulator completes the update at once.
    @_wrap("update_capacity_provider")
    def update_capacity_provider(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        name = self._get_param("name") or ""
        provider = self.ecs_backend._get_provider(name)
        if provider is None or provider.status != "ACTIVE":
            raise ClientException("The specified capacity provider does not exist.")
        asg = self._get_param("autoScalingGroupProvider")
        managed = self._get_param("managedInstancesProvider")
        before = copy.deepcopy(provider)
        before.update_status = "UPDATE_IN_PROGRESS"
        before.update_status_reason = None
        if getattr(provider, "type", "") == "MANAGED_INSTANCES":
            if managed is not None:
                provider.managed_instances_provider.update(copy.deepcopy(managed))
            provider.update_status = "UPDATE_COMPLETE"
            return ActionResult({"capacityProvider": before})
        _validate_asg_provider(asg or {})
        original(self)
        if asg and asg.get("managedDraining") is not None:
            provider.auto_scaling_group_provider["managedDraining"] = asg["managedDraining"]
        provider.update_status = "UPDATE_COMPLETE"
        return ActionResult({"capacityProvider": before})

    applied.append("UpdateCapacityProvider changes what ECS lets change")

    # CAPACITY GAP 3 - DeleteCapacityProvider deletes at once whatever uses the
    # provider (moto removes it; an unknown name is HTTP 500). ECS:
    #  - "Only capacity providers that aren't associated with a cluster can be deleted."
    #    The call itself succeeds and answers the provider with status ACTIVE,
    #    updateStatus DELETE_FAILED and updateStatusReason "The capacity provider cannot
    #    be deleted because it is associated with cluster: NAME. Remove the capacity
    #    provider from the cluster and try again." (AWS Knowledge Center,
    #    repost.aws/knowledge-center/ecs-capacity-provider-error;
    #    hashicorp/terraform-provider-aws#48156; ekristen/aws-nuke#542);
    #  - otherwise it answers status ACTIVE, updateStatus DELETE_IN_PROGRESS (aws-cli
    #    examples/ecs/delete-capacity-provider.rst), after which DescribeCapacityProviders
    #    shows INACTIVE / DELETE_COMPLETE (CapacityProvider.updateStatus: "DELETE_COMPLETE
    #    The capacity provider was successfully deleted and has an INACTIVE status.");
    #  - "The FARGATE and FARGATE_SPOT capacity providers are reserved and can't be deleted."
    @_wrap("delete_capacity_provider")
    def delete_capacity_provider(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        ref = self._get_param("capacityProvider") or ""
        if _short_name(ref) in FARGATE_PROVIDERS:
            raise InvalidParameterException(
                "The FARGATE and FARGATE_SPOT capacity providers are reserved and can't be deleted."
            )
        backend = self.ecs_backend
        provider = backend._get_provider(ref)
        if provider is None or provider.status != "ACTIVE":
            raise ClientException("The specified capacity provider does not exist.")
        clusters = _clusters_associating(backend, provider.name)
        if getattr(provider, "type", "") == "MANAGED_INSTANCES" and getattr(provider, "cluster", None):
            clusters = [c for c in clusters if c != provider.cluster] or clusters
        if clusters:
            provider.update_status = "DELETE_FAILED"
            provider.update_status_reason = (
                f"The capacity provider cannot be deleted because it is associated with cluster: "
                f"{clusters[0]}. Remove the capacity provider from the cluster and try again."
            )
            return ActionResult({"capacityProvider": provider})
        answer = copy.copy(provider)
        answer.update_status = "DELETE_IN_PROGRESS"
        answer.update_status_reason = None
        provider.status = "INACTIVE"
        provider.update_status = "DELETE_COMPLETE"
        provider.update_status_reason = None
        return ActionResult({"capacityProvider": answer})

    applied.append("DeleteCapacityProvider refuses (DELETE_FAILED) while a cluster has it; INACTIVE after")

    # CAPACITY GAP 4 - DescribeCapacityProviders. ECS lists the FARGATE and FARGATE_SPOT
    # providers too (aws-cli examples/ecs/describe-capacity-providers.rst: status ACTIVE,
    # type FARGATE / FARGATE_SPOT), "returns up to 10 results and a nextToken value"
    # (maxResults "can be between 1 and 10"), and moto answers HTTP 500 without names.
    # A deleted provider stays describable by name as INACTIVE; it is not listed.
    @_wrap("describe_capacity_providers")
    def describe_capacity_providers(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        from moto.ecs.models import CapacityProvider

        from ecs_gaps import _page  # noqa: PLC0415 - beside this file

        backend = self.ecs_backend
        names = self._get_param("capacityProviders")
        fargate = {}
        for fname in FARGATE_PROVIDERS:
            cp = CapacityProvider.__new__(CapacityProvider)
            cp.capacity_provider_arn = (
                f"arn:aws:ecs:{self.region}:{self.current_account}:capacity-provider/{fname}"
            )
            cp.name, cp.status, cp.type, cp.tags = fname, "ACTIVE", fname, []
            cp.auto_scaling_group_provider, cp.update_status = None, None
            fargate[fname] = cp
        if names:
            found, failures = [], []
            for ref in names:
                if _short_name(ref) in fargate:
                    found.append(fargate[_short_name(ref)])
                    continue
                provider = backend._get_provider(ref)
                if provider is None:
                    failures.append(
                        {
                            "arn": ref
                            if ref.startswith("arn:")
                            else f"arn:aws:ecs:{self.region}:{self.current_account}:capacity-provider/{ref}",
                            "reason": "MISSING",
                        }
                    )
                else:
                    found.append(provider)
            items = found
        else:
            failures = []
            items = list(fargate.values()) + [
                p for p in backend.capacity_providers.values() if p.status == "ACTIVE"
            ]
        max_results = self._get_param("maxResults")
        if max_results is not None and not 1 <= int(max_results) <= 10:
            raise InvalidParameterException("maxResults must be between 1 and 10.")
        if max_results is None:
            self.params["maxResults"] = 10
        # include: "If TAGS is specified, the tags are included in the response. If this
        # field is omitted, tags aren't included" (published outputs show "tags": []).
        if "TAGS" not in (self._get_param("include") or []):
            items = [copy.copy(p) for p in items]
            for p in items:
                p.tags = []
        page, token = _page(self, items, 10)
        answer: dict[str, Any] = {"capacityProviders": page, "failures": failures}
        if token:
            answer["nextToken"] = token
        return ActionResult(answer)

    applied.append("DescribeCapacityProviders lists FARGATE/FARGATE_SPOT, pages of 10, INACTIVE by name")
    return applied


def _strategies() -> list[str]:
    applied = []

    # CAPACITY GAP 5 - PutClusterCapacityProviders removes a provider whatever uses it.
    # API reference: "You can only disassociate an existing capacity provider from a
    # cluster if it's not being used by any existing tasks"; ECS answers
    # ResourceInUseException "The specified capacity provider is in use and cannot be
    # removed." while a service's strategy names it (AWS Knowledge Center,
    # repost.aws/knowledge-center/ecs-capacity-provider-error; the exception as
    # CloudFormation relays it: github.com/pahud/cdk-fargate-patterns/issues/71).
    # A provider that is not ACTIVE (or does not exist) cannot be associated: "If
    # specifying a capacity provider that uses an Auto Scaling group, the capacity
    # provider must already be created"; "Only capacity providers with an ACTIVE or
    # UPDATING status can be used."
    def check_association(self: R) -> list[str]:
        backend = self.ecs_backend
        wanted = [_short_name(p) for p in self._get_param("capacityProviders") or []]
        for name in wanted:
            if name in FARGATE_PROVIDERS:
                continue
            provider = backend._get_provider(name)
            if provider is None or provider.status != "ACTIVE":
                raise InvalidParameterException(
                    f"The specified capacity provider {name} is not in an ACTIVE state. "
                    "Specify a valid capacity provider and try again."
                )
        for name in _provider_names(self._get_param("defaultCapacityProviderStrategy")):
            if _short_name(name) not in wanted:
                raise InvalidParameterException(
                    "The specified capacity provider strategy cannot contain a capacity provider "
                    "that is not associated with the cluster. Associate the capacity provider "
                    "with the cluster or specify a valid capacity provider and try again."
                )
        return wanted

    # the same rules when the cluster is created with its providers (CreateCluster
    # capacityProviders: "If specifying a capacity provider that uses an Auto Scaling
    # group, the capacity provider must already be created")
    @_wrap("create_cluster")
    def create_cluster(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        check_association(self)
        return original(self)

    @_wrap("put_cluster_capacity_providers")
    def put_cluster_capacity_providers(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster"))
        wanted = check_association(self)
        removed = {_short_name(p) for p in cluster.capacity_providers or []} - set(wanted)
        if removed:
            for svc in backend.services.values():
                if svc.cluster_name != cluster.name or svc.status not in ("ACTIVE", "DRAINING"):
                    continue
                used = {_short_name(n) for n in _provider_names(getattr(svc, "capacity_provider_strategy", None))}  # only services created with a strategy have one
                if used & removed:
                    raise ResourceInUseException(
                        "The specified capacity provider is in use and cannot be removed."
                    )
            for task in backend.tasks.get(cluster.name, {}).values():
                if task.last_status != "STOPPED" and task.capacity_provider_name in removed:
                    raise ResourceInUseException(
                        "The specified capacity provider is in use and cannot be removed."
                    )
        return original(self)

    applied.append("PutClusterCapacityProviders refuses to remove a provider in use; CreateCluster/Put need ACTIVE providers")

    # CAPACITY GAP 6 - a strategy naming a provider the cluster does not have. API
    # reference (CreateService / UpdateService / RunTask capacityProviderStrategy): "A
    # capacity provider must be associated with the cluster to be used in a capacity
    # provider strategy. The PutClusterCapacityProviders API is used to associate a
    # capacity provider with a cluster." moto takes any name. ECS answers
    # InvalidParameterException (the message text is ECS's as best known; the test
    # checks the exception's name).
    def check_strategy(self: R) -> None:
        strategy = self._get_param("capacityProviderStrategy")
        if not strategy:
            return
        cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
        associated = {_short_name(p) for p in cluster.capacity_providers or []}
        for name in _provider_names(strategy):
            if _short_name(name) not in associated:
                raise InvalidParameterException(
                    "The specified capacity provider strategy cannot contain a capacity provider "
                    "that is not associated with the cluster. Associate the capacity provider "
                    "with the cluster or specify a valid capacity provider and try again."
                )

    for action in ("create_service", "update_service", "run_task"):

        def guarded(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
            check_strategy(self)
            return original(self)

        _wrap(action)(guarded)
    applied.append("CreateService/UpdateService/RunTask refuse a provider the cluster does not have")
    return applied


def _agent() -> list[str]:
    applied = []

    def register_agents(backend: EC2ContainerServiceBackend, cluster_name: str) -> None:
        from moto.ec2.models import ec2_backends

        ec2 = ec2_backends[backend.account_id][backend.region_name]
        registered = {
            ci.ec2_instance_id for ci in backend.container_instances.get(cluster_name, {}).values()
        }
        for reservation in ec2.reservations.values():
            for instance in reservation.instances:
                if instance.state != "running" or instance.id in registered:
                    continue
                if _instance_cluster(instance) == cluster_name:
                    backend.register_container_instance(cluster_name, instance.id)

    # CAPACITY GAP 7 - nothing registers container instances. On an instance of an
    # ECS-optimized AMI the ECS agent calls RegisterContainerInstance (with the
    # instance identity document) into the cluster that ECS_CLUSTER in
    # /etc/ecs/ecs.config names, and keeps retrying until that cluster exists
    # (Developer Guide, "Amazon ECS container agent configuration": ECS_CLUSTER, "The
    # cluster that this agent should check into"). Emulated: when a cluster is created,
    # every running EC2 instance whose user data names it is registered.
    @_wrap("create_cluster")
    def create_cluster(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        result = original(self)
        register_agents(self.ecs_backend, self._get_param("clusterName") or "default")
        return result

    applied.append("container instances of the ASG register into the cluster their ECS_CLUSTER names")

    # CAPACITY GAP 8 - registeredContainerInstancesCount: "The number of container
    # instances registered into the cluster. This includes container instances in both
    # ACTIVE and DRAINING status." moto counts up on register and never down.
    original_deregister = EC2ContainerServiceBackend.deregister_container_instance

    def deregister_container_instance(
        self: EC2ContainerServiceBackend, cluster_str: str, container_instance_str: str, force: bool
    ) -> Any:
        ci = original_deregister(self, cluster_str, container_instance_str, force)
        cluster = self._get_cluster(cluster_str)
        cluster.registered_container_instances_count = len(
            self.container_instances.get(cluster.name, {})
        )
        ci.status = "INACTIVE"
        return ci

    EC2ContainerServiceBackend.deregister_container_instance = deregister_container_instance  # type: ignore[method-assign]
    applied.append("DeregisterContainerInstance lowers registeredContainerInstancesCount")

    # CAPACITY GAP 9 - ContainerInstance.capacityProviderName ("The capacity provider
    # that's associated with the container instance"): the provider over the instance's
    # Auto Scaling group. moto has none.
    @_wrap("describe_container_instances")
    def describe_container_instances(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        result = original(self)
        for ci in result.result.get("containerInstances", []):  # type: ignore[union-attr]
            ci.capacity_provider_name = _provider_of_instance(self.ecs_backend, ci.ec2_instance_id)
        return result

    applied.append("DescribeContainerInstances names the instance's capacity provider")
    return applied


def _provider_of_instance(backend: EC2ContainerServiceBackend, instance_id: str) -> str | None:
    group = _asg_of_instance(backend.account_id, backend.region_name, instance_id)
    if group is None:
        return None
    for provider in backend.capacity_providers.values():
        asg = provider.auto_scaling_group_provider or {}
        if provider.status == "ACTIVE" and asg.get("autoScalingGroupArn") in (group.arn, group.name):
            return provider.name
    return None


def _ec2_tasks() -> list[str]:
    applied = []

    # CAPACITY GAP 10 - host ports on EC2. moto reserves every mapping's hostPort on the
    # container instance, 0 included (so a second bridge task with dynamic ports cannot
    # be placed), and nothing for a host-mode mapping without hostPort. PortMapping:
    # bridge with hostPort omitted or 0 gets "a port in the ephemeral port range" (not
    # a reserved port: "Automatically assigned ports aren't included in the 100
    # reserved ports quota"); in host mode "the hostPort can either be left blank or set
    # to the same value as the containerPort".
    current_calc = EC2ContainerServiceBackend._calculate_task_resource_requirements

    def calculate_task_resource_requirements(task_definition: Any) -> dict[str, Any]:
        requirements = current_calc(task_definition)
        host_mode = getattr(task_definition, "network_mode", None) == "host"
        ports: list[Any] = []
        for cd in task_definition.container_definitions:
            for pm in cd.get("portMappings") or []:
                port = pm.get("hostPort") or (pm.get("containerPort") if host_mode else None)
                if port:
                    ports.append(port)
        requirements["PORTS"] = ports
        return requirements

    EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(  # type: ignore[method-assign]
        calculate_task_resource_requirements
    )
    applied.append("EC2 tasks reserve static host ports only (0 / omitted is dynamic)")

    # CAPACITY GAP 11 - an EC2 task's containers. moto describes one container (the
    # first definition's) with no networkBindings and, for a task run with a capacity
    # provider strategy, no launchType. ECS (Task / Container / NetworkBinding data
    # types): one container per definition, each with the networkBindings of its port
    # mappings: bindIP 0.0.0.0, containerPort, protocol, and hostPort = the given one,
    # containerPort in host mode, or an ephemeral port (49153-65535, see above) in
    # bridge mode; a task placed by an EC2 provider has launchType EC2 and its
    # capacityProviderName. awsvpc tasks have no network bindings (their ENI is the
    # binding).
    used_ephemeral: dict[str, set[int]] = {}

    def bindings(task_def: Any, cd: dict[str, Any], instance_arn: str) -> list[dict[str, Any]]:
        mode = getattr(task_def, "network_mode", None) or "bridge"
        if mode in ("awsvpc", "none"):
            return []
        out = []
        taken = used_ephemeral.setdefault(instance_arn, set())
        for pm in cd.get("portMappings") or []:
            container_port = pm.get("containerPort")
            host_port = pm.get("hostPort") or (container_port if mode == "host" else None)
            if not host_port:
                host_port = next(p for p in range(EPHEMERAL_FIRST, EPHEMERAL_LAST + 1) if p not in taken)
                taken.add(host_port)
            out.append(
                {
                    "bindIP": "0.0.0.0",
                    "containerPort": container_port,
                    "hostPort": host_port,
                    "protocol": pm.get("protocol") or "tcp",
                }
            )
        return out

    @_wrap("run_task")
    def run_task(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        result = original(self)
        backend = self.ecs_backend
        for task in result.result.get("tasks", []):  # type: ignore[union-attr]
            if not task.container_instance_arn:
                continue
            task_def = backend.describe_task_definition(task.task_definition_arn)
            containers = []
            for cd in task_def.container_definitions:
                c = Container(task_def)
                c.name, c.image = cd.get("name"), cd.get("image")
                c.cpu, c.memory = cd.get("cpu", 0), cd.get("memory")
                c.last_status = "RUNNING"
                c.network_bindings = bindings(task_def, cd, task.container_instance_arn)
                containers.append(c)
            task.containers = containers
            if not task.launch_type:
                task.launch_type = "EC2"
        return result

    applied.append("EC2 tasks have a container per definition with their network bindings")

    # release the dynamic ports of a stopped task
    @_wrap("stop_task")
    def stop_task(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        result = original(self)
        task = result.result.get("task")  # type: ignore[union-attr]
        if task is not None and task.container_instance_arn:
            taken = used_ephemeral.get(task.container_instance_arn, set())
            for c in task.containers:
                for b in getattr(c, "network_bindings", None) or []:
                    if EPHEMERAL_FIRST <= int(b["hostPort"]) <= EPHEMERAL_LAST:
                        taken.discard(int(b["hostPort"]))
        return result

    # CAPACITY GAP 13 - RegisterTaskDefinition keeps an EC2 port mapping verbatim. ECS
    # answers DescribeTaskDefinition with protocol "tcp" (PortMapping.protocol: "The
    # default is tcp") and, in bridge mode, hostPort 0 for a hostPort left out (the
    # dynamic mapping); in host mode the host port is the container port. Published
    # evidence of the bridge answer: terraform-provider-aws
    # aws/ecs_task_definition_equivalency_test.go (commit
    # 3fa5eb088ef1b41b4960c36d5541d60f6d074822), whose apiRepresentation of
    # {"containerPort": 80} is {"containerPort": 80, "hostPort": 0, "protocol": "tcp"}.
    # bridge is the default network mode of an EC2 task definition (moto agrees). awsvpc
    # is left as it was (outside this extension's EC2 scope).
    @_wrap("register_task_definition")
    def register_task_definition(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        params = self.params
        mode = params.get("networkMode")
        if mode is None and "FARGATE" not in (params.get("requiresCompatibilities") or []):
            mode = "bridge"
        if mode in ("bridge", "host"):
            for cd in params.get("containerDefinitions") or []:
                for pm in cd.get("portMappings") or []:
                    if "containerPortRange" in pm:
                        continue
                    pm.setdefault("protocol", "tcp")
                    if pm.get("hostPort") is None:
                        pm["hostPort"] = 0 if mode == "bridge" else pm.get("containerPort")
        return original(self)

    applied.append("RegisterTaskDefinition: bridge hostPort 0 / host hostPort = containerPort, tcp")

    # CAPACITY GAP 14 - container memory on EC2. moto refuses an EC2 task definition
    # without task-level memory whose container gives memoryReservation only ("At least
    # one of 'memory' or 'memoryReservation' must be specified", although it was). ECS
    # (ContainerDefinition.memoryReservation): "If a task-level memory value is not
    # specified, you must specify a non-zero integer for one or both of memory or
    # memoryReservation in a container definition"; the soft limit alone is the usual EC2
    # form. The check is kept for a container that gives neither.
    def validate_container_defs(
        memory: str | None, container_definitions: list[dict[str, Any]], requires_compatibilities: list[str] | None
    ) -> None:
        for cd in container_definitions:
            if "name" not in cd and "Name" not in cd:
                raise TaskDefinitionMissingPropertyError("name")
            if "image" not in cd and "Image" not in cd:
                raise TaskDefinitionMissingPropertyError("image")
            if not memory and not any(cd.get(k) for k in ("memory", "Memory", "memoryReservation", "MemoryReservation")):
                raise TaskDefinitionMemoryError(cd["name"])

    EC2ContainerServiceBackend._validate_container_defs = staticmethod(validate_container_defs)  # type: ignore[method-assign]
    applied.append("RegisterTaskDefinition on EC2 takes a container's memoryReservation alone")

    # CAPACITY GAP 12 - DAEMON services. CreateService schedulingStrategy: "DAEMON-The
    # daemon scheduling strategy deploys exactly one task on each active container
    # instance that meets all of the task placement constraints"; its desiredCount is
    # that number (ECS sets it; the request must not). moto keeps desiredCount 0.
    @_wrap("describe_services")
    def describe_services(self: R, original: Callable[[R], ActionResult]) -> ActionResult:
        result = original(self)
        backend = self.ecs_backend
        for svc in result.result.get("services", []):  # type: ignore[union-attr]
            if svc.scheduling_strategy != "DAEMON" or svc.launch_type == "FARGATE":
                continue
            active = [
                ci
                for ci in backend.container_instances.get(svc.cluster_name, {}).values()
                if ci.status == "ACTIVE"
            ]
            svc.desired_count = len(active)
            for dep in svc.deployments or []:
                if dep.get("status") == "PRIMARY":
                    dep["desiredCount"] = len(active)
        return result

    applied.append("DAEMON services want one task per active container instance")
    return applied
