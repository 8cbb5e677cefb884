"""Start-up extensions for the prune safety work (issue 13): where moto 5.2.5 is more
lenient than the Amazon ECS API reference about deleting things.

Same conventions as ecs_gaps.py: each patch wraps one of moto's response methods,
names the gap and the documented behaviour, and has a test in
test/integration/emulator-prune-gaps.test.ts that fails without it (ECS_EMULATOR_NO_EXTENSIONS=1).
"""

from __future__ import annotations

from typing import Any, Callable

import moto
from moto.core.responses import ActionResult
from moto.ecs.exceptions import ECSException
from moto.ecs.responses import EC2ContainerServiceResponse as R

MOTO_VERSION = "5.2.5"


class ClusterContainsServicesException(ECSException):
    def __init__(self) -> None:
        super().__init__(
            "ClusterContainsServicesException",
            "The Cluster cannot be deleted while Services are active.",
        )


class ClusterContainsTasksException(ECSException):
    def __init__(self) -> None:
        super().__init__(
            "ClusterContainsTasksException",
            "The Cluster cannot be deleted while Tasks are active.",
        )


class ClusterContainsContainerInstancesException(ECSException):
    def __init__(self) -> None:
        super().__init__(
            "ClusterContainsContainerInstancesException",
            "The Cluster cannot be deleted while Container Instances are active or draining.",
        )


def apply() -> list[str]:
    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(
            f"scripts/emulator_ext was written for moto {MOTO_VERSION}, found {moto.__version__}"
        )
    applied: list[str] = []

    # PRUNE GAP 1 - DeleteCluster deletes a cluster whatever runs in it (moto marks it
    # INACTIVE unconditionally). ECS API reference, DeleteCluster, Errors:
    #  - ClusterContainsServicesException: "You can't delete a cluster that contains
    #    services. First, update the service to reduce its desired task count to 0, and
    #    then delete the service." (a DRAINING service counts: it is still in the cluster)
    #  - ClusterContainsTasksException: "You can't delete a cluster that has active tasks."
    #  - ClusterContainsContainerInstancesException: "You can't delete a cluster that has
    #    registered container instances. First, deregister the container instances before
    #    you can delete the cluster."
    original: Callable[[R], ActionResult] = R.delete_cluster

    def delete_cluster(self: R) -> ActionResult:
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster"))
        name = cluster.name
        services = [
            s
            for s in backend.services.values()
            if s.cluster_name == name and s.status in ("ACTIVE", "DRAINING")
        ]
        if services:
            raise ClusterContainsServicesException()
        tasks: dict[str, Any] = backend.tasks.get(name, {})
        if any(t.desired_status == "RUNNING" and t.last_status != "STOPPED" for t in tasks.values()):
            raise ClusterContainsTasksException()
        if backend.container_instances.get(name):
            raise ClusterContainsContainerInstancesException()
        return original(self)

    delete_cluster.__name__ = "delete_cluster"
    R.delete_cluster = delete_cluster  # type: ignore[method-assign]
    applied.append("DeleteCluster refuses a cluster with services, tasks or container instances")
    return applied
