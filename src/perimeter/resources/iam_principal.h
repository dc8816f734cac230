// The IAM principals and Organizations policies an inventory records (docs/inventory.md, kinds
// "principal", "group" and "organizationPolicy"), read for internal-access analysis
// (reasoning/internal_access.h): the roles and users of the zone with the identity-based policies
// attached to them, and the SCPs and RCPs with the roots, OUs and accounts they are attached to.
// Shapes follow IAM's GetAccountAuthorizationDetails (IAM API Reference, "RoleDetail",
// "UserDetail", "GroupDetail") and Organizations' DescribePolicy / ListTargetsForPolicy.
#ifndef PERIMETER_RESOURCES_IAM_PRINCIPAL_H_
#define PERIMETER_RESOURCES_IAM_PRINCIPAL_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "perimeter/base/source_position.h"

namespace perimeter::resources {

// An IAM role or user (kind "principal") or group (kind "group"). Policy documents are JSON text,
// decoded (not URL-encoded).
struct IamPrincipalRecord {
  std::string arn;         // arn:aws:iam::ACCOUNT:role/PATH/NAME, user/..., group/...
  std::string account_id;  // from the ARN
  std::map<std::string, std::string> inline_policies;  // policy name -> document
  std::vector<std::string> attached_managed_policies;  // policy ARNs (kind "managedPolicy")
  std::vector<std::string> groups;                     // users: group names of the same account
  std::optional<std::string> permissions_boundary;     // a managed policy ARN
  std::map<std::string, std::string> tags;
  base::SourcePosition position;  // of the record in its file
};

enum class OrganizationPolicyType { kServiceControlPolicy, kResourceControlPolicy };

// An SCP or RCP and its attachments (kind "organizationPolicy").
struct OrganizationPolicyRecord {
  OrganizationPolicyType type = OrganizationPolicyType::kServiceControlPolicy;
  std::string id;       // "p-examplepolicyid111"
  std::string name;     // "FullAWSAccess"
  std::string content;  // the policy document
  // Where it is attached: a root ("r-ab12"), an OU ("ou-ab12-11111111") or an account id.
  std::vector<std::string> targets;
  base::SourcePosition position;
};

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_IAM_PRINCIPAL_H_
