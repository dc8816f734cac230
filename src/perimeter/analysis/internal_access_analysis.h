// Internal-access analysis of an inventory (docs/internal-access.md): the inventory's principals,
// groups, managed policies, organization policies and critical resources turned into the engine's
// input (reasoning/internal_access.h), under an ACCOUNT_INTERNAL_ACCESS or
// ORGANIZATION_INTERNAL_ACCESS analyzer's zone and analysis rule. Pure: no I/O.
//
// - Critical resources: the resource types AWS supports for internal access (Access Analyzer API
//   Reference, "InternalAccessAnalysisRuleCriteria": AWS::S3::Bucket, AWS::S3Express::
//   DirectoryBucket, AWS::DynamoDB::Table, AWS::DynamoDB::Stream, AWS::RDS::DBSnapshot,
//   AWS::RDS::DBClusterSnapshot), selected by the rule's inclusions: a resource is analyzed when
//   one inclusion matches it — every list the inclusion gives (accountIds, resourceTypes,
//   resourceArns) names it; no rule, or no inclusion, selects every supported resource of the zone.
//   RDS snapshots have no policy: their own account's principals reach them through their
//   identity-based policies, the accounts their "restore" attribute names get copy and restore
//   (the engine's `grants`). S3 buckets: their ACL (the engine's `grants`); requests through access
//   points give an error finding per access point (not analyzed yet), never silence.
// - Principals: every role and user record of the zone's accounts, with its inline policies, its
//   attached managed policies (the default version of the `managedPolicy` record), its groups'
//   inline and attached policies, its permissions boundary and tags; its organization id and OU
//   path from the organization record.
// - SCPs and RCPs: for each account, one level per entity of its OU path (root, OUs, the account),
//   each with the `organizationPolicy` records attached to that entity. A level with no record is
//   left out (Organizations attaches FullAWSAccess / RCPFullAWSAccess to every entity and a level
//   cannot be without one, so an empty level means the inventory does not list it: leaving it out
//   can only add findings). The management account has none (SCPs and RCPs do not apply to it).
// Problems (a policy that does not parse, a managed policy or group the inventory lacks) are
// issues with the record's position; a principal with such a problem still gets analyzed with
// what could be read, and the issue makes the run end with status 2.
#ifndef PERIMETER_ANALYSIS_INTERNAL_ACCESS_ANALYSIS_H_
#define PERIMETER_ANALYSIS_INTERNAL_ACCESS_ANALYSIS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/base/issue.h"
#include "perimeter/findings/internal_access_finding.h"
#include "perimeter/reasoning/internal_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/inventory.h"

namespace perimeter::analysis {

// InternalAccessAnalysisRuleCriteria.
struct InternalAccessCriteria {
  std::vector<std::string> account_ids;
  std::vector<std::string> resource_types;
  std::vector<std::string> resource_arns;
};

// InternalAccessConfiguration.analysisRule.
struct InternalAccessRule {
  std::vector<InternalAccessCriteria> inclusions;
};

// Reads an analysis rule as AWS's API writes it: {"inclusions": [{"accountIds": [...],
// "resourceTypes": [...], "resourceArns": [...]}]}; the whole InternalAccessConfiguration
// ({"analysisRule": {...}}) is accepted too. InvalidArgument with the reason otherwise, also for a
// resource type AWS does not support for internal access.
absl::StatusOr<InternalAccessRule> ParseInternalAccessRule(std::string_view json);

// The resource types AWS supports for internal access ("AWS::S3::Bucket", ...).
const std::vector<std::string_view>& InternalAccessResourceTypes();

struct InternalAccessAnalysis {
  std::vector<findings::InternalAccessFinding> findings;
  std::vector<base::Issue> issues;
  reasoning::InternalAccessStats stats;
};

// Analyzes `inventory` for an internal-access analyzer of `zone` with `rule`.
InternalAccessAnalysis AnalyzeInventoryInternalAccess(const resources::Inventory& inventory,
                                                      const reasoning::ZoneOfTrust& zone,
                                                      const InternalAccessRule& rule = {});

}  // namespace perimeter::analysis

#endif  // PERIMETER_ANALYSIS_INTERNAL_ACCESS_ANALYSIS_H_
