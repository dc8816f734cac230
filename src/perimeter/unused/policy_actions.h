// The actions an identity-based policy allows, expanded against the IAM catalogue: what the
// unused-access analysis compares with the last-accessed data, and what the recommendation keeps.
// Pure; a CatalogActions caches the catalogue's action names for one analysis (not thread-safe:
// one per thread).
#ifndef PERIMETER_UNUSED_POLICY_ACTIONS_H_
#define PERIMETER_UNUSED_POLICY_ACTIONS_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/policy/policy.h"

namespace perimeter::unused {

// A catalogue action as AWS spells it ("s3:GetObject"), with its service prefix ("s3").
struct CatalogAction {
  std::string service;
  std::string full_name;
};

class CatalogActions {
 public:
  // The actions `pattern` matches. IAM matches action names ignoring case (IAM User Guide, "IAM
  // JSON policy elements: Action"). Empty when it matches no catalogue action.
  std::vector<const CatalogAction*> Matching(std::string_view pattern);
  // Every action of `service` (lower case prefix); empty for an unknown service.
  const std::vector<CatalogAction>& ActionsOf(const std::string& service);
  std::vector<const CatalogAction*> All();

 private:
  const std::vector<std::string>& Services();
  std::vector<std::string> services_;
  std::map<std::string, std::vector<CatalogAction>> actions_;
};

// The actions a statement's Action (or, for NotAction, every action but those) names. A pattern
// matching no catalogue action is appended to `problems`.
std::set<const CatalogAction*> StatementActions(const policy::Statement& statement,
                                                CatalogActions& catalog,
                                                std::vector<std::string>& problems);

// What a principal's identity-based policies allow, per service ("s3" -> {"s3:GetObject", ...}),
// sorted, each once.
using AllowedActions = std::map<std::string, std::vector<std::string>>;

// The catalogue actions `document` (an identity-based policy) allows on some resource under some
// request: those of its Allow statements minus those a Deny statement refuses unconditionally on
// every resource (Resource "*", no Condition). An unreadable policy allows nothing and is
// reported in `problems`, as are action patterns that match no catalogue action.
AllowedActions AllowedBy(const std::string& document, CatalogActions& catalog,
                         std::vector<std::string>& problems);

}  // namespace perimeter::unused

#endif  // PERIMETER_UNUSED_POLICY_ACTIONS_H_
