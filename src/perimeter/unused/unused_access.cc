#include "perimeter/unused/unused_access.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "perimeter/base/text.h"
#include "perimeter/unused/policy_actions.h"

namespace perimeter::unused {
namespace {

using findings::FindingType;
using findings::UnusedAccessFinding;

std::optional<absl::Time> WhenOf(const LastUsed& used) {
  if (used.state == LastUsed::State::kUsed) return used.when;
  return std::nullopt;
}

bool InZone(const IamPrincipal& principal, const UnusedAccessZone& zone) {
  switch (zone.kind) {
    case UnusedAccessZone::Kind::kAccount:
      return principal.account == zone.account;
    case UnusedAccessZone::Kind::kOrganization:
      return std::find(zone.member_accounts.begin(), zone.member_accounts.end(),
                       principal.account) != zone.member_accounts.end();
  }
  return false;
}

bool Excluded(const IamPrincipal& principal, const UnusedAccessConfiguration& configuration) {
  for (const UnusedAccessConfiguration::Exclusion& exclusion : configuration.exclusions) {
    if (std::find(exclusion.account_ids.begin(), exclusion.account_ids.end(), principal.account) !=
        exclusion.account_ids.end()) {
      return true;
    }
    for (const std::map<std::string, std::string>& tags : exclusion.resource_tags) {
      bool all = !tags.empty();
      for (const auto& [key, value] : tags) {
        auto it = principal.tags.find(key);
        if (it == principal.tags.end() || it->second != value) all = false;
      }
      if (all) return true;
    }
  }
  return false;
}

// Whether a credential (or role) is unused: last used before `threshold`, or never used while it
// existed the whole period. nullopt with `reason` set when the data does not say.
std::optional<bool> IsUnused(const LastUsed& used, std::optional<absl::Time> created,
                             absl::Time threshold, std::string& reason) {
  switch (used.state) {
    case LastUsed::State::kUnknown:
      reason = "no last-used data was given";
      return std::nullopt;
    case LastUsed::State::kUsed:
      return used.when < threshold;
    case LastUsed::State::kNeverUsed:
      if (!created.has_value()) {
        reason = "never used, but its creation date is not known";
        return std::nullopt;
      }
      return *created < threshold;
  }
  return std::nullopt;
}

class Analysis {
 public:
  Analysis(const UnusedAccessConfiguration& configuration, absl::Time now)
      : threshold_(now - absl::Hours(24) * configuration.unused_access_age_days) {}

  void Principal(const IamPrincipal& principal, UnusedAccessResult& result) {
    // IAM User Guide, "Create an IAM Access Analyzer unused access analyzer": "The analyzer will
    // only evaluate permissions for IAM entities ... that have existed for the entire tracking
    // period."
    if (!principal.created.has_value()) {
      result.undecided.push_back({principal.arn, "principal",
                                  "its creation date is not known, so whether it existed for the "
                                  "whole tracking period is not known"});
      return;
    }
    if (*principal.created >= threshold_) return;
    ++result.principals_analyzed;
    bool role_unused = false;
    std::string reason;
    switch (principal.kind) {
      case PrincipalKind::kIamRole: {
        std::optional<bool> unused =
            IsUnused(principal.role_last_used, principal.created, threshold_, reason);
        if (!unused.has_value()) {
          result.undecided.push_back({principal.arn, "role", reason});
        } else if (*unused) {
          role_unused = true;
          Add(result, principal, FindingType::kUnusedIamRole,
              {findings::UnusedIamRoleDetails{WhenOf(principal.role_last_used)}});
        }
        break;
      }
      case PrincipalKind::kIamUser:
        Password(principal, result);
        AccessKeys(principal, result);
        break;
    }
    // An unused role's permissions are all unused: the UnusedIAMRole finding says it, and AWS's
    // recommendation for it is to delete the role, so no UnusedPermission finding repeats it.
    if (!role_unused) Permissions(principal, result);
  }

 private:
  void Add(UnusedAccessResult& result, const IamPrincipal& principal, FindingType type,
           std::vector<findings::UnusedFindingDetails> details) {
    UnusedAccessFinding finding;
    finding.type = type;
    finding.resource = principal.arn;
    finding.resource_type =
        principal.kind == PrincipalKind::kIamRole ? "AWS::IAM::Role" : "AWS::IAM::User";
    finding.resource_owner_account = principal.account;
    finding.details = std::move(details);
    result.findings.push_back(std::move(finding));
  }

  void Password(const IamPrincipal& principal, UnusedAccessResult& result) {
    if (!principal.password_enabled.has_value()) {
      result.undecided.push_back(
          {principal.arn, "password", "no credential report row covers the user"});
      return;
    }
    if (!*principal.password_enabled) return;
    std::string reason;
    std::optional<absl::Time> created =
        principal.password_changed.has_value() ? principal.password_changed : principal.created;
    std::optional<bool> unused =
        IsUnused(principal.password_last_used, created, threshold_, reason);
    if (!unused.has_value()) {
      result.undecided.push_back({principal.arn, "password", reason});
    } else if (*unused) {
      Add(result, principal, FindingType::kUnusedIamUserPassword,
          {findings::UnusedIamUserPasswordDetails{WhenOf(principal.password_last_used)}});
    }
  }

  void AccessKeys(const IamPrincipal& principal, UnusedAccessResult& result) {
    if (!principal.access_keys.has_value()) {
      result.undecided.push_back(
          {principal.arn, "access keys", "no credential report row covers the user"});
      return;
    }
    for (const AccessKey& key : *principal.access_keys) {
      if (!key.active) continue;  // an inactive key cannot be used
      std::string reason;
      std::optional<bool> unused = IsUnused(key.last_used, key.created, threshold_, reason);
      if (!unused.has_value()) {
        result.undecided.push_back({principal.arn, base::Concat("access key ", key.id), reason});
      } else if (*unused) {
        Add(result, principal, FindingType::kUnusedIamUserAccessKey,
            {findings::UnusedIamUserAccessKeyDetails{key.id, WhenOf(key.last_used)}});
      }
    }
  }

  void Permissions(const IamPrincipal& principal, UnusedAccessResult& result) {
    AllowedActions allowed;
    for (const IdentityPolicy& policy : principal.policies) {
      std::vector<std::string> problems;
      for (auto& [service, actions] : AllowedBy(policy.document, catalog_, problems)) {
        std::vector<std::string>& into = allowed[service];
        into.insert(into.end(), actions.begin(), actions.end());
      }
      for (std::string& problem : problems) {
        result.undecided.push_back({principal.arn, base::Concat("policy ", policy.id), problem});
      }
    }
    for (const std::string& missing : principal.missing_policies) {
      result.undecided.push_back(
          {principal.arn, "permissions",
           base::Concat("the policy ", missing, " is attached but not given")});
    }
    if (!principal.missing_policies.empty() || allowed.empty()) return;
    if (!principal.services.has_value()) {
      result.undecided.push_back(
          {principal.arn, "permissions", "no service last accessed details were given for it"});
      return;
    }
    std::map<std::string, const ServiceActivity*> activity;
    for (const ServiceActivity& service : *principal.services) {
      activity[absl::AsciiStrToLower(service.service_namespace)] = &service;
    }
    std::vector<findings::UnusedFindingDetails> details;
    for (auto& [service, actions] : allowed) {
      std::sort(actions.begin(), actions.end());
      actions.erase(std::unique(actions.begin(), actions.end()), actions.end());
      auto it = activity.find(service);
      if (it == activity.end()) {
        result.undecided.push_back(
            {principal.arn, base::Concat("service ", service),
             "the policies allow it but the service last accessed details do not list it"});
        continue;
      }
      const ServiceActivity& seen = *it->second;
      std::string reason;
      std::optional<bool> unused =
          IsUnused(seen.last_authenticated, principal.created, threshold_, reason);
      if (!unused.has_value()) {
        result.undecided.push_back({principal.arn, base::Concat("service ", service), reason});
        continue;
      }
      findings::UnusedPermissionDetails detail{
          seen.service_namespace, {}, WhenOf(seen.last_authenticated)};
      if (seen.actions.has_value()) {
        for (const std::string& action : actions) {
          auto tracked = FindIgnoringCase(*seen.actions, action);
          if (tracked == seen.actions->end()) continue;  // not tracked: never reported unused
          std::optional<bool> action_unused =
              IsUnused(tracked->second, principal.created, threshold_, reason);
          if (!action_unused.has_value()) {
            result.undecided.push_back({principal.arn, base::Concat("action ", action), reason});
          } else if (*action_unused) {
            detail.actions.push_back({action, WhenOf(tracked->second)});
          }
        }
        if (detail.actions.empty()) continue;
      } else if (!*unused) {
        continue;
      }
      details.push_back(std::move(detail));
    }
    if (!details.empty())
      Add(result, principal, FindingType::kUnusedPermission, std::move(details));
  }

  static std::map<std::string, LastUsed>::const_iterator FindIgnoringCase(
      const std::map<std::string, LastUsed>& actions, const std::string& action) {
    auto it = actions.find(action);
    if (it != actions.end()) return it;
    for (it = actions.begin(); it != actions.end(); ++it) {
      if (absl::EqualsIgnoreCase(it->first, action)) return it;
    }
    return actions.end();
  }

  absl::Time threshold_;
  CatalogActions catalog_;
};

}  // namespace

UnusedAccessResult AnalyzeUnusedAccess(const std::vector<IamPrincipal>& principals,
                                       const UnusedAccessZone& zone,
                                       const UnusedAccessConfiguration& configuration,
                                       absl::Time now) {
  UnusedAccessResult result;
  Analysis analysis(configuration, now);
  for (const IamPrincipal& principal : principals) {
    if (!InZone(principal, zone)) continue;
    if (Excluded(principal, configuration)) {
      ++result.principals_excluded;
      continue;
    }
    analysis.Principal(principal, result);
  }
  return result;
}

}  // namespace perimeter::unused
