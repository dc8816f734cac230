#include "perimeter/ingest/internal/s3_acl.h"

#include <optional>
#include <string>
#include <string_view>

#include "perimeter/base/text.h"
#include "perimeter/json/document.h"

namespace perimeter::ingest::internal {
namespace {

struct CannedAcl {
  std::string_view header_name;          // x-amz-acl
  std::string_view cloudformation_name;  // AWS::S3::Bucket AccessControl
  struct Grant {
    std::string_view permission;
    std::string_view group;
  };
  Grant grants[2];  // an empty permission ends the list
};

constexpr CannedAcl kCannedAcls[] = {
    {"public-read", "PublicRead", {{"READ", "AllUsers"}, {}}},
    {"public-read-write", "PublicReadWrite", {{"READ", "AllUsers"}, {"WRITE", "AllUsers"}}},
    {"authenticated-read", "AuthenticatedRead", {{"READ", "AuthenticatedUsers"}, {}}},
    {"log-delivery-write",
     "LogDeliveryWrite",
     {{"WRITE", "LogDelivery"}, {"READ_ACP", "LogDelivery"}}},
};

}  // namespace

void AclGrants::Add(std::string_view permission, std::string_view grantee_kind,
                    std::string_view grantee) {
  json_ +=
      base::Concat(json_.empty() ? "" : ",", "{\"permission\":", json::Quote(permission),
                   ",\"grantee\":{", json::Quote(grantee_kind), ":", json::Quote(grantee), "}}");
}

ConfigurationMember AclGrants::Member(base::SourcePosition position) const {
  return ConfigurationMember{"bucketAclGrants", base::Concat("[", json_, "]"), position};
}

std::optional<std::string_view> S3GroupUri(std::string_view group) {
  if (group == "AllUsers") return "http://acs.amazonaws.com/groups/global/AllUsers";
  if (group == "AuthenticatedUsers")
    return "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
  if (group == "LogDelivery") return "http://acs.amazonaws.com/groups/s3/LogDelivery";
  return std::nullopt;
}

std::optional<AclGrants> CannedAclGrants(std::string_view name) {
  for (const CannedAcl& canned : kCannedAcls) {
    if (name != canned.header_name && name != canned.cloudformation_name) continue;
    AclGrants grants;
    for (const CannedAcl::Grant& grant : canned.grants) {
      if (grant.permission.empty()) break;
      // The table names predefined groups only.
      grants.Add(grant.permission, "uri", *S3GroupUri(grant.group));
    }
    return grants;
  }
  return std::nullopt;
}

}  // namespace perimeter::ingest::internal
