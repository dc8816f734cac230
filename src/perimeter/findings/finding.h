// An external-access finding in AWS IAM Access Analyzer's shape (botocore accessanalyzer model:
// Finding / FindingSummary / ExternalAccessDetails), plus what Perimeter adds: a witness request
// that proves the access real and the statements that grant it. See docs/access-analyzer-rules.md
// §2.
#ifndef PERIMETER_FINDINGS_FINDING_H_
#define PERIMETER_FINDINGS_FINDING_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/source_position.h"
#include "perimeter/findings/internal_access_details.h"
#include "perimeter/findings/unused_access_finding.h"

namespace perimeter::findings {

enum class FindingSourceType { kPolicy, kBucketAcl, kS3AccessPoint, kS3AccessPointAccount };

std::string_view FindingSourceTypeName(FindingSourceType type);  // "POLICY", "BUCKET_ACL", ...

struct FindingSource {
  FindingSourceType type = FindingSourceType::kPolicy;
  std::optional<std::string> access_point_arn;
  std::optional<std::string> access_point_account;

  friend bool operator==(const FindingSource&, const FindingSource&) = default;
  friend auto operator<=>(const FindingSource&, const FindingSource&) = default;
};

// One concrete request that the concrete evaluator allows and that lies inside the finding.
struct Witness {
  std::string principal;       // an ARN, account id, provider or canonical id; "" for anonymous
  std::string principal_type;  // eval::PrincipalTypeName
  std::string action;
  std::string resource;
  std::map<std::string, std::vector<std::string>>
      context;  // the condition keys the request carries
};

// A statement that grants the access.
struct StatementRef {
  std::string policy;  // which policy of the resource: "resource", "acl", an access point ARN, ...
  size_t index = 0;    // 0-based statement index
  std::optional<std::string> sid;
  base::SourcePosition position;
};

struct Finding {
  std::string id;  // stable: a function of resource, principal, condition and sources
  std::map<std::string, std::string> principal;  // {"AWS": "999988887777"}; empty on error findings
  std::vector<std::string> actions;              // sorted, AWS's spelling
  std::map<std::string, std::string> condition;  // restricting conditions, {} when none
  bool is_public = false;
  std::string resource;
  std::string resource_type;  // "AWS::S3::Bucket"
  std::string resource_owner_account;
  std::vector<FindingSource> sources;
  // Error findings: the analysis could not decide (fail closed). "INTERNAL_ERROR" or
  // "ACCESS_DENIED", with a reason for people.
  std::optional<std::string> error;
  std::string error_reason;
  std::optional<Witness> witness;
  std::vector<StatementRef> explanation;
  // AWS's findingType. For kExternalAccess the members above describe the access. For the
  // unused-access types (unused_access_finding.h) `resource` is the principal, and
  // `unused_details` holds the finding's FindingDetails; principal, actions, condition and sources
  // stay empty. For kInternalAccess (internal_access_record.h) principal, actions, condition and
  // sources describe the access as for external access, and `internal_details` holds the other
  // members of AWS's InternalAccessDetails; is_public stays false.
  FindingType type = FindingType::kExternalAccess;
  std::vector<UnusedFindingDetails> unused_details;
  std::optional<InternalAccessDetails> internal_details;  // kInternalAccess only
};

// True for the four unused-access finding types.
bool IsUnusedAccessType(FindingType type);

// The Finding the store and the API keep for an unused-access finding: id UnusedFindingId.
Finding ToFinding(const UnusedAccessFinding& finding);

// The finding's identity for lifecycle purposes: resource, principal, condition and sources
// (docs/access-analyzer-rules.md §4.1). Two analyses that find the same access give the same key.
// Internal-access findings have the same identity behind an "InternalAccess|" prefix; unused-access
// findings UnusedFindingKey's.
std::string FindingKey(const Finding& finding);

// Appends to `key` the identity of an access: its resource, principal, condition and sources,
// each field with its length (FindingKey's body; internal access keys share it).
void AppendAccessIdentity(std::string& key, std::string_view resource,
                          const std::map<std::string, std::string>& principal,
                          const std::map<std::string, std::string>& condition,
                          const std::vector<FindingSource>& sources);

// A stable UUID-shaped id derived from FindingKey (the same key always gives the same id).
std::string StableFindingId(const Finding& finding);

// The UUID-shaped id of any finding key (StableFindingId is StableIdOfKey(FindingKey(finding))):
// for the finding types whose identity is not FindingKey's (unused access, internal access).
std::string StableIdOfKey(std::string_view key);

}  // namespace perimeter::findings

#endif  // PERIMETER_FINDINGS_FINDING_H_
