#include "perimeter/eval/request.h"

#include <array>
#include <utility>

#include "absl/status/status.h"
#include "perimeter/base/text.h"
#include "perimeter/policy/arn.h"

namespace perimeter::eval {

namespace {

constexpr std::array<std::pair<PrincipalType, std::string_view>, 9> kTypeNames = {{
    {PrincipalType::kIamUser, "IAMUser"},
    {PrincipalType::kIamRole, "IAMRole"},
    {PrincipalType::kAssumedRoleSession, "AssumedRoleSession"},
    {PrincipalType::kFederatedUser, "FederatedUser"},
    {PrincipalType::kAccountRoot, "AccountRoot"},
    {PrincipalType::kService, "Service"},
    {PrincipalType::kWebIdentityOrSaml, "WebIdentityOrSAML"},
    {PrincipalType::kCanonicalUser, "CanonicalUser"},
    {PrincipalType::kAnonymous, "Anonymous"},
}};

// The web identity providers AWS names in "AWS JSON policy elements: Principal" (web identity
// session principals). They end in .amazonaws.com or look like host names, so they must be told
// apart from service principals by name.
constexpr std::array<std::string_view, 4> kWebIdentityProviders = {
    "cognito-identity.amazonaws.com", "www.amazon.com", "graph.facebook.com",
    "accounts.google.com"};

std::string_view LastSegment(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

absl::Status Invalid(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(base::Concat("\"", text, "\" is not a principal: ", why));
}

// Parses the IAM ARN forms. `text` is known to start with "arn:".
absl::StatusOr<RequestPrincipal> ParseIamArn(std::string_view text) {
  std::optional<policy::Arn> arn = policy::ParseArn(text);
  if (!arn) return Invalid(text, "an ARN has six ':'-separated parts");
  RequestPrincipal p;
  p.id = std::string(text);
  p.partition = std::string(arn->partition);
  if (!arn->region.empty()) return Invalid(text, "IAM and STS principal ARNs have no region");
  std::string_view resource = arn->resource;
  if (arn->service == "iam") {
    if (resource.starts_with("saml-provider/") || resource.starts_with("oidc-provider/")) {
      p.type = PrincipalType::kWebIdentityOrSaml;
      p.partition.clear();
      return p;
    }
    if (!policy::IsAccountId(arn->account)) return Invalid(text, "the account must be 12 digits");
    p.account = std::string(arn->account);
    if (resource == "root") {
      p.type = PrincipalType::kAccountRoot;
    } else if (resource.starts_with("user/") && resource.size() > 5) {
      p.type = PrincipalType::kIamUser;
      p.name = std::string(LastSegment(resource));
    } else if (resource.starts_with("role/") && resource.size() > 5) {
      p.type = PrincipalType::kIamRole;
      p.name = std::string(LastSegment(resource));
    } else {
      return Invalid(text, "an IAM principal ARN names root, a user/ or a role/");
    }
    if (p.name.empty() && p.type != PrincipalType::kAccountRoot)
      return Invalid(text, "the name is empty");
    return p;
  }
  if (arn->service == "sts") {
    if (!policy::IsAccountId(arn->account)) return Invalid(text, "the account must be 12 digits");
    p.account = std::string(arn->account);
    if (resource.starts_with("assumed-role/")) {
      std::string_view rest = resource.substr(13);
      size_t slash = rest.find('/');
      if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size() ||
          rest.find('/', slash + 1) != std::string_view::npos) {
        return Invalid(text, "an assumed-role ARN is assumed-role/ROLE-NAME/SESSION-NAME");
      }
      p.type = PrincipalType::kAssumedRoleSession;
      p.name = std::string(rest.substr(0, slash));
      p.session_name = std::string(rest.substr(slash + 1));
      return p;
    }
    if (resource.starts_with("federated-user/") && resource.size() > 15) {
      p.type = PrincipalType::kFederatedUser;
      p.name = std::string(resource.substr(15));
      return p;
    }
    return Invalid(text, "an STS principal ARN names an assumed-role/ or a federated-user/");
  }
  return Invalid(text, "principal ARNs belong to the iam or sts service");
}

bool IsServicePrincipalName(std::string_view text) {
  return (text.ends_with(".amazonaws.com") || text.ends_with(".amazonaws.com.cn")) &&
         !text.starts_with(".") && text.find_first_of(" */:") == std::string_view::npos;
}

}  // namespace

std::string_view PrincipalTypeName(PrincipalType type) {
  for (const auto& [candidate, name] : kTypeNames) {
    if (candidate == type) return name;
  }
  return "Anonymous";
}

std::optional<PrincipalType> ParsePrincipalType(std::string_view name) {
  for (const auto& [type, candidate] : kTypeNames) {
    if (base::EqualsIgnoreAsciiCase(candidate, name)) return type;
  }
  return std::nullopt;
}

bool RequestPrincipal::is_iam() const {
  switch (type) {
    case PrincipalType::kIamUser:
    case PrincipalType::kIamRole:
    case PrincipalType::kAssumedRoleSession:
    case PrincipalType::kFederatedUser:
    case PrincipalType::kAccountRoot:
      return true;
    case PrincipalType::kService:
    case PrincipalType::kWebIdentityOrSaml:
    case PrincipalType::kCanonicalUser:
    case PrincipalType::kAnonymous:
      return false;
  }
  return false;
}

bool RequestPrincipal::is_session() const {
  return type == PrincipalType::kIamRole || type == PrincipalType::kAssumedRoleSession ||
         type == PrincipalType::kFederatedUser;
}

bool RequestPrincipal::is_service_linked_role() const {
  if (type == PrincipalType::kIamRole) {
    std::optional<policy::Arn> arn = policy::ParseArn(id);
    return arn.has_value() && std::string_view(arn->resource).starts_with("role/aws-service-role/");
  }
  if (type == PrincipalType::kAssumedRoleSession)
    return std::string_view(name).starts_with("AWSServiceRoleFor");
  return false;
}

std::string RequestPrincipal::RoleArn() const {
  if (type == PrincipalType::kIamRole) return id;
  if (type == PrincipalType::kAssumedRoleSession) {
    return base::Concat("arn:", partition, ":iam::", account, ":role/", name);
  }
  return "";
}

absl::StatusOr<RequestPrincipal> ParseRequestPrincipal(std::string_view text) {
  if (text.empty()) return Invalid(text, "it is empty");
  if (text == "*")
    return Invalid(text, "a request comes from one principal; use {\"type\": \"Anonymous\"}");
  if (std::string_view(text).starts_with("arn:")) return ParseIamArn(text);
  if (policy::IsAccountId(text)) {
    RequestPrincipal p;
    p.type = PrincipalType::kAccountRoot;
    p.id = base::Concat("arn:aws:iam::", text, ":root");
    p.partition = "aws";
    p.account = std::string(text);
    return p;
  }
  for (std::string_view provider : kWebIdentityProviders) {
    if (text == provider) {
      RequestPrincipal p;
      p.type = PrincipalType::kWebIdentityOrSaml;
      p.id = std::string(text);
      return p;
    }
  }
  if (IsServicePrincipalName(text)) {
    RequestPrincipal p;
    p.type = PrincipalType::kService;
    p.id = base::AsciiLower(text);
    return p;
  }
  return Invalid(text,
                 "expected an IAM or STS ARN, a 12-digit account id, a service principal "
                 "(name.amazonaws.com) or a web identity provider; use the object form "
                 "{\"type\": ..., \"id\": ...} for other kinds");
}

absl::StatusOr<RequestPrincipal> MakeRequestPrincipal(PrincipalType type, std::string_view id) {
  switch (type) {
    case PrincipalType::kIamUser:
    case PrincipalType::kIamRole:
    case PrincipalType::kAssumedRoleSession:
    case PrincipalType::kFederatedUser:
    case PrincipalType::kAccountRoot: {
      absl::StatusOr<RequestPrincipal> parsed = ParseRequestPrincipal(id);
      if (!parsed.ok()) return parsed.status();
      if (parsed->type != type) {
        return Invalid(id, base::Concat("it is a ", PrincipalTypeName(parsed->type), ", not a ",
                                        PrincipalTypeName(type)));
      }
      return parsed;
    }
    case PrincipalType::kService:
      if (!IsServicePrincipalName(id))
        return Invalid(id, "a service principal is name.amazonaws.com");
      break;
    case PrincipalType::kWebIdentityOrSaml:
    case PrincipalType::kCanonicalUser:
      if (id.empty()) return Invalid(id, "the id is empty");
      break;
    case PrincipalType::kAnonymous:
      if (!id.empty()) return Invalid(id, "an anonymous principal has no id");
      break;
  }
  RequestPrincipal p;
  p.type = type;
  p.id = type == PrincipalType::kService ? base::AsciiLower(id) : std::string(id);
  return p;
}

std::optional<std::string> ResourceAccount(const Request& request) {
  if (request.resource_account) return request.resource_account;
  // An action without a resource ("*": s3:ListAllMyBuckets, kms:ListKeys, kms:CreateKey; the
  // Service Authorization Reference lists no resource type for them, and a policy must name "*")
  // acts in the caller's own account: there is no resource, so no resource-based policy and no
  // other owner, and the caller's identity side decides.
  if (request.resource_arn == "*" && request.principal.is_iam()) return request.principal.account;
  std::optional<policy::Arn> arn = policy::ParseArn(request.resource_arn);
  if (arn && policy::IsAccountId(arn->account)) return std::string(arn->account);
  return std::nullopt;
}

void AddPrincipalContextKeys(const RequestPrincipal& principal, RequestContext& context) {
  auto set_default = [&context](std::string_view key, std::string value) {
    if (!context.Has(base::AsciiLower(key))) context.Set(key, std::move(value));
  };
  if (principal.type == PrincipalType::kService) {
    // "aws:PrincipalIsAWSService ... true when the request is made by an AWS service principal";
    // aws:PrincipalServiceName is present only for service principals.
    set_default("aws:PrincipalIsAWSService", "true");
    set_default("aws:PrincipalServiceName", principal.id);
    return;
  }
  if (!principal.is_iam()) return;

  set_default("aws:PrincipalIsAWSService", "false");
  set_default("aws:PrincipalAccount", principal.account);
  switch (principal.type) {
    case PrincipalType::kIamUser:
      set_default("aws:PrincipalArn", principal.id);
      set_default("aws:PrincipalType", "User");
      set_default("aws:username", principal.name);
      break;
    case PrincipalType::kIamRole:
    case PrincipalType::kAssumedRoleSession:
      // "For IAM roles, the request context returns the ARN of the role, not the ARN of the user
      // that assumed the role."
      set_default("aws:PrincipalArn", principal.RoleArn());
      set_default("aws:PrincipalType", "AssumedRole");
      break;
    case PrincipalType::kFederatedUser:
      set_default("aws:PrincipalArn", principal.id);
      set_default("aws:PrincipalType", "FederatedUser");
      set_default("aws:userid", base::Concat(principal.account, ":", principal.name));
      break;
    case PrincipalType::kAccountRoot:
      set_default("aws:PrincipalArn",
                  base::Concat("arn:", principal.partition, ":iam::", principal.account, ":root"));
      set_default("aws:PrincipalType", "Account");
      set_default("aws:userid", principal.account);
      break;
    case PrincipalType::kService:
    case PrincipalType::kWebIdentityOrSaml:
    case PrincipalType::kCanonicalUser:
    case PrincipalType::kAnonymous:
      break;  // handled above
  }
  if (principal.org_id) set_default("aws:PrincipalOrgID", *principal.org_id);
  if (!principal.org_paths.empty() && !context.Has("aws:principalorgpaths")) {
    context.SetMultivalued("aws:PrincipalOrgPaths", principal.org_paths);
  }
  for (const auto& [key, value] : principal.tags)
    set_default(base::Concat("aws:PrincipalTag/", key), value);
}

IdentityProviderKind IdentityProviderKindOf(std::string_view provider) {
  // AWS JSON policy elements: Principal, "SAML session principals": the provider is named by the
  // ARN of the IAM SAML provider resource.
  std::optional<policy::Arn> arn = policy::ParseArn(provider);
  if (arn.has_value() && arn->service == "iam" && arn->resource.starts_with("saml-provider/")) {
    return IdentityProviderKind::kSaml;
  }
  return IdentityProviderKind::kWebIdentity;
}

std::vector<std::string_view> ActionsOfIdentityProvider(IdentityProviderKind kind) {
  switch (kind) {
    case IdentityProviderKind::kWebIdentity:
      return {"sts:assumerolewithwebidentity", "sts:tagsession", "sts:setsourceidentity"};
    case IdentityProviderKind::kSaml:
      return {"sts:assumerolewithsaml", "sts:tagsession", "sts:setsourceidentity"};
  }
  return {};
}

bool PrincipalCanCall(const RequestPrincipal& principal, std::string_view action_lower) {
  if (principal.type != PrincipalType::kWebIdentityOrSaml) return true;
  for (std::string_view action : ActionsOfIdentityProvider(IdentityProviderKindOf(principal.id))) {
    if (action == action_lower) return true;
  }
  return false;
}

std::string DescribeRequest(const Request& request) {
  std::string out =
      base::Concat(PrincipalTypeName(request.principal.type), " ", request.principal.id);
  if (request.principal.org_id) out += base::Concat(" (org ", *request.principal.org_id, ")");
  out += base::Concat(" ", request.action, " ", request.resource_arn);
  for (const auto& [key, value] : request.context.entries()) {
    out += base::Concat(" ", key, "=");
    if (value.multivalued) out += "[";
    for (size_t i = 0; i < value.values.size(); ++i)
      out += base::Concat(i ? "," : "", value.values[i]);
    if (value.multivalued) out += "]";
  }
  return out;
}

}  // namespace perimeter::eval
