"""Start-up extension for the Resource Groups Tagging API (issue 19): where moto 5.2.5
pages GetResources differently from the API reference.

Same conventions as ecs_gaps.py: the patch wraps one of moto's response methods, names
the gap and the documented behaviour, and has a test in
test/integration/emulator-tagging-gaps.test.ts that fails without it
(ECS_EMULATOR_NO_EXTENSIONS=1).
"""

from __future__ import annotations

import moto
from moto.core.responses import ActionResult
from moto.resourcegroupstaggingapi.exceptions import ResourceGroupsTaggingAPIError
from moto.resourcegroupstaggingapi.responses import ResourceGroupsTaggingAPIResponse as R

MOTO_VERSION = "5.2.5"

# Larger than any estate the emulator holds: "no tag limit on the page".
_NO_TAG_LIMIT = 1 << 30


def apply() -> list[str]:
    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(
            f"scripts/emulator_ext was written for moto {MOTO_VERSION}, found {moto.__version__}"
        )
    applied: list[str] = []

    # TAGGING GAP 1 - GetResources ends a page at 100 tags even when the request gives
    # only ResourcesPerPage (moto's response defaults TagsPerPage to 100 and always
    # applies it), so a page of services carrying the controller's 5 to 6 tags holds 16
    # to 20 resources, not 100. Resource Groups Tagging API reference, GetResources,
    # Request Parameters:
    #  - ResourcesPerPage: "Specifies the maximum number of results to be returned in
    #    each page. ... You can set ResourcesPerPage to a minimum of 1 item and the
    #    maximum of 100 items."
    #  - TagsPerPage: "AWS recommends using ResourcesPerPage instead of this parameter.
    #    A limit that restricts the number of tags (key and value pairs) returned by
    #    GetResources in paginated output. ... You can set TagsPerPage to a minimum of
    #    100 items up to a maximum of 500 items." (a limit the caller sets, not one the
    #    service applies when the request leaves it out)
    # So: the tag limit applies only when TagsPerPage is in the request; ResourcesPerPage
    # (moto's default of 50 kept for a request with neither) alone bounds the page.
    def get_resources(self: R) -> ActionResult:
        given_tags_per_page = self._get_param("TagsPerPage")
        if given_tags_per_page is not None:
            return original(self)
        resources_per_page = self._get_int_param("ResourcesPerPage", 50)
        if resources_per_page not in range(1, 101):
            raise ResourceGroupsTaggingAPIError(
                "InvalidParameterException", "ResourcesPerPage must be between 1 and 100"
            )
        token, mapping = self.backend.get_resources(
            pagination_token=self._get_param("PaginationToken"),
            tag_filters=self._get_param("TagFilters", []),
            resources_per_page=resources_per_page,
            tags_per_page=_NO_TAG_LIMIT,
            resource_type_filters=self._get_param("ResourceTypeFilters", []),
            resource_arn_list=self._get_param("ResourceARNList", []),
        )
        return ActionResult(
            {
                "ResourceTagMappingList": [
                    {
                        "ResourceARN": resource.arn,
                        "Tags": [{"Key": k, "Value": v} for k, v in resource.tags.items()],
                    }
                    for resource in mapping
                ],
                "PaginationToken": token,
            }
        )

    original = R.get_resources
    get_resources.__name__ = "get_resources"
    R.get_resources = get_resources  # type: ignore[method-assign]
    applied.append("GetResources pages by ResourcesPerPage; the tag limit only with TagsPerPage")
    return applied
