// What every resource module needs around the engine: the catalogue's actions
// for a resource type, running the engine on one policy of the resource,
// findings built directly from sharing attributes (ACL grants, KMS grants,
// snapshot permissions), error findings, and merging findings that share a key.
#ifndef PERIMETER_RESOURCES_INTERNAL_FINDINGS_BUILDER_H_
#define PERIMETER_RESOURCES_INTERNAL_FINDINGS_BUILDER_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/findings/finding.h"
#include "perimeter/policy/policy.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/internal/config_reader.h"
#include "perimeter/resources/policy_analysis_memo.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources::internal {

// "service:Action" for every action of `service` on `resource_type` in the IAM
// catalogue, sorted. It depends on the type only: the target builders keep it in a
// function-local constant, computed once per process, instead of walking the catalogue for
// every resource (docs/performance.md).
std::vector<std::string> CatalogActions(std::string_view service, std::string_view resource_type);

// The partition of an ARN ("aws" when it cannot be read).
std::string PartitionOf(std::string_view arn);

// Runs the engine on `policy` of `resource`, with the Z3 oracle where the engine
// cannot decide (reasoning/z3/analyze_with_oracle.h). The findings keep the
// engine's witnesses and explanations. With `gate`, a request needs the gate
// policy's allowance as well (an access point's requests and the bucket policy);
// the targets then carry their ARN maps. With `memo` (may be null), a result the memo holds for the
// same policy under the same key (policy_analysis_memo.h) is instantiated for `resource` instead of
// analyzing again, and a fresh result is stored when it may be shared.
reasoning::AnalysisResult AnalyzePolicy(const Resource &resource, const policy::Policy &policy,
                                        policy::PolicyKind kind,
                                        std::vector<reasoning::ResourceTarget> targets,
                                        std::vector<findings::FindingSource> sources,
                                        std::string label, const reasoning::ZoneOfTrust &zone,
                                        std::optional<reasoning::GatePolicy> gate = std::nullopt,
                                        PolicyAnalysisMemo *memo = nullptr);

// The memo's key for analyzing `policy` of `resource` (policy_analysis_memo.h), or nullopt when
// the result may depend on more than the key holds (then the analysis is never shared).
std::optional<std::string> PolicyMemoKey(const Resource &resource, const policy::Policy &policy,
                                         policy::PolicyKind kind,
                                         const std::vector<reasoning::ResourceTarget> &targets,
                                         const std::vector<findings::FindingSource> &sources,
                                         std::string_view label, const reasoning::ZoneOfTrust &zone,
                                         const std::optional<reasoning::GatePolicy> &gate);

// An INTERNAL_ERROR finding for `resource`: the analysis could not be
// completed, for `reason`.
findings::Finding ErrorFinding(const Resource &resource, std::string reason,
                               std::vector<findings::FindingSource> sources = {});

// A finding built from a sharing attribute rather than a policy. Sets resource
// fields and the id.
struct DirectGrant {
  std::map<std::string, std::string> principal;
  std::vector<std::string> actions;
  std::map<std::string, std::string> condition;
  bool is_public = false;
  std::vector<findings::FindingSource> sources;
  findings::Witness witness;
  findings::StatementRef explanation;
};
findings::Finding DirectFinding(const Resource &resource, DirectGrant grant);

// Adds `finding` to `into`, merging it with a finding of the same key
// (FindingKey): actions and explanations are united, the first witness is kept.
void MergeFinding(std::vector<findings::Finding> &into, findings::Finding finding);

// An account outside the zone, for witnesses of grants to "everyone".
std::string SampleExternalAccount(const reasoning::ZoneOfTrust &zone);

// The issues that make a configuration unreadable, as one error finding's
// reason.
std::string DescribeErrors(const Resource &resource, const std::vector<base::Issue> &issues);

}  // namespace perimeter::resources::internal

#endif  // PERIMETER_RESOURCES_INTERNAL_FINDINGS_BUILDER_H_
