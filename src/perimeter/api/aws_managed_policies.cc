#include "perimeter/api/aws_managed_policies.h"

#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/catalog/managed_policies/aws_managed_policies.h"
#include "perimeter/findings/finding_record.h"

namespace perimeter::api {
namespace {

absl::Time DateOrEpoch(std::string_view text) {
  std::optional<absl::Time> time = findings::ParseTimestamp(text);
  return time.value_or(absl::UnixEpoch());
}

}  // namespace

std::string AwsManagedPolicyId(std::string_view arn) {
  std::string digest = aws::sigv4::HexSha256(arn);
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string id = "ANPA";
  for (size_t i = 0; i < 17; ++i) {
    int byte = std::stoi(digest.substr(2 * i, 2), nullptr, 16);
    id.push_back(kAlphabet[byte % 32]);
  }
  return id;
}

AwsManagedPolicies::AwsManagedPolicies() {
  std::span<const catalog::AwsManagedPolicyEntry> table = catalog::AwsManagedPolicyTable();
  policies_.reserve(table.size());
  for (const catalog::AwsManagedPolicyEntry& entry : table) {
    resources::ManagedPolicy policy;
    policy.account_id = "aws";
    policy.arn = std::string(entry.arn);
    policy.policy_name = std::string(entry.policy_name);
    policy.policy_id = AwsManagedPolicyId(entry.arn);
    policy.path = std::string(entry.path);
    policy.default_version_id = std::string(entry.default_version_id);
    policy.create_date = DateOrEpoch(entry.create_date);
    policy.update_date = DateOrEpoch(entry.update_date);
    // The default version was created when the policy was last updated.
    policy.versions.push_back(resources::ManagedPolicyVersion{
        std::string(entry.default_version_id), std::string(entry.document),
        /*is_default_version=*/true, policy.update_date});
    policies_.push_back(std::move(policy));
  }
}

const resources::ManagedPolicy* AwsManagedPolicies::Find(std::string_view arn) const {
  const catalog::AwsManagedPolicyEntry* entry = catalog::FindAwsManagedPolicy(arn);
  if (entry == nullptr) return nullptr;
  // The table and policies_ have the same order.
  return &policies_[entry - catalog::AwsManagedPolicyTable().data()];
}

FindManagedPolicy WithAwsManagedPolicies(FindManagedPolicy imported,
                                         const AwsManagedPolicies& shipped) {
  return [imported = std::move(imported), &shipped](
             std::string_view account, std::string_view arn) -> const resources::ManagedPolicy* {
    if (const resources::ManagedPolicy* own = imported ? imported(account, arn) : nullptr)
      return own;
    if (!arn.starts_with("arn:aws:iam::aws:policy/")) return nullptr;
    return shipped.Find(arn);
  };
}

}  // namespace perimeter::api
