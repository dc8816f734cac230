#include "perimeter/reasoning/zone_of_trust.h"

#include <algorithm>

namespace perimeter::reasoning {

const OrganizationMember* Organization::FindMember(std::string_view account_id) const {
  for (const OrganizationMember& member : members) {
    if (member.account_id == account_id) return &member;
  }
  return nullptr;
}

ZoneOfTrust ZoneOfTrust::ForAccount(std::string account_id,
                                    std::optional<Organization> organization) {
  ZoneOfTrust zone;
  zone.type_ = Type::kAccount;
  zone.account_id_ = std::move(account_id);
  zone.organization_ = std::move(organization);
  return zone;
}

ZoneOfTrust ZoneOfTrust::ForOrganization(Organization organization) {
  ZoneOfTrust zone;
  zone.type_ = Type::kOrganization;
  zone.account_id_ = organization.management_account;
  zone.organization_ = std::move(organization);
  return zone;
}

bool ZoneOfTrust::ContainsAccount(std::string_view account_id) const {
  switch (type_) {
    case Type::kAccount:
      return account_id == account_id_;
    case Type::kOrganization:
      return account_id == account_id_ ||
             (organization_.has_value() && organization_->FindMember(account_id) != nullptr);
  }
  return false;
}

std::vector<std::string> ZoneOfTrust::Accounts() const {
  std::vector<std::string> accounts = {account_id_};
  if (type_ == Type::kOrganization && organization_.has_value()) {
    for (const OrganizationMember& member : organization_->members)
      accounts.push_back(member.account_id);
  }
  std::sort(accounts.begin(), accounts.end());
  accounts.erase(std::unique(accounts.begin(), accounts.end()), accounts.end());
  return accounts;
}

}  // namespace perimeter::reasoning
