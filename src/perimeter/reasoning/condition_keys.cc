#include "perimeter/reasoning/condition_keys.h"

#include <array>
#include <cctype>

namespace perimeter::reasoning {
namespace {

struct KeyEntry {
  std::string_view key;  // lower-case; a trailing '/', ':' or '.' matches any suffix (tags, claims)
  ConditionKeyRule rule;
  std::string_view canonical = {};  // AWS's spelling, when it is a whole key
};

constexpr KeyRole kP = KeyRole::kPrincipal;
constexpr KeyRole kR = KeyRole::kRestricting;
constexpr KeyRole kC = KeyRole::kCallerControlled;

// Sorted by key for the reader; looked up linearly (the list is short and lookups happen once per
// policy, at compile time of the analysis).
constexpr std::array kKeys = {
    // Identity of the caller: derived from each candidate principal.
    KeyEntry{"aws:principalaccount",
             {kP, true, "the caller's account: fixed by who signs the request"},
             "aws:PrincipalAccount"},
    KeyEntry{"aws:principalarn",
             {kP, true, "the caller's ARN: fixed by who signs the request"},
             "aws:PrincipalArn"},
    KeyEntry{"aws:principalisawsservice",
             {kP, false, "whether a service principal calls: fixed by the caller's kind"},
             "aws:PrincipalIsAWSService"},
    KeyEntry{"aws:principalorgid",
             {kP, true, "the caller's organization: set by AWS Organizations"},
             "aws:PrincipalOrgID"},
    KeyEntry{"aws:principalorgpaths",
             {kP, true, "the caller's OU path: set by AWS Organizations"},
             "aws:PrincipalOrgPaths"},
    KeyEntry{"aws:principalservicename",
             {kP, false, "the calling service principal: fixed by the caller's kind"},
             "aws:PrincipalServiceName"},
    KeyEntry{"aws:principaltype",
             {kP, false, "the caller's kind (User, AssumedRole, Account, ...)"},
             "aws:PrincipalType"},
    KeyEntry{"aws:userid",
             {kR, true, "the caller's unique id: fixed by who signs the request"},
             "aws:UserId"},
    KeyEntry{"kms:calleraccount",
             {kP, true, "the caller's account, as KMS reports it"},
             "kms:CallerAccount"},
    // The resource's owner: set by AWS from the resource (external_access.cc,
    // RequestsToTheResource).
    KeyEntry{"aws:resourceaccount",
             {KeyRole::kResourceOwner, false, "the account that owns the resource: set by AWS"},
             "aws:ResourceAccount"},
    KeyEntry{
        "aws:resourceorgid",
        {KeyRole::kResourceOwner, false, "the organization of the resource's owner: set by AWS"},
        "aws:ResourceOrgID"},
    KeyEntry{"aws:resourceorgpaths",
             {KeyRole::kResourceOwner, false, "the OU path of the resource's owner: set by AWS"},
             "aws:ResourceOrgPaths"},
    KeyEntry{"s3:resourceaccount",
             {KeyRole::kResourceOwner, false, "the account that owns the bucket: set by S3"},
             "s3:ResourceAccount"},
    // Principal tags and user names are chosen by the external account's own administrators.
    KeyEntry{"aws:principaltag/",
             {kC, false, "tags of an external principal are set by its own account"}},
    KeyEntry{"aws:username",
             {kC, false, "user names of an external account are chosen by that account"},
             "aws:username"},
    // Network path and calling service: set by AWS.
    KeyEntry{"aws:sourceaccount",
             {kR, true, "set by the AWS service acting on a resource's behalf"},
             "aws:SourceAccount"},
    KeyEntry{"aws:sourcearn",
             {kR, true, "set by the AWS service acting on a resource's behalf"},
             "aws:SourceArn"},
    KeyEntry{"aws:sourceip",
             {kR, true, "the caller's public IP address, observed by AWS"},
             "aws:SourceIp"},
    KeyEntry{"aws:sourceorgid",
             {kR, true, "set by the AWS service acting on a resource's behalf"},
             "aws:SourceOrgID"},
    KeyEntry{"aws:sourceorgpaths",
             {kR, true, "set by the AWS service acting on a resource's behalf"},
             "aws:SourceOrgPaths"},
    KeyEntry{"aws:sourceowner",
             {kR, true, "set by the AWS service acting on a resource's behalf"},
             "aws:SourceOwner"},
    KeyEntry{"aws:sourcevpc",
             {kR, true, "the VPC the request came through, observed by AWS"},
             "aws:SourceVpc"},
    KeyEntry{"aws:sourcevpce",
             {kR, true, "the VPC endpoint the request came through, observed by AWS"},
             "aws:SourceVpce"},
    KeyEntry{"aws:sourcevpcarn",
             {kR, true, "the VPC the request came through, observed by AWS"},
             "aws:SourceVpcArn"},
    KeyEntry{"aws:vpcsourceip",
             {kR, true, "the caller's VPC IP address, observed by AWS"},
             "aws:VpcSourceIp"},
    KeyEntry{"aws:viaawsservice",
             {kC, false, "the caller can route a request through a service"},
             "aws:ViaAWSService"},
    // kms:ViaService names the AWS service that calls KMS on the principal's behalf (AWS KMS
    // Developer
    // Guide, "kms:ViaService": it "limits use of a KMS key to requests from specified AWS
    // services"). AWS
    // sets it, so it is reported in the finding, but it says nothing of who the caller is:
    // principals
    // of every account can use those services, so it never makes a grant non-public
    // (docs/access-analyzer-rules.md §3.1).
    KeyEntry{"kms:viaservice",
             {kR, false, "the AWS service that calls KMS on the principal's behalf"},
             "kms:ViaService"},
    KeyEntry{"kms:grantisforawsresource",
             {kR, false, "set by the AWS service that creates the grant"},
             "kms:GrantIsForAWSResource"},
    KeyEntry{"lambda:functionurlauthtype",
             {kR, false, "the function URL's auth type, set by its owner"},
             "lambda:FunctionUrlAuthType"},
    KeyEntry{"lambda:eventsourcetoken",
             {kR, true, "a secret shared with the event source"},
             "lambda:EventSourceToken"},
    KeyEntry{"s3:dataaccesspointaccount",
             {kR, true, "the access point's owner, set by S3"},
             "s3:DataAccessPointAccount"},
    KeyEntry{"s3:dataaccesspointarn",
             {kR, true, "the access point used, set by S3"},
             "s3:DataAccessPointArn"},
    KeyEntry{"s3:accesspointnetworkorigin",
             {kR, false, "the access point's network origin, set by its owner"},
             "s3:AccessPointNetworkOrigin"},
    KeyEntry{"s3express:dataaccesspointaccount",
             {kR, true, "the access point's owner, set by S3"},
             "s3express:DataAccessPointAccount"},
    KeyEntry{"s3express:dataaccesspointarn",
             {kR, true, "the access point used, set by S3"},
             "s3express:DataAccessPointArn"},
    KeyEntry{"s3express:accesspointnetworkorigin",
             {kR, false, "the access point's network origin, set by its owner"},
             "s3express:AccessPointNetworkOrigin"},
    KeyEntry{"sts:externalid",
             {kR, true, "a secret the role's owner shares with the trusted party"},
             "sts:ExternalId"},
    // Claims of identity providers, signed by the provider: the caller cannot choose them.
    // How the identity signed in (authenticated or not) says nothing of who: Access Analyzer's
    // findings
    // for Cognito roles name the identity pool (aud) only (AWS CLI examples, list-findings).
    KeyEntry{"cognito-identity.amazonaws.com:amr",
             {kC, false, "how the Cognito identity signed in, not who"}},
    KeyEntry{"cognito-identity.amazonaws.com:", {kR, true, "a claim signed by Amazon Cognito"}},
    KeyEntry{"accounts.google.com:", {kR, true, "a claim signed by Google"}},
    KeyEntry{"graph.facebook.com:", {kR, true, "a claim signed by Facebook"}},
    KeyEntry{"www.amazon.com:", {kR, true, "a claim signed by Login with Amazon"}},
    KeyEntry{"saml:", {kR, false, "an assertion signed by the SAML identity provider"}},
    KeyEntry{"token.actions.githubusercontent.com:sub",
             {kR, true, "the repository and ref, signed by GitHub's OIDC provider"}},
    KeyEntry{"token.actions.githubusercontent.com:",
             {kR, false, "a claim signed by GitHub's OIDC provider; only sub names who"}},
    KeyEntry{"sts:rolesessionname",
             {kC, false, "the caller chooses its session name"},
             "sts:RoleSessionName"},
    KeyEntry{"sts:sourceidentity",
             {kC, false, "the caller chooses its source identity"},
             "sts:SourceIdentity"},
    KeyEntry{"aws:sourceidentity",
             {kC, false, "the caller chooses its source identity"},
             "aws:SourceIdentity"},
};

bool KeyMatches(std::string_view entry, std::string_view key) {
  char last = entry.back();
  if (last == '/' || last == ':' || last == '.') return key.substr(0, entry.size()) == entry;
  return key == entry;
}

}  // namespace

std::string CanonicalKeyName(std::string_view key) {
  std::string lower(key);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const KeyEntry& entry : kKeys) {
    if (!entry.canonical.empty() && entry.key == lower) return std::string(entry.canonical);
  }
  return std::string(key);
}

bool IsPrincipalDerivedKey(std::string_view key_lower) {
  // aws:userid is not derived: the unique ids of an external account's roles and users are not
  // known offline, so the engine lets the caller's id take any value (a restricting key).
  static constexpr std::string_view kDerived[] = {
      "aws:principalarn",          "aws:principalaccount",     "aws:principaltype",
      "aws:principalisawsservice", "aws:principalservicename", "aws:principalorgid",
      "aws:principalorgpaths",     "kms:calleraccount"};
  for (std::string_view derived : kDerived) {
    if (derived == key_lower) return true;
  }
  return false;
}

std::optional<std::string> ResourceOwnerKeyValue(std::string_view key_lower,
                                                 const std::string& owner_account,
                                                 const ZoneOfTrust& zone) {
  if (owner_account.empty())
    return std::nullopt;  // an owner the input did not give: nothing is known
  if (key_lower == "aws:resourceaccount" || key_lower == "s3:resourceaccount") return owner_account;
  if (key_lower != "aws:resourceorgid" && key_lower != "aws:resourceorgpaths") return std::nullopt;
  const std::optional<Organization>& organization = zone.organization();
  if (!organization.has_value()) return std::nullopt;
  const OrganizationMember* member = organization->FindMember(owner_account);
  bool in_organization = member != nullptr || owner_account == organization->management_account ||
                         owner_account == zone.account_id();
  if (!in_organization) return std::nullopt;
  if (key_lower == "aws:resourceorgid") return organization->id;
  if (member == nullptr) return std::nullopt;
  return member->ou_path;
}

ConditionKeyRule RuleForKey(std::string_view key_lower) {
  for (const KeyEntry& entry : kKeys) {
    if (KeyMatches(entry.key, key_lower)) return entry.rule;
  }
  // Any OIDC provider's claims ("<issuer host/path>:aud", ":sub", ":amr") are signed by it.
  size_t colon = key_lower.rfind(':');
  if (colon != std::string_view::npos) {
    std::string_view claim = key_lower.substr(colon + 1);
    std::string_view issuer = key_lower.substr(0, colon);
    if ((claim == "aud" || claim == "sub" || claim == "amr" || claim == "oaud") &&
        issuer.find('.') != std::string_view::npos) {
      // The subject names who may assume the role; the audience is usually the STS endpoint.
      return {KeyRole::kRestricting, claim == "sub",
              "a claim signed by an OpenID Connect identity provider"};
    }
  }
  return {
      KeyRole::kCallerControlled, false,
      "a key the caller can set or influence, or one Perimeter does not know: assumed satisfiable"};
}

}  // namespace perimeter::reasoning
