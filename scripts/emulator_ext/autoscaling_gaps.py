"""Start-up extension for Application Auto Scaling (issue 19): where moto 5.2.5 pages the
describe calls differently from the API reference.

Same conventions as ecs_gaps.py: each patch wraps one of moto's response methods, names
the gap and the documented behaviour, and has a test in
test/integration/emulator-autoscaling-gaps.test.ts that fails without it
(ECS_EMULATOR_NO_EXTENSIONS=1).
"""

from __future__ import annotations

import json

import moto
from moto.applicationautoscaling import responses as aas_responses
from moto.applicationautoscaling.exceptions import AWSValidationException
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse as R

MOTO_VERSION = "5.2.5"


def _page(items: list, token: str | None, max_results: int) -> tuple[list, str | None]:
    """One page from an offset token: the next token is where the next page starts, none after the last."""
    start = int(token) if token else 0
    page = items[start : start + max_results]
    end = start + len(page)
    return page, (str(end) if end < len(items) else None)


def _max_results(value: int | None, default: int, most: int) -> int:
    if value is None:
        return default
    if value < 1 or value > most:
        bound = "greater than or equal to 1" if value < 1 else f"less than or equal to {most}"
        raise AWSValidationException(
            f"1 validation error detected: Value '{value}' at 'maxResults' failed to satisfy constraint: Member must have value {bound}"
        )
    return value


def apply() -> list[str]:
    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(
            f"scripts/emulator_ext was written for moto {MOTO_VERSION}, found {moto.__version__}"
        )
    applied: list[str] = []

    # AAS GAP 1 - DescribeScalableTargets answers a NextToken that is the index of the last
    # target *within the page* (moto: str(len(page) - 1)), so from the third page on every
    # page is the second one again and a paginating client never ends (a 2,000-service
    # estate's 200 targets: thousands of calls, then out of memory). Application Auto
    # Scaling API reference, DescribeScalableTargets: MaxResults "can be between 1 and 50.
    # The default value is 50. If this parameter is used, the operation returns up to
    # MaxResults results at a time, along with a NextToken value. To get the next set of
    # results, include the NextToken value in a subsequent call."; the response's NextToken
    # is "The token required to get the next set of results. This value is null if there
    # are no more results to return."
    def describe_scalable_targets(self: R) -> str:
        self._validate_params()
        targets = self.applicationautoscaling_backend.describe_scalable_targets(
            self._get_param("ServiceNamespace"),
            self._get_param("ResourceIds"),
            self._get_param("ScalableDimension"),
        )
        page, token = _page(
            list(targets), self._get_param("NextToken"), _max_results(self._get_int_param("MaxResults"), 50, 50)
        )
        return json.dumps(
            {"ScalableTargets": [aas_responses._build_target(t) for t in page], "NextToken": token}
        )

    describe_scalable_targets.__name__ = "describe_scalable_targets"
    R.describe_scalable_targets = describe_scalable_targets  # type: ignore[method-assign]
    applied.append("DescribeScalableTargets pages on (NextToken = where the next page starts)")

    # AAS GAP 2 - DescribeScalingPolicies takes MaxResults up to 100 (moto's default) and
    # matches ResourceId as a substring (service/prod/web also answers for
    # service/prod/web2's request). API reference, DescribeScalingPolicies: MaxResults
    # "The maximum number of scalable targets. This value can be between 1 and 10. The
    # default value is 10."; ResourceId "The identifier of the resource associated with the
    # scaling policy" (one resource: its policies, no other's).
    def describe_scaling_policies(self: R) -> str:
        service_namespace = self._get_param("ServiceNamespace")
        resource_id = self._get_param("ResourceId")
        dimension = self._get_param("ScalableDimension")
        max_results = _max_results(self._get_int_param("MaxResults"), 10, 10)
        backend = self.applicationautoscaling_backend
        policies = [p for p in backend.policies.values() if p.service_namespace == service_namespace]
        if resource_id:
            policies = [p for p in policies if p.resource_id == resource_id]
        if dimension:
            policies = [p for p in policies if p.scalable_dimension == dimension]
        page, token = _page(policies, self._get_param("NextToken"), max_results)
        return json.dumps({"ScalingPolicies": [aas_responses._build_policy(p) for p in page], "NextToken": token})

    describe_scaling_policies.__name__ = "describe_scaling_policies"
    R.describe_scaling_policies = describe_scaling_policies  # type: ignore[method-assign]
    applied.append("DescribeScalingPolicies: MaxResults at most 10 (default 10), ResourceId matched whole")

    # AAS GAP 3 - DescribeScheduledActions answers every action in one response, never a
    # NextToken ("Pagination is not yet implemented"). API reference,
    # DescribeScheduledActions: MaxResults "can be between 1 and 50. The default value is
    # 50. If this parameter is used, the operation returns up to MaxResults results at a
    # time, along with a NextToken value."
    def describe_scheduled_actions(self: R) -> str:
        params = json.loads(self.body)
        actions = self.applicationautoscaling_backend.describe_scheduled_actions(
            scheduled_action_names=params.get("ScheduledActionNames"),
            service_namespace=params.get("ServiceNamespace"),
            resource_id=params.get("ResourceId"),
            scalable_dimension=params.get("ScalableDimension"),
        )
        page, token = _page(list(actions), params.get("NextToken"), _max_results(params.get("MaxResults"), 50, 50))
        return json.dumps(
            {"ScheduledActions": [aas_responses._build_scheduled_action(a) for a in page], "NextToken": token}
        )

    describe_scheduled_actions.__name__ = "describe_scheduled_actions"
    R.describe_scheduled_actions = describe_scheduled_actions  # type: ignore[method-assign]
    applied.append("DescribeScheduledActions pages by MaxResults (at most 50) with NextToken")
    return applied
