#include "perimeter/analysis/policy_check_request.h"

#include "perimeter/base/text.h"

namespace perimeter::analysis {

std::optional<CheckPolicyType> ParseCheckPolicyType(std::string_view name) {
  if (name == "IDENTITY_POLICY") return CheckPolicyType::kIdentityPolicy;
  if (name == "RESOURCE_POLICY") return CheckPolicyType::kResourcePolicy;
  return std::nullopt;
}

policy::PolicyKind PolicyKindOf(CheckPolicyType type) {
  switch (type) {
    case CheckPolicyType::kIdentityPolicy:
      return policy::PolicyKind::kIdentity;
    case CheckPolicyType::kResourcePolicy:
      return policy::PolicyKind::kResource;
  }
  return policy::PolicyKind::kResource;  // not reached: the switch covers every type
}

policy::PolicyKind PublicAccessPolicyKind(std::string_view resource_type) {
  return resource_type == "AWS::IAM::AssumeRolePolicyDocument" ? policy::PolicyKind::kRoleTrust
                                                               : policy::PolicyKind::kResource;
}

namespace {

// One Access object: its actions and resources are appended to `out`.
void ReadAccess(const json::Value& item, AccessToCheck& out,
                std::vector<MemberViolation>& violations) {
  if (!item.is_object()) {
    violations.push_back({"access", "Member must hold objects {actions, resources}"});
    return;
  }
  for (const json::Value& member : item.members()) {
    std::vector<std::string>* into = member.key() == "actions"     ? &out.actions
                                     : member.key() == "resources" ? &out.resources
                                                                   : nullptr;
    std::string path = base::Concat("access.", member.key());
    if (into == nullptr || !member.is_array() || member.size() > kMaxAccessEntries) {
      violations.push_back({path, "Member must be a list of at most 100 strings"});
      continue;
    }
    for (const json::Value& entry : member.children()) {
      if (entry.is_string()) {
        into->emplace_back(entry.text());
      } else {
        violations.push_back({path, "Member must hold strings"});
      }
    }
  }
}

}  // namespace

AccessToCheck ReadAccessToCheck(const json::Value& access, AccessForm form,
                                std::vector<MemberViolation>& violations) {
  AccessToCheck out;
  if (access.is_object() && form == AccessForm::kListOrObject) {
    ReadAccess(access, out, violations);
  } else if (!access.is_array() || access.size() > kMaxAccesses) {
    violations.push_back({"access", "Member must be a list of at most 1 access"});
    return out;
  } else {
    for (const json::Value& item : access.children()) ReadAccess(item, out, violations);
  }
  if (out.actions.empty() && out.resources.empty()) {
    violations.push_back({"access", "Member must name at least one action or resource"});
  }
  return out;
}

}  // namespace perimeter::analysis
