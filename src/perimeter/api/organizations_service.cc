#include "perimeter/api/organizations_service.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "perimeter/api/api_result.h"
#include "perimeter/aws/arn.h"
#include "perimeter/base/text.h"
#include "perimeter/json/writer.h"

namespace perimeter::api {

namespace {

// JSON 1.1 timestamps are epoch seconds (botocore's default timestampFormat for the json protocol).
std::string EpochSeconds(absl::Time time) {
  int64_t millis = absl::ToUnixMillis(time);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%lld.%03lld", static_cast<long long>(millis / 1000),
                static_cast<long long>(millis % 1000));
  return buffer;
}

AwsError NotInUse() {
  return OrganizationsError("AWSOrganizationsNotInUseException",
                            "Your account is not a member of an organization.");
}
AwsError Denied() {
  return OrganizationsError("AccessDeniedException",
                            "You don't have permissions to access this resource.");
}
AwsError AccountNotFound() {
  return OrganizationsError("AccountNotFoundException",
                            "You specified an account that doesn't exist.");
}
AwsError NotRegistered() {
  return OrganizationsError(
      "AccountNotRegisteredException",
      "The provided account is not a registered delegated administrator for your organization.");
}
AwsError InvalidInput(std::string message, std::string reason) {
  return OrganizationsError("InvalidInputException", std::move(message), std::move(reason));
}

ApiResponse Ok(std::string body) {
  return ApiResponse{200, {{"Content-Type", "application/x-amz-json-1.1"}}, std::move(body)};
}

using aws::IsAccountId;

bool IsServicePrincipal(std::string_view principal) {
  if (principal.empty() || principal.size() > 128) return false;
  for (char c : principal) {
    bool word =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!word && std::string_view("+=,.@-").find(c) == std::string_view::npos) return false;
  }
  return true;
}

// Reads NextToken/MaxResults and returns the page [begin, end) of `total` items, or an error.
struct PageBounds {
  size_t begin = 0;
  size_t end = 0;
  std::optional<std::string> next_token;
};

ApiResult<PageBounds> Page(RequestReader& reader, size_t total) {
  std::optional<std::string> token = reader.String("NextToken");
  std::optional<int64_t> max_results = reader.Int("MaxResults");
  if (!reader.ok()) return InvalidInput(reader.error().message, "INVALID_INPUT");
  PageBounds bounds;
  if (token) {
    char* end = nullptr;
    unsigned long long offset = std::strtoull(token->c_str(), &end, 10);
    if (token->empty() || *end != '\0' || offset > total) {
      return InvalidInput("The specified token is not valid.", "INVALID_NEXT_TOKEN");
    }
    bounds.begin = static_cast<size_t>(offset);
  }
  if (max_results && (*max_results < 1 || *max_results > 20)) {
    return InvalidInput("You provided a value that is outside the allowed range.",
                        *max_results < 1 ? "MIN_VALUE_EXCEEDED" : "MAX_VALUE_EXCEEDED");
  }
  size_t size = max_results ? static_cast<size_t>(*max_results) : 20;
  bounds.end = std::min(total, bounds.begin + size);
  if (bounds.end < total) bounds.next_token = std::to_string(bounds.end);
  return bounds;
}

void WriteAccount(json::Writer& w, const service::Environment& environment,
                  const service::Account& account) {
  const service::OrganizationInfo& organization = *environment.organization;
  w.Key("Id").String(account.id);
  w.Key("Arn").String(base::Concat("arn:aws:organizations::", organization.management_account,
                                   ":account/", organization.id, "/", account.id));
  w.Key("Email").String(base::Concat("aws+", account.id, "@example.com"));
  w.Key("Name").String(account.name.empty() ? account.id : account.name);
  w.Key("Status").String("ACTIVE");
  w.Key("State").String("ACTIVE");
  w.Key("JoinedMethod")
      .String(account.id == organization.management_account ? "CREATED" : "INVITED");
  w.Key("JoinedTimestamp")
      .Number("1577836800.000");  // 2020-01-01: the example organization's start
}

// The organization's tree as the members' OU paths give it ("o-ID/r-ROOT/ou-A/ou-B/"): each OU's
// and each member account's parent, and each parent's child OUs. The server knows OUs only by id:
// their names are their ids.
struct OrganizationTree {
  std::string root;
  std::map<std::string, std::string> parent;                 // OU or account id -> parent id
  std::map<std::string, std::set<std::string>> child_units;  // root or OU id -> child OU ids
};

OrganizationTree TreeOf(const service::Environment& environment) {
  OrganizationTree tree;
  const service::OrganizationInfo& organization = *environment.organization;
  for (const service::Account& account : environment.accounts) {
    if (!environment.IsMember(account.id)) continue;
    std::vector<std::string> segments;
    std::string_view path = account.ou_path;
    while (!path.empty()) {
      size_t slash = path.find('/');
      segments.emplace_back(path.substr(0, slash));
      path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
    }
    // [organization, root, OUs...]; a member without a path sits at the root.
    std::string parent = segments.size() >= 2 ? segments[1] : service::RootIdFor(organization.id);
    if (tree.root.empty()) tree.root = parent;
    for (size_t i = 2; i < segments.size(); ++i) {
      tree.parent[segments[i]] = parent;
      tree.child_units[parent].insert(segments[i]);
      parent = segments[i];
    }
    tree.parent[account.id] = parent;
  }
  if (tree.root.empty()) tree.root = service::RootIdFor(organization.id);
  return tree;
}

}  // namespace

ApiResponse OrganizationsService::Handle(const Caller& caller, std::string_view operation,
                                         std::string_view body) {
  std::shared_ptr<const service::Environment> environment = environment_();
  RequestReader reader(body);
  if (!reader.ok())
    return Json11Error(OrganizationsError("SerializationException", reader.error().message));
  if (!environment->organization || !environment->IsMember(caller.account_id))
    return Json11Error(NotInUse());
  const service::OrganizationInfo& organization = *environment->organization;
  bool is_management = caller.account_id == organization.management_account;

  absl::StatusOr<std::vector<store::DelegatedAdministrator>> administrators =
      store_.ListDelegatedAdministrators();
  if (!administrators.ok())
    return Json11Error(OrganizationsError("ServiceException", "internal error"));
  bool is_delegated_administrator = false;
  for (const store::DelegatedAdministrator& administrator : *administrators) {
    if (administrator.account_id == caller.account_id) is_delegated_administrator = true;
  }
  auto members = [&]() {
    std::vector<const service::Account*> out;
    for (const service::Account& account : environment->accounts) {
      if (environment->IsMember(account.id)) out.push_back(&account);
    }
    return out;
  };
  auto member_account = [&](std::optional<std::string>& id) -> ApiResult<const service::Account*> {
    if (!reader.ok()) return InvalidInput(reader.error().message, "INPUT_REQUIRED");
    if (!IsAccountId(*id))
      return InvalidInput("You provided a value that does not match the required pattern.",
                          "INVALID_PATTERN");
    const service::Account* account = environment->FindAccount(*id);
    if (account == nullptr || !environment->IsMember(*id)) return AccountNotFound();
    return account;
  };
  auto service_principal = [&](std::optional<std::string>& principal) -> std::optional<AwsError> {
    if (!reader.ok()) return InvalidInput(reader.error().message, "INPUT_REQUIRED");
    if (!IsServicePrincipal(*principal)) {
      return InvalidInput("You provided a value that does not match the required pattern.",
                          "INVALID_PATTERN");
    }
    if (!principal->ends_with(".amazonaws.com")) {
      return InvalidInput("You specified an unrecognized service principal.",
                          "UNRECOGNIZED_SERVICE_PRINCIPAL");
    }
    return std::nullopt;
  };
  absl::Time now = absl::FromUnixMillis(clock_.Now());

  if (operation == "DescribeOrganization") {
    json::Writer w;
    w.BeginObject().Key("Organization").BeginObject();
    w.Key("Id").String(organization.id);
    w.Key("Arn").String(base::Concat("arn:aws:organizations::", organization.management_account,
                                     ":organization/", organization.id));
    w.Key("FeatureSet").String("ALL");
    w.Key("MasterAccountArn")
        .String(base::Concat("arn:aws:organizations::", organization.management_account,
                             ":account/", organization.id, "/", organization.management_account));
    w.Key("MasterAccountId").String(organization.management_account);
    w.Key("MasterAccountEmail")
        .String(base::Concat("aws+", organization.management_account, "@example.com"));
    w.Key("AvailablePolicyTypes").BeginArray().EndArray();
    w.EndObject().EndObject();
    return Ok(std::move(w).Take());
  }
  if (operation == "ListAccounts") {
    if (!is_management && !is_delegated_administrator) return Json11Error(Denied());
    std::vector<const service::Account*> accounts = members();
    JSON11_ASSIGN_OR_RETURN(PageBounds bounds, Page(reader, accounts.size()));
    json::Writer w;
    w.BeginObject().Key("Accounts").BeginArray();
    for (size_t i = bounds.begin; i < bounds.end; ++i) {
      w.BeginObject();
      WriteAccount(w, *environment, *accounts[i]);
      w.EndObject();
    }
    w.EndArray();
    if (bounds.next_token) w.Key("NextToken").String(*bounds.next_token);
    w.EndObject();
    return Ok(std::move(w).Take());
  }
  // The tree (AWS Organizations API Reference, "ListRoots", "ListParents",
  // "ListOrganizationalUnitsForParent"): the management account or a delegated administrator.
  if (operation == "ListRoots") {
    if (!is_management && !is_delegated_administrator) return Json11Error(Denied());
    JSON11_ASSIGN_OR_RETURN(PageBounds bounds, Page(reader, 1));
    OrganizationTree tree = TreeOf(*environment);
    json::Writer w;
    w.BeginObject().Key("Roots").BeginArray();
    if (bounds.begin < bounds.end) {
      w.BeginObject().Key("Id").String(tree.root);
      w.Key("Arn").String(base::Concat("arn:aws:organizations::", organization.management_account,
                                       ":root/", organization.id, "/", tree.root));
      w.Key("Name").String("Root").Key("PolicyTypes").BeginArray().EndArray().EndObject();
    }
    w.EndArray().EndObject();
    return Ok(std::move(w).Take());
  }
  if (operation == "ListParents") {
    if (!is_management && !is_delegated_administrator) return Json11Error(Denied());
    std::optional<std::string> child = reader.String("ChildId", true);
    if (!reader.ok()) return Json11Error(InvalidInput(reader.error().message, "INPUT_REQUIRED"));
    JSON11_ASSIGN_OR_RETURN(PageBounds bounds, Page(reader, 1));
    OrganizationTree tree = TreeOf(*environment);
    auto found = tree.parent.find(*child);
    if (found == tree.parent.end()) {
      return Json11Error(OrganizationsError(
          "ChildNotFoundException",
          "We can't find an organizational unit (OU) or AWS account with the ChildId that you "
          "specified."));
    }
    json::Writer w;
    w.BeginObject().Key("Parents").BeginArray();
    if (bounds.begin < bounds.end) {
      w.BeginObject().Key("Id").String(found->second);
      w.Key("Type").String(found->second == tree.root ? "ROOT" : "ORGANIZATIONAL_UNIT");
      w.EndObject();
    }
    w.EndArray().EndObject();
    return Ok(std::move(w).Take());
  }
  if (operation == "ListOrganizationalUnitsForParent") {
    if (!is_management && !is_delegated_administrator) return Json11Error(Denied());
    std::optional<std::string> parent = reader.String("ParentId", true);
    if (!reader.ok()) return Json11Error(InvalidInput(reader.error().message, "INPUT_REQUIRED"));
    OrganizationTree tree = TreeOf(*environment);
    bool known = *parent == tree.root || (tree.parent.contains(*parent) && !IsAccountId(*parent));
    if (!known) {
      return Json11Error(
          OrganizationsError("ParentNotFoundException",
                             "We can't find a root or OU with the ParentId that you specified."));
    }
    std::vector<std::string> units;
    if (auto it = tree.child_units.find(*parent); it != tree.child_units.end())
      units.assign(it->second.begin(), it->second.end());
    JSON11_ASSIGN_OR_RETURN(PageBounds bounds, Page(reader, units.size()));
    json::Writer w;
    w.BeginObject().Key("OrganizationalUnits").BeginArray();
    for (size_t i = bounds.begin; i < bounds.end; ++i) {
      w.BeginObject().Key("Id").String(units[i]);
      w.Key("Arn").String(base::Concat("arn:aws:organizations::", organization.management_account,
                                       ":ou/", organization.id, "/", units[i]));
      w.Key("Name").String(units[i]).EndObject();
    }
    w.EndArray();
    if (bounds.next_token) w.Key("NextToken").String(*bounds.next_token);
    w.EndObject();
    return Ok(std::move(w).Take());
  }
  if (operation == "DescribeAccount") {
    if (!is_management && !is_delegated_administrator) return Json11Error(Denied());
    std::optional<std::string> id = reader.String("AccountId", true);
    JSON11_ASSIGN_OR_RETURN(const service::Account* account, member_account(id));
    json::Writer w;
    w.BeginObject().Key("Account").BeginObject();
    WriteAccount(w, *environment, *account);
    w.EndObject().EndObject();
    return Ok(std::move(w).Take());
  }
  if (operation == "EnableAWSServiceAccess" || operation == "DisableAWSServiceAccess") {
    if (!is_management) return Json11Error(Denied());
    std::optional<std::string> principal = reader.String("ServicePrincipal", true);
    if (auto error = service_principal(principal)) return Json11Error(*error);
    absl::Status status = operation == "EnableAWSServiceAccess"
                              ? store_.PutServiceAccess(store::ServiceAccess{*principal, now})
                              : store_.DeleteServiceAccess(*principal);
    if (!status.ok()) return Json11Error(OrganizationsError("ServiceException", "internal error"));
    on_change_();
    return Ok("{}");
  }
  if (operation == "ListAWSServiceAccessForOrganization") {
    if (!is_management) return Json11Error(Denied());
    absl::StatusOr<std::vector<store::ServiceAccess>> access = store_.ListServiceAccess();
    if (!access.ok()) return Json11Error(OrganizationsError("ServiceException", "internal error"));
    JSON11_ASSIGN_OR_RETURN(PageBounds bounds, Page(reader, access->size()));
    json::Writer w;
    w.BeginObject().Key("EnabledServicePrincipals").BeginArray();
    for (size_t i = bounds.begin; i < bounds.end; ++i) {
      w.BeginObject().Key("ServicePrincipal").String((*access)[i].service_principal);
      w.Key("DateEnabled").Number(EpochSeconds((*access)[i].enabled_at)).EndObject();
    }
    w.EndArray();
    if (bounds.next_token) w.Key("NextToken").String(*bounds.next_token);
    w.EndObject();
    return Ok(std::move(w).Take());
  }
  if (operation == "RegisterDelegatedAdministrator" ||
      operation == "DeregisterDelegatedAdministrator") {
    if (!is_management) return Json11Error(Denied());
    std::optional<std::string> id = reader.String("AccountId", true);
    std::optional<std::string> principal = reader.String("ServicePrincipal", true);
    if (auto error = service_principal(principal)) return Json11Error(*error);
    JSON11_RETURN_IF_ERROR(member_account(id));
    bool registered = false;
    size_t for_service = 0;
    for (const store::DelegatedAdministrator& administrator : *administrators) {
      if (administrator.service_principal != *principal) continue;
      ++for_service;
      if (administrator.account_id == *id) registered = true;
    }
    absl::Status status;
    if (operation == "RegisterDelegatedAdministrator") {
      if (*id == organization.management_account) {
        return Json11Error(OrganizationsError(
            "ConstraintViolationException",
            "You cannot register the management account of the organization as a "
            "delegated administrator for an AWS service.",
            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR"));
      }
      if (registered) {
        return Json11Error(OrganizationsError(
            "AccountAlreadyRegisteredException",
            "The provided account is already a delegated administrator for your organization."));
      }
      // IAM Access Analyzer supports one delegated administrator per organization (IAM User Guide,
      // "Delegated administrator for IAM Access Analyzer").
      if (*principal == service::kAccessAnalyzerPrincipal && for_service >= 1) {
        return Json11Error(
            OrganizationsError("ConstraintViolationException",
                               "You have exceeded the number of delegated administrators allowed "
                               "for this service.",
                               "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED"));
      }
      status =
          store_.PutDelegatedAdministrator(store::DelegatedAdministrator{*id, *principal, now});
    } else {
      if (!registered) return Json11Error(NotRegistered());
      status = store_.DeleteDelegatedAdministrator(*id, *principal);
    }
    if (!status.ok()) return Json11Error(OrganizationsError("ServiceException", "internal error"));
    on_change_();
    return Ok("{}");
  }
  if (operation == "ListDelegatedAdministrators") {
    if (!is_management && !is_delegated_administrator) return Json11Error(Denied());
    std::optional<std::string> principal = reader.String("ServicePrincipal");
    std::vector<const store::DelegatedAdministrator*> selected;
    std::vector<std::string> seen;
    for (const store::DelegatedAdministrator& administrator : *administrators) {
      if (principal && administrator.service_principal != *principal) continue;
      if (std::find(seen.begin(), seen.end(), administrator.account_id) != seen.end()) continue;
      seen.push_back(administrator.account_id);
      selected.push_back(&administrator);
    }
    JSON11_ASSIGN_OR_RETURN(PageBounds bounds, Page(reader, selected.size()));
    json::Writer w;
    w.BeginObject().Key("DelegatedAdministrators").BeginArray();
    for (size_t i = bounds.begin; i < bounds.end; ++i) {
      const service::Account* account = environment->FindAccount(selected[i]->account_id);
      w.BeginObject();
      if (account != nullptr) WriteAccount(w, *environment, *account);
      w.Key("DelegationEnabledDate").Number(EpochSeconds(selected[i]->registered_at));
      w.EndObject();
    }
    w.EndArray();
    if (bounds.next_token) w.Key("NextToken").String(*bounds.next_token);
    w.EndObject();
    return Ok(std::move(w).Take());
  }
  if (operation == "ListDelegatedServicesForAccount") {
    if (!is_management && !is_delegated_administrator) return Json11Error(Denied());
    std::optional<std::string> id = reader.String("AccountId", true);
    JSON11_RETURN_IF_ERROR(member_account(id));
    std::vector<const store::DelegatedAdministrator*> services;
    for (const store::DelegatedAdministrator& administrator : *administrators) {
      if (administrator.account_id == *id) services.push_back(&administrator);
    }
    if (services.empty()) return Json11Error(NotRegistered());
    JSON11_ASSIGN_OR_RETURN(PageBounds bounds, Page(reader, services.size()));
    json::Writer w;
    w.BeginObject().Key("DelegatedServices").BeginArray();
    for (size_t i = bounds.begin; i < bounds.end; ++i) {
      w.BeginObject().Key("ServicePrincipal").String(services[i]->service_principal);
      w.Key("DelegationEnabledDate").Number(EpochSeconds(services[i]->registered_at)).EndObject();
    }
    w.EndArray();
    if (bounds.next_token) w.Key("NextToken").String(*bounds.next_token);
    w.EndObject();
    return Ok(std::move(w).Take());
  }
  return Json11Error(
      OrganizationsError("UnknownOperationException",
                         base::Concat("Perimeter does not implement Organizations ", operation)));
}

}  // namespace perimeter::api
