// `aws iam get-account-authorization-details` → IAM roles with their trust policies.
//
// Shape (IAM API Reference, "GetAccountAuthorizationDetails" and "RoleDetail"): {"UserDetailList",
// "GroupDetailList", "RoleDetailList": [{"RoleName", "Arn", "Path", "AssumeRolePolicyDocument",
// ...}], "Policies", "IsTruncated", "Marker"}. The API returns policy documents URL-encoded (RFC
// 3986); the AWS CLI decodes them into objects. Both are read.
//
// Only role trust policies decide external access here: users, groups and managed policies are
// identity-based and are counted in a note, not analyzed.
#include <string>

#include "perimeter/base/text.h"
#include "perimeter/ingest/internal/converters.h"
#include "perimeter/resources/policy_positions.h"

namespace perimeter::ingest::internal {

void ConvertIamAuthorizationDetails(const json::Value& root, const IngestOptions& options,
                                    InventoryBuilder& builder) {
  (void)options;
  if (!root.is_object()) {
    builder.Error("ingest.wrong-type", root.position(),
                  "get-account-authorization-details output must be an object");
    return;
  }
  if (std::optional<json::Value> truncated = root.Find("IsTruncated");
      truncated.has_value() && truncated->is_bool() && truncated->boolean()) {
    builder.Error(
        "ingest.truncated", truncated->position(),
        "the output is truncated (IsTruncated): the roles of the following pages are missing; "
        "run the command without --max-items, or give every page");
  }
  std::optional<json::Value> roles = root.Find("RoleDetailList");
  if (roles.has_value() && !roles->is_array()) {
    builder.Error("ingest.wrong-type", roles->position(), "RoleDetailList must be an array");
  } else if (roles.has_value()) {
    size_t index = 0;
    for (const json::Value& role : roles->children()) {
      builder.CountRecord();
      std::string what = base::Concat("RoleDetailList[", index++, "]");
      if (!role.is_object()) {
        builder.Error("ingest.wrong-type", role.position(),
                      base::Concat(what, " must be an object"));
        builder.SkipRecord();
        continue;
      }
      std::optional<json::Value> arn = role.Find("Arn");
      std::optional<json::Value> trust = role.Find("AssumeRolePolicyDocument");
      if (!arn.has_value() || !arn->is_string() || ArnAccount(arn->text()).empty()) {
        builder.Error("ingest.missing-field", role.position(),
                      base::Concat(what, " has no role Arn"));
        builder.SkipRecord();
        continue;
      }
      if (!trust.has_value()) {
        builder.Error("ingest.missing-field", role.position(),
                      base::Concat(what, " (", arn->text(), ") has no AssumeRolePolicyDocument"));
        builder.SkipRecord();
        continue;
      }
      std::optional<std::string> policy = PolicyMemberJson(
          *trust, trust->position(), base::Concat(what, ".AssumeRolePolicyDocument"), builder);
      if (!policy.has_value()) {
        builder.SkipRecord();
        continue;
      }
      builder.AddMember(resources::ResourceType::kIamRole, arn->text(), ArnAccount(arn->text()), "",
                        ConfigurationMember{"trustPolicy", *policy, trust->position(),
                                            resources::PolicyStatementPositions(*trust)},
                        true);
    }
  }
  for (std::string_view list : {"UserDetailList", "GroupDetailList", "Policies"}) {
    std::optional<json::Value> value = root.Find(list);
    if (!value.has_value() || !value->is_array() || value->size() == 0) continue;
    builder.Note(
        "ingest.out-of-scope", value->position(),
        base::Concat(value->size(), " entr", value->size() == 1 ? "y" : "ies", " of ", list,
                     " skipped: identity-based policies do not grant external access"));
  }
}

}  // namespace perimeter::ingest::internal
