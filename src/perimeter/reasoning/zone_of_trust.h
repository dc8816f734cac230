// The zone of trust of an analyzer: one account (type ACCOUNT) or every member account of an AWS
// Organization (type ORGANIZATION). Principals inside it are never reported; everything outside it
// is external. IAM User Guide, "Using AWS IAM Access Analyzer: Zone of trust".
#ifndef PERIMETER_REASONING_ZONE_OF_TRUST_H_
#define PERIMETER_REASONING_ZONE_OF_TRUST_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perimeter::reasoning {

struct OrganizationMember {
  std::string account_id;
  // What aws:PrincipalOrgPaths carries for principals of this account:
  // "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/".
  std::string ou_path;
};

// The organization an account belongs to, as far as the analysis knows it.
struct Organization {
  std::string id;  // "o-a1b2c3d4e5"
  std::string management_account;
  std::vector<OrganizationMember> members;

  const OrganizationMember* FindMember(std::string_view account_id) const;
};

class ZoneOfTrust {
 public:
  enum class Type { kAccount, kOrganization };

  // The zone of an ACCOUNT analyzer. `organization`, when known, is the account's organization: it
  // gives principals of the same organization their aws:PrincipalOrgID (they are still external).
  static ZoneOfTrust ForAccount(std::string account_id,
                                std::optional<Organization> organization = std::nullopt);
  // The zone of an ORGANIZATION analyzer: every member account.
  static ZoneOfTrust ForOrganization(Organization organization);

  Type type() const { return type_; }
  // The analyzer's account (ACCOUNT) or the management account (ORGANIZATION).
  const std::string& account_id() const { return account_id_; }
  const std::optional<Organization>& organization() const { return organization_; }

  // Whether principals of `account_id` are inside the zone.
  bool ContainsAccount(std::string_view account_id) const;
  // Every account inside the zone, sorted.
  std::vector<std::string> Accounts() const;

 private:
  Type type_ = Type::kAccount;
  std::string account_id_;
  std::optional<Organization> organization_;
};

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_ZONE_OF_TRUST_H_
