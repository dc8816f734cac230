// The one entry point the offline CLI, the server and access previews call to
// analyze a resource: its type's module (registry.h) turns the configuration
// into what the engine reasons about and into findings for attribute-based
// sharing, under the account's settings and the analyzer's zone of trust.
#ifndef PERIMETER_RESOURCES_ANALYZE_RESOURCE_H_
#define PERIMETER_RESOURCES_ANALYZE_RESOURCE_H_

#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/policy_analysis_memo.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

// Every external access to `resource` from outside `zone`, as Access Analyzer
// findings (AWS's shape, `resourceType`, `sources` for S3, stable ids, a
// witness request and the statements or grants that give it), plus the problems
// found in its configuration.
//
// `account` holds the settings of the resource owner's account (S3 Block Public
// Access, canonical user id) or is null when there is no account record;
// settings of another account are ignored.
//
// Never fails and never crashes on input: a configuration that cannot be read,
// or an analysis the engine cannot decide, gives an INTERNAL_ERROR finding
// whose reason names the resource's ARN, and positioned issues. REQUIRES:
// `resource` comes from ReadInventory (its configuration belongs to its
// document).
//
// With `memo` (may be null; one per thread), the engine's analysis of a policy is shared between
// resources whose analysis cannot differ but for the resource's name (policy_analysis_memo.h): the
// findings are the same as without it.
ResourceAnalysis AnalyzeResource(const Resource &resource, const AccountSettings *account,
                                 const reasoning::ZoneOfTrust &zone,
                                 PolicyAnalysisMemo *memo = nullptr);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_ANALYZE_RESOURCE_H_
