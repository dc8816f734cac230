// `aws iam get-account-authorization-details` → IAM roles with their trust policies.
//
// Shape (IAM API Reference, "GetAccountAuthorizationDetails" and "RoleDetail"): {"UserDetailList",
// "GroupDetailList", "RoleDetailList": [{"RoleName", "Arn", "Path", "AssumeRolePolicyDocument",
// ...}], "Policies", "IsTruncated", "Marker"}. The API returns policy documents URL-encoded (RFC
// 3986); the AWS CLI decodes them into objects. Both are read.
//
// Role trust policies decide external access (a resource each). Users, roles and groups with their
// inline policies (UserPolicyList, RolePolicyList, GroupPolicyList), attached managed policies,
// group membership (GroupList), permissions boundaries and tags, and the managed policies' versions
// (Policies) become `principal`, `group` and `managedPolicy` records for internal-access analysis
// (docs/internal-access.md); they grant no external access.
#include <string>
#include <vector>

#include "perimeter/base/text.h"
#include "perimeter/ingest/internal/converters.h"
#include "perimeter/resources/policy_positions.h"

namespace perimeter::ingest::internal {
namespace {

// A policy document as IAM exports it: an object (the CLI decodes it) or a URL-encoded string.
std::optional<std::string> DocumentText(const json::Value& value, std::string_view what,
                                        InventoryBuilder& builder) {
  if (value.is_object()) return std::string(value.source_text());
  if (value.is_string()) {
    std::optional<std::string> decoded = UrlDecode(value.text());
    if (decoded.has_value()) return decoded;
  }
  builder.Error(
      "ingest.wrong-type", value.position(),
      base::Concat(what, " must be a policy document (an object or a URL-encoded string)"));
  return std::nullopt;
}

std::string StringMember(const json::Value& object, std::string_view key) {
  std::optional<json::Value> value = object.Find(key);
  return value.has_value() && value->is_string() ? std::string(value->text()) : "";
}

// Reads the identity side of a UserDetail, RoleDetail or GroupDetail: `policy_list` (inline),
// AttachedManagedPolicies, and for users and roles PermissionsBoundary and Tags; for users
// GroupList.
resources::IamPrincipalRecord ReadIdentity(const json::Value& detail, std::string_view policy_list,
                                           std::string_view what, InventoryBuilder& builder) {
  resources::IamPrincipalRecord record;
  record.arn = StringMember(detail, "Arn");
  record.account_id = ArnAccount(record.arn);
  record.position = detail.position();
  if (std::optional<json::Value> list = detail.Find(policy_list); list && list->is_array()) {
    for (const json::Value& entry : list->children()) {
      if (!entry.is_object()) continue;
      std::optional<json::Value> document = entry.Find("PolicyDocument");
      std::string name = StringMember(entry, "PolicyName");
      if (!document.has_value()) continue;
      if (std::optional<std::string> text =
              DocumentText(*document, base::Concat(what, ".", policy_list, " ", name), builder))
        record.inline_policies[name] = *text;
    }
  }
  if (std::optional<json::Value> list = detail.Find("AttachedManagedPolicies");
      list && list->is_array()) {
    for (const json::Value& entry : list->children()) {
      if (entry.is_object())
        record.attached_managed_policies.push_back(StringMember(entry, "PolicyArn"));
    }
  }
  if (std::optional<json::Value> list = detail.Find("GroupList"); list && list->is_array()) {
    for (const json::Value& entry : list->children()) {
      if (entry.is_string()) record.groups.push_back(std::string(entry.text()));
    }
  }
  if (std::optional<json::Value> boundary = detail.Find("PermissionsBoundary");
      boundary && boundary->is_object()) {
    std::string arn = StringMember(*boundary, "PermissionsBoundaryArn");
    if (!arn.empty()) record.permissions_boundary = arn;
  }
  if (std::optional<json::Value> tags = detail.Find("Tags"); tags && tags->is_array()) {
    for (const json::Value& tag : tags->children()) {
      if (tag.is_object()) record.tags[StringMember(tag, "Key")] = StringMember(tag, "Value");
    }
  }
  return record;
}

void ReadIdentities(const json::Value& root, std::string_view list_name,
                    std::string_view policy_list, bool group, InventoryBuilder& builder,
                    std::string& account) {
  std::optional<json::Value> list = root.Find(list_name);
  if (!list.has_value()) return;
  if (!list->is_array()) {
    builder.Error("ingest.wrong-type", list->position(),
                  base::Concat(list_name, " must be an array"));
    return;
  }
  size_t index = 0;
  for (const json::Value& detail : list->children()) {
    std::string what = base::Concat(list_name, "[", index++, "]");
    if (!detail.is_object() || ArnAccount(StringMember(detail, "Arn")).empty()) {
      builder.Error("ingest.missing-field", detail.position(), base::Concat(what, " has no Arn"));
      continue;
    }
    resources::IamPrincipalRecord record = ReadIdentity(detail, policy_list, what, builder);
    if (account.empty()) account = record.account_id;
    if (group) {
      builder.AddGroup(std::move(record));
    } else {
      builder.AddPrincipal(std::move(record));
    }
  }
}

}  // namespace

void ConvertIamAuthorizationDetails(const json::Value& root, const IngestOptions& options,
                                    InventoryBuilder& builder) {
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
  std::string account = options.account_id;
  ReadIdentities(root, "UserDetailList", "UserPolicyList", false, builder, account);
  ReadIdentities(root, "RoleDetailList", "RolePolicyList", false, builder, account);
  ReadIdentities(root, "GroupDetailList", "GroupPolicyList", true, builder, account);
  std::optional<json::Value> policies = root.Find("Policies");
  if (policies.has_value() && policies->is_array()) {
    size_t index = 0;
    for (const json::Value& detail : policies->children()) {
      std::string what = base::Concat("Policies[", index++, "]");
      if (!detail.is_object()) continue;
      resources::ManagedPolicy policy;
      policy.arn = StringMember(detail, "Arn");
      // An AWS managed policy is recorded under the account the output belongs to.
      policy.account_id = ArnAccount(policy.arn) == "aws" ? account : ArnAccount(policy.arn);
      policy.policy_name = StringMember(detail, "PolicyName");
      policy.policy_id = StringMember(detail, "PolicyId");
      policy.path = StringMember(detail, "Path");
      if (policy.path.empty()) policy.path = "/";
      policy.default_version_id = StringMember(detail, "DefaultVersionId");
      if (std::optional<json::Value> versions = detail.Find("PolicyVersionList");
          versions && versions->is_array()) {
        for (const json::Value& version : versions->children()) {
          if (!version.is_object()) continue;
          std::optional<json::Value> document = version.Find("Document");
          if (!document.has_value()) continue;
          resources::ManagedPolicyVersion v;
          v.version_id = StringMember(version, "VersionId");
          std::optional<json::Value> is_default = version.Find("IsDefaultVersion");
          v.is_default_version = is_default && is_default->is_bool() && is_default->boolean();
          std::optional<std::string> text = DocumentText(*document, what + ".Document", builder);
          if (!text.has_value()) continue;
          v.document = *std::move(text);
          policy.versions.push_back(std::move(v));
        }
      }
      policy.position = detail.position();
      if (policy.arn.empty() || policy.account_id.empty()) {
        builder.Error("ingest.missing-field", detail.position(),
                      base::Concat(what, " has no Arn, or no account to record it under"));
        continue;
      }
      builder.AddManagedPolicy(std::move(policy));
    }
  }
}

}  // namespace perimeter::ingest::internal
