// An IAM managed policy as an inventory records it (docs/inventory.md, `kind: "managedPolicy"`):
// the members of IAM's ManagedPolicyDetail (IAM API Reference, "ManagedPolicyDetail" and
// "PolicyVersion", as GetAccountAuthorizationDetails returns them). Managed policies are
// identity-based and grant no external access: they are kept so that the server can answer IAM
// GetPolicy and GetPolicyVersion (api/iam_operations.h), which cfn-policy-validator calls for a
// ManagedPolicyArns entry its template does not define.
#ifndef PERIMETER_RESOURCES_MANAGED_POLICY_H_
#define PERIMETER_RESOURCES_MANAGED_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "perimeter/base/source_position.h"

namespace perimeter::resources {

struct ManagedPolicyVersion {
  std::string version_id;  // "v1"
  std::string document;    // the policy JSON, decoded (not URL-encoded)
  bool is_default_version = false;
  absl::Time create_date = absl::UnixEpoch();
};

struct ManagedPolicy {
  // The account whose record this is: a customer managed policy's own account; for an AWS managed
  // policy, the account that imported it (only that account reads it, so no account can change
  // what another one sees).
  std::string account_id;
  // arn:PARTITION:iam::ACCOUNT:policy/PATH/NAME, or arn:PARTITION:iam::aws:policy/... for an AWS
  // managed policy.
  std::string arn;
  std::string policy_name;
  std::string policy_id;
  std::string path = "/";
  std::string default_version_id;
  std::optional<std::string> description;
  int64_t attachment_count = 0;
  int64_t permissions_boundary_usage_count = 0;
  bool is_attachable = true;
  absl::Time create_date = absl::UnixEpoch();
  absl::Time update_date = absl::UnixEpoch();
  std::vector<ManagedPolicyVersion> versions;
  base::SourcePosition position;  // of the record in its file
};

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_MANAGED_POLICY_H_
