#include "perimeter/validation/validate_policy.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "perimeter/aws/regions.h"
#include "perimeter/base/text.h"
#include "perimeter/catalog/iam_catalog.h"
#include "perimeter/json/document.h"
#include "perimeter/policy/policy.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/policy/wildcard.h"
#include "perimeter/validation/catalog_index.h"
#include "perimeter/validation/policy_paths.h"

namespace perimeter::validation {
namespace {

using policy::CaseMode;
using policy::GlobMatches;

bool HasWildcard(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

// The global condition keys (IAM User Guide, "AWS global condition context keys"), with their
// types. A trailing '/' marks a key family whose name continues with a tag key.
struct GlobalKey {
  std::string_view name;
  catalog::ConditionKeyType type;
};
using T = catalog::ConditionKeyType;
constexpr GlobalKey kGlobalKeys[] = {
    {"aws:PrincipalArn", T::kARN},
    {"aws:PrincipalAccount", T::kString},
    {"aws:PrincipalOrgPaths", T::kArrayOfString},
    {"aws:PrincipalOrgID", T::kString},
    {"aws:PrincipalTag/", T::kString},
    {"aws:PrincipalIsAWSService", T::kBool},
    {"aws:PrincipalServiceName", T::kString},
    {"aws:PrincipalServiceNamesList", T::kArrayOfString},
    {"aws:PrincipalType", T::kString},
    {"aws:userid", T::kString},
    {"aws:username", T::kString},
    {"aws:AssumedRoot", T::kBool},
    {"aws:FederatedProvider", T::kString},
    {"aws:TokenIssueTime", T::kDate},
    {"aws:MultiFactorAuthAge", T::kNumeric},
    {"aws:MultiFactorAuthPresent", T::kBool},
    {"aws:ChatbotSourceArn", T::kARN},
    {"aws:Ec2InstanceSourceVpc", T::kString},
    {"aws:Ec2InstanceSourcePrivateIPv4", T::kIPAddress},
    {"aws:SourceIdentity", T::kString},
    {"aws:SourceIp", T::kIPAddress},
    {"aws:SourceVpc", T::kString},
    {"aws:SourceVpcArn", T::kARN},
    {"aws:SourceVpce", T::kString},
    {"aws:VpceAccount", T::kString},
    {"aws:VpceOrgPaths", T::kArrayOfString},
    {"aws:VpceOrgID", T::kString},
    {"aws:VpcSourceIp", T::kIPAddress},
    {"aws:ResourceAccount", T::kString},
    {"aws:ResourceOrgID", T::kString},
    {"aws:ResourceOrgPaths", T::kArrayOfString},
    {"aws:ResourceTag/", T::kString},
    {"aws:CalledVia", T::kArrayOfString},
    {"aws:CalledViaFirst", T::kString},
    {"aws:CalledViaLast", T::kString},
    {"aws:CalledViaAWSMCP", T::kString},
    {"aws:ViaAWSService", T::kBool},
    {"aws:ViaAWSMCPService", T::kBool},
    {"aws:CurrentTime", T::kDate},
    {"aws:EpochTime", T::kDate},
    {"aws:referer", T::kString},
    {"aws:RequestedRegion", T::kString},
    {"aws:RequestTag/", T::kString},
    {"aws:TagKeys", T::kArrayOfString},
    {"aws:SecureTransport", T::kBool},
    {"aws:SourceArn", T::kARN},
    {"aws:SourceAccount", T::kString},
    {"aws:SourceOwner", T::kString},
    {"aws:SourceOrgPaths", T::kArrayOfString},
    {"aws:SourceOrgID", T::kString},
    {"aws:UserAgent", T::kString},
    {"aws:IsMcpServiceAction", T::kBool},
};

// The type of a condition key, when the catalogue or the global keys know it. `known_service` is
// set when the key's service prefix is a catalogue service (then an unknown key is an error).
std::optional<catalog::ConditionKeyType> KeyType(std::string_view key) {
  std::string lower = base::AsciiLower(key);
  if (lower.starts_with("aws:")) {
    for (const GlobalKey& global : kGlobalKeys) {
      std::string_view name = global.name;
      bool family = name.ends_with('/');
      if (family ? lower.size() > name.size() &&
                       base::EqualsIgnoreAsciiCase(lower.substr(0, name.size()), name)
                 : lower.size() == name.size() && base::EqualsIgnoreAsciiCase(lower, name)) {
        return global.type;
      }
    }
    return std::nullopt;
  }
  return CatalogIndex::Get().ServiceKeyType(lower);
}

bool IsMultivalued(catalog::ConditionKeyType type) {
  switch (type) {
    case T::kArrayOfString:
    case T::kArrayOfARN:
    case T::kArrayOfBool:
    case T::kArrayOfNumeric:
    case T::kArrayOfDate:
    case T::kArrayOfIPAddress:
      return true;
    case T::kString:
    case T::kARN:
    case T::kBool:
    case T::kNumeric:
    case T::kDate:
    case T::kIPAddress:
    case T::kBinary:
      return false;
  }
  return false;
}

// Whether an operator family reads a key of `type` (IAM User Guide, "IAM JSON policy elements:
// Condition operators": ARN keys take ARN or string operators).
bool OperatorFits(policy::OperatorFamily family, catalog::ConditionKeyType type) {
  using F = policy::OperatorFamily;
  bool string_family =
      family == F::kString || family == F::kStringIgnoreCase || family == F::kStringLike;
  switch (type) {
    case T::kString:
    case T::kArrayOfString:
      return string_family;
    case T::kARN:
    case T::kArrayOfARN:
      return string_family || family == F::kArn;
    case T::kBool:
    case T::kArrayOfBool:
      return family == F::kBool;
    case T::kNumeric:
    case T::kArrayOfNumeric:
      return family == F::kNumeric;
    case T::kDate:
    case T::kArrayOfDate:
      return family == F::kDate;
    case T::kIPAddress:
    case T::kArrayOfIPAddress:
      return family == F::kIp;
    case T::kBinary:
      return family == F::kBinary;
  }
  return true;
}

std::string_view FamilyOperatorName(catalog::ConditionKeyType type) {
  switch (type) {
    case T::kString:
    case T::kArrayOfString:
      return "String";
    case T::kARN:
    case T::kArrayOfARN:
      return "ARN";
    case T::kBool:
    case T::kArrayOfBool:
      return "Bool";
    case T::kNumeric:
    case T::kArrayOfNumeric:
      return "Numeric";
    case T::kDate:
    case T::kArrayOfDate:
      return "Date";
    case T::kIPAddress:
    case T::kArrayOfIPAddress:
      return "IPAddress";
    case T::kBinary:
      return "Binary";
  }
  return "String";
}

policy::PolicyKind KindOf(PolicyType type, std::optional<ValidatePolicyResourceType> resource) {
  switch (type) {
    case PolicyType::kIdentityPolicy:
      return policy::PolicyKind::kIdentity;
    case PolicyType::kResourcePolicy:
      return resource == ValidatePolicyResourceType::kIamAssumeRolePolicyDocument
                 ? policy::PolicyKind::kRoleTrust
                 : policy::PolicyKind::kResource;
    case PolicyType::kServiceControlPolicy:
      return policy::PolicyKind::kServiceControl;
    case PolicyType::kResourceControlPolicy:
      return policy::PolicyKind::kResourceControl;
  }
  return policy::PolicyKind::kIdentity;
}

// The actions of the catalogue an Action item names ("s3:Get*"), as indices into the service's
// sorted action names (CatalogIndex); empty for an unknown service or no match. "*" is not
// expanded (the caller treats it apart).
std::vector<uint32_t> ExpandAction(std::string_view item) {
  std::vector<uint32_t> out;
  size_t colon = item.find(':');
  if (colon == std::string_view::npos) return out;
  std::string_view prefix = item.substr(0, colon);
  if (HasWildcard(prefix)) return out;
  const std::vector<std::string>* actions = CatalogIndex::Get().Actions(base::AsciiLower(prefix));
  if (actions == nullptr) return out;
  std::string name = base::AsciiLower(item.substr(colon + 1));
  if (!HasWildcard(name)) {
    auto it = std::lower_bound(actions->begin(), actions->end(), name);
    if (it != actions->end() && *it == name)
      out.push_back(static_cast<uint32_t>(it - actions->begin()));
    return out;
  }
  policy::WildcardPattern pattern = policy::WildcardPattern::FromGlob(name);
  for (size_t i = 0; i < actions->size(); ++i) {
    if (pattern.Matches((*actions)[i])) out.push_back(static_cast<uint32_t>(i));
  }
  return out;
}

bool HasVariable(std::string_view text) { return text.find("${") != std::string_view::npos; }

// Whether the condition key `lower_key` (lower case) is one of `keys`, the catalogue's key names,
// whose "${TagKey}" and "<key>" parts match any text
// ("kms:EncryptionContext:${EncryptionContextKey}" names every "kms:encryptioncontext:..." key).
bool KeyListed(const std::vector<catalog::ConditionKeyInfo>& keys, std::string_view lower_key) {
  for (const catalog::ConditionKeyInfo& key : keys) {
    std::string glob;
    std::string_view name = key.name;
    for (size_t i = 0; i < name.size(); ++i) {
      char close = name[i] == '<' ? '>' : (name.substr(i).starts_with("${") ? '}' : '\0');
      size_t end = close == '\0' ? std::string_view::npos : name.find(close, i);
      if (end == std::string_view::npos) {
        glob.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(name[i]))));
      } else {
        glob.push_back('*');
        i = end;
      }
    }
    if (glob == lower_key || (glob.find('*') != std::string::npos &&
                              policy::WildcardPattern::FromGlob(glob).Matches(lower_key))) {
      return true;
    }
  }
  return false;
}

// Whether the action "service:Action" supports the service condition key `lower_key`: the Service
// Authorization Reference lists it for the action (its row or its resource-type rows) or for a
// resource type the action acts on.
bool ActionSupportsKey(const catalog::ActionInfo& action, std::string_view lower_key) {
  if (KeyListed(catalog::ActionConditionKeys(action.FullName()), lower_key)) return true;
  for (std::string_view type : action.resource_types) {
    if (KeyListed(catalog::ResourceTypeConditionKeys(action.service, type), lower_key)) return true;
  }
  return false;
}

// An IPv4 address or CIDR block ("10.0.0.0/8"), as a 32-bit address and a prefix length.
struct Ipv4Block {
  uint32_t address = 0;
  int prefix = 32;
};

std::optional<Ipv4Block> ParseIpv4Block(std::string_view text) {
  Ipv4Block block;
  size_t slash = text.find('/');
  std::string_view address = text.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 2 ||
        bits.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
    block.prefix = std::stoi(std::string(bits));
    if (block.prefix > 32) return std::nullopt;
  }
  int octets = 0;
  size_t start = 0;
  while (octets < 4) {
    size_t dot = address.find('.', start);
    std::string_view octet =
        address.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (octet.empty() || octet.size() > 3 ||
        octet.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
    int value = std::stoi(std::string(octet));
    if (value > 255) return std::nullopt;
    block.address = (block.address << 8) | static_cast<uint32_t>(value);
    ++octets;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (octets != 4 || address.find('.', start) != std::string_view::npos) return std::nullopt;
  return block;
}

uint32_t Mask(int prefix) { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }

// Inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918), the ranges aws:SourceIp never
// sees (IAM User Guide, aws:SourceIp: "does not work with private IP addresses").
bool IsPrivate(const Ipv4Block& block) {
  auto within = [&](uint32_t network, int prefix) {
    return block.prefix >= prefix && (block.address & Mask(prefix)) == network;
  };
  return within(0x0A000000, 8) || within(0xAC100000, 12) || within(0xC0A80000, 16);
}

std::string FormatIpv4(uint32_t address, int prefix) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 255) + "." +
         std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255) + "/" +
         std::to_string(prefix);
}

// The problem of a policy variable's syntax in `text` (IAM User Guide, "IAM policy elements:
// Variables and tags"): nullopt when every "${" is well formed.
std::optional<std::string_view> VariableProblem(std::string_view text) {
  size_t start = 0;
  while ((start = text.find("${", start)) != std::string_view::npos) {
    size_t end = text.find('}', start + 2);
    if (end == std::string_view::npos) return "MISSING_BRACE_IN_VARIABLE";
    std::string_view body = text.substr(start + 2, end - start - 2);
    start = end + 1;
    if (body == "*" || body == "?" || body == "$") continue;  // the escapes ${*} ${?} ${$}
    size_t comma = body.find(',');
    std::string_view name = body.substr(0, comma);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty()) return "EMPTY_VARIABLE";
    if (name.find(' ') != std::string_view::npos) return "UNSUPPORTED_SPACE_IN_VARIABLE";
    if (comma != std::string_view::npos) {
      std::string_view fallback = body.substr(comma + 1);
      while (!fallback.empty() && fallback.front() == ' ') fallback.remove_prefix(1);
      if (fallback.size() < 2 || fallback.front() != '\'' || fallback.back() != '\'') {
        return "MISSING_QUOTE_IN_VARIABLE";
      }
    }
  }
  return std::nullopt;
}

// The service prefixes whose actions a resource policy of `type` can grant, and the ARN service of
// its resources (IAM User Guide, "Access Analyzer policy check reference": unsupported action and
// resource ARN "for the resource-based policy attached to the resource type").
// The resource type as AWS names it in findingDetails ("... attached to resource type S3 Bucket").
std::string_view DisplayName(ValidatePolicyResourceType type) {
  switch (type) {
    case ValidatePolicyResourceType::kS3Bucket:
      return "S3 Bucket";
    case ValidatePolicyResourceType::kS3AccessPoint:
      return "S3 Access Point";
    case ValidatePolicyResourceType::kS3MultiRegionAccessPoint:
      return "S3 Multi-Region Access Point";
    case ValidatePolicyResourceType::kS3ObjectLambdaAccessPoint:
      return "S3 Object Lambda Access Point";
    case ValidatePolicyResourceType::kIamAssumeRolePolicyDocument:
      return "IAM Role Trust Policy";
    case ValidatePolicyResourceType::kDynamoDbTable:
      return "DynamoDB Table";
  }
  return "";
}

std::vector<std::string_view> ServicesOf(ValidatePolicyResourceType type) {
  switch (type) {
    case ValidatePolicyResourceType::kS3Bucket:
    case ValidatePolicyResourceType::kS3AccessPoint:
    case ValidatePolicyResourceType::kS3MultiRegionAccessPoint:
      return {"s3"};
    case ValidatePolicyResourceType::kS3ObjectLambdaAccessPoint:
      return {"s3-object-lambda", "s3"};
    case ValidatePolicyResourceType::kIamAssumeRolePolicyDocument:
      return {"sts"};
    case ValidatePolicyResourceType::kDynamoDbTable:
      return {"dynamodb"};
  }
  return {};
}

class Validator {
 public:
  Validator(std::string_view source, PolicyType type,
            std::optional<ValidatePolicyResourceType> resource_type)
      : source_(source),
        type_(type),
        resource_type_(resource_type),
        kind_(KindOf(type, resource_type)),
        locator_(source) {}

  std::vector<ValidationFinding> Run() {
    json::ParseOptions options;
    options.max_depth = 32;
    json::ParseResult parsed = json::Parse(std::string(source_), options);
    if (!parsed.ok()) {
      for (const base::Issue& issue : parsed.issues) {
        size_t offset = issue.position.offset;
        Add("JSON_SYNTAX_ERROR",
            "Fix the JSON syntax error at index " + std::to_string(offset) + " line " +
                std::to_string(issue.position.line) + " column " +
                std::to_string(issue.position.column - 1) + ".",
            &issue, {Location{{}, locator_.Between(offset, std::min(offset + 1, source_.size()))}});
      }
      return Finish();
    }
    json::Value root = parsed.document.root();
    std::optional<PathIndex> index;

    policy::PolicyParseOptions parse_options;
    parse_options.kind = kind_;
    // Over the quota is a warning of its own code (POLICY_SIZE_EXCEEDS_*); only SCPs make it an
    // error, which the code's type says.
    parse_options.enforce_size_limit = false;
    policy::PolicyParseResult result = policy::ParsePolicy(root, parse_options);
    // Most policies parse cleanly: the index of every value is built only when an issue needs it.
    if (!result.issues.empty()) index_ = &index.emplace(root, locator_);
    for (const base::Issue& issue : result.issues) MapParserIssue(issue);

    if (root.is_object()) WalkPolicy(root);
    return Finish();
  }

 private:
  // --- findings -------------------------------------------------------------------------------

  void Add(std::string_view code, std::string details, const base::Issue* ours,
           std::vector<Location> locations) {
    const PolicyCheck& check = CheckOf(code);
    if (ours != nullptr) details += " [" + ours->code + ": " + ours->message + "]";
    ValidationFinding finding;
    finding.issue_code = std::string(check.issue_code);
    finding.finding_type = check.type;
    finding.finding_details = std::move(details);
    finding.learn_more_link = LearnMoreLink(check);
    finding.locations = std::move(locations);
    findings_.push_back(std::move(finding));
  }

  Location ValueLocation(const Path& path, const json::Value& value) const {
    return Location{path, locator_.ValueSpan(value)};
  }
  Location KeyLocation(const Path& object_path, const json::Value& member) const {
    Path path = object_path;
    path.push_back(KeyElement(member.key()));
    return Location{std::move(path), locator_.KeySpan(member)};
  }

  std::vector<ValidationFinding> Finish() {
    std::stable_sort(findings_.begin(), findings_.end(), [](const auto& a, const auto& b) {
      int ao = a.locations.empty() ? 0 : a.locations[0].span.start.offset;
      int bo = b.locations.empty() ? 0 : b.locations[0].span.start.offset;
      return ao < bo;
    });
    // One finding per code and place: the parser and the walk can both see a problem.
    std::vector<ValidationFinding> out;
    std::set<std::tuple<std::string, int, int>> seen;
    for (ValidationFinding& finding : findings_) {
      int start = finding.locations.empty() ? -1 : finding.locations[0].span.start.offset;
      int end = finding.locations.empty() ? -1 : finding.locations[0].span.end.offset;
      if (seen.insert({finding.issue_code, start, end}).second) out.push_back(std::move(finding));
    }
    return out;
  }

  // --- the parser's issues
  // ------------------------------------------------------------------------

  // The name of the last object member on the path ("Action" for Statement[0].Action[2]).
  static std::string_view LastMember(const Path& path, size_t skip = 0) {
    for (size_t i = path.size(); i-- > 0;) {
      if (path[i].kind == PathElement::Kind::kValue || path[i].kind == PathElement::Kind::kKey) {
        if (skip-- == 0) return path[i].text;
      }
    }
    return "";
  }
  static bool Under(const Path& path, std::string_view member) {
    for (const PathElement& element : path) {
      if (element.kind != PathElement::Kind::kIndex && element.text == member) return true;
    }
    return false;
  }

  void MapParserIssue(const base::Issue& issue) {
    const PathIndex::Entry* entry = index_->Find(issue.position.offset);
    Location location =
        entry != nullptr
            ? Location{entry->path, entry->span}
            : Location{{}, locator_.Between(issue.position.offset, issue.position.offset)};
    const Path& path = location.path;
    std::string_view code = issue.code;
    std::string_view last = LastMember(path);
    auto add = [&](std::string_view aws_code, std::string details) {
      Add(aws_code, std::move(details), &issue, {location});
    };
    if (code == "policy.too-large") {
      switch (type_) {
        case PolicyType::kServiceControlPolicy:
        case PolicyType::kResourceControlPolicy:
          add("POLICY_SIZE_EXCEEDS_SCP_QUOTA",
              "The policy exceeds the character maximum for the policy type. We recommend that "
              "you use multiple granular policies.");
          return;
        case PolicyType::kIdentityPolicy:
          add("POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
              "The characters in the identity policy, excluding whitespace, exceed the character "
              "maximum for inline and managed policies. We recommend that you use multiple "
              "granular policies.");
          return;
        case PolicyType::kResourcePolicy:
          if (kind_ == policy::PolicyKind::kRoleTrust) {
            add("POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
                "The characters in the role trust policy, excluding whitespace, exceed the "
                "character maximum. Request a role trust policy length quota increase, or ignore "
                "this warning if the quota has already been increased.");
          } else {
            add("POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA",
                "The characters in the resource policy exceed the character maximum for resource "
                "policies. We recommend that you use multiple granular policies.");
          }
          return;
      }
    }
    if (code == "policy.wrong-type") {
      add("DATA_TYPE_MISMATCH", "The text does not match the expected JSON data type.");
    } else if (code == "policy.unknown-element") {
      if (Under(path, "Principal") || Under(path, "NotPrincipal")) {
        add("INVALID_PRINCIPAL_KEY", "The principal key " + std::string(last) +
                                         " is not valid. Use AWS, Service, Federated or "
                                         "CanonicalUser.");
      } else {
        add("INVALID_POLICY_ELEMENT", "The policy element " + std::string(last) +
                                          " is not valid. Remove it or fix its name.");
      }
    } else if (code == "policy.invalid-version") {
      add("INVALID_VERSION",
          "The version is not valid. Use one of the following versions: 2012-10-17, 2008-10-17.");
    } else if (code == "policy.missing-statement") {
      add("MISSING_STATEMENT", "Add a statement to the policy.");
    } else if (code == "policy.missing-effect") {
      add("MISSING_EFFECT",
          "Add an Effect element to the policy statement with a value of Allow or Deny.");
    } else if (code == "policy.invalid-effect") {
      add("INVALID_EFFECT", "The effect is not valid. Use Allow or Deny.");
    } else if (code == "policy.missing-action") {
      add("MISSING_ACTION", "Add an Action or NotAction element to the policy statement.");
    } else if (code == "policy.invalid-action") {
      add("INVALID_ACTION",
          "The action is not valid. Use the format service:action, or * for every action.");
    } else if (code == "policy.missing-resource") {
      // A resource policy may leave Resource out (the parser warns): AWS reports nothing for it
      // (the AWS CLI reference's validate-policy example, a trust policy without Resource).
      if (issue.severity == base::Severity::kWarning) return;
      add("MISSING_RESOURCE", "Add a Resource or NotResource element to the policy statement.");
    } else if (code == "policy.resource-not-allowed") {
      add("ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
          "Role trust policies apply to the role that they are attached to. You cannot specify a "
          "resource. Remove the Resource or NotResource element.");
    } else if (code == "policy.missing-principal") {
      add("MISSING_PRINCIPAL", "Add a Principal element to the policy statement.");
    } else if (code == "policy.principal-not-allowed") {
      if (type_ == PolicyType::kServiceControlPolicy) {
        add("SCP_SYNTAX_ERROR_PRINCIPAL",
            "SCPs do not support specifying principals. Remove the Principal or NotPrincipal "
            "element.");
      } else if (kind_ == policy::PolicyKind::kRoleTrust) {
        add("ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
            "Role trust policies do not support NotPrincipal. Update the policy to use a "
            "Principal element instead.");
      } else {
        add("UNSUPPORTED_PRINCIPAL", "The policy type " + std::string(PolicyTypeName(type_)) +
                                         " does not support the Principal element. Remove the "
                                         "Principal element.");
      }
    } else if (code == "policy.invalid-principal") {
      add("INVALID_PRINCIPAL_FORMAT",
          "The Principal element contents are not valid. Specify a key-value pair in the "
          "Principal element, with an account ID, an ARN or * as the value.");
    } else if (code == "policy.allow-with-notprincipal") {
      add("ALLOW_WITH_NOT_PRINCIPAL",
          "Using Allow with NotPrincipal can be overly permissive. We recommend that you use "
          "Principal instead.");
    } else if (code == "policy.conflicting-elements") {
      add("UNSUPPORTED_ELEMENT_COMBINATION",
          "The policy elements " + std::string(last) +
              " and its Not form can not be used in "
              "the same statement. Remove one of these elements.");
    } else if (code == "policy.empty-value") {
      MapEmptyValue(issue, location, entry);
    } else if (code == "policy.invalid-sid") {
      if (entry != nullptr && entry->value.is_string() && entry->value.text().empty()) return;
      add("UNSUPPORTED_SID",
          "Update the characters in the Sid element to use one of the following character "
          "types: [a-z, A-Z, 0-9]");
    } else if (code == "policy.duplicate-sid") {
      if (kind_ == policy::PolicyKind::kIdentity) {
        add("UNIQUE_SIDS_REQUIRED",
            "Duplicate statement IDs are not supported for this policy type. Update the Sid "
            "value.");
      } else {
        add("UNIQUE_SIDS_RECOMMENDED",
            "We recommend that you use statement IDs that are unique to your policy. Update the "
            "Sid value.");
      }
    } else if (code == "policy.unknown-operator") {
      add("INVALID_CONDITION_OPERATOR", "The condition operator " + std::string(last) +
                                            " is not valid. Use a valid condition operator.");
    } else if (code == "policy.ambiguous-condition-key") {
      add("DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
          "The condition key " + std::string(last) +
              " appears more than once with different capitalization in the same condition "
              "block. Remove the duplicate condition keys.");
    } else if (code == "condition.invalid-number") {
      add("TYPE_MISMATCH_NUMBER", "Add a valid numeric value for the condition operator " +
                                      std::string(LastMember(path, 1)) + ".");
    } else if (code == "condition.invalid-date") {
      add("TYPE_MISMATCH_DATE",
          "The date condition operator is used with an invalid value. Specify a valid date using "
          "YYYY-MM-DD or other ISO 8601 date/time format.");
    } else if (code == "condition.invalid-bool" || code == "condition.invalid-null-value") {
      add("TYPE_MISMATCH_BOOLEAN",
          "Add a valid Boolean value (true or false) for the condition "
          "operator " +
              std::string(LastMember(path, 1)) + ".");
    } else if (code == "condition.invalid-ip") {
      add("TYPE_MISMATCH_IP_RANGE", "The condition operator " + std::string(LastMember(path, 1)) +
                                        " is used with an invalid IP range value. Specify the IP "
                                        "range in standard CIDR format.");
    } else if (code == "condition.invalid-base64") {
      add("TYPE_MISMATCH_STRING",
          "Add a valid base64-encoded string value for the condition "
          "operator " +
              std::string(LastMember(path, 1)) + ".");
    } else if (code == "condition.not-an-arn") {
      // On a key that is not an ARN, TYPE_MISMATCH (the walk) names the real problem: the operator.
      std::optional<catalog::ConditionKeyType> key_type = KeyType(last);
      if (key_type && *key_type != T::kARN && *key_type != T::kArrayOfARN) return;
      add("MISSING_ARN_FIELD",
          "The ARN condition value has fewer than the six fields of an ARN "
          "(arn:partition:service:region:account:resource), so it matches no ARN.");
    } else if (code.starts_with("json.")) {
      add("JSON_SYNTAX_ERROR",
          "Fix the JSON syntax error at index " + std::to_string(issue.position.offset) + ".");
    } else {
      // A finer parser check AWS's reference has no code for: reported, never dropped.
      add("DATA_TYPE_MISMATCH", "The policy element is not valid.");
    }
  }

  void MapEmptyValue(const base::Issue& issue, const Location& location,
                     const PathIndex::Entry* entry) {
    const Path& path = location.path;
    std::string_view last = LastMember(path);
    bool element_itself = !path.empty() && path.back().kind != PathElement::Kind::kIndex;
    auto add = [&](std::string_view aws_code, std::string details) {
      Add(aws_code, std::move(details), &issue, {location});
    };
    if (entry != nullptr && entry->is_key) {
      add("INVALID_CONDITION_KEY_FORMAT",
          "The condition key format is not valid. Use the format service:keyname.");
    } else if (!element_itself && (last == "Action" || last == "NotAction")) {
      add("INVALID_ACTION", "The action is empty. Use the format service:action.");
    } else if (last == "Action" || last == "NotAction") {
      add("EMPTY_ARRAY_ACTION",
          "This statement includes no actions and does not affect the policy. Specify actions.");
    } else if (last == "Resource" || last == "NotResource") {
      if (element_itself) {
        add("EMPTY_ARRAY_RESOURCE",
            "This statement includes no resources and does not affect the policy. Specify "
            "resources.");
      } else {
        add("INVALID_ARN_PREFIX", "Add the required prefix (arn) to the resource ARN.");
      }
    } else if (last == "Principal" || last == "NotPrincipal") {
      add("EMPTY_OBJECT_PRINCIPAL",
          "This statement includes no principals and does not affect the policy. Specify "
          "principals.");
    } else if (Under(path, "Principal") || Under(path, "NotPrincipal")) {
      add(element_itself ? "EMPTY_ARRAY_PRINCIPAL" : "INVALID_PRINCIPAL_FORMAT",
          element_itself ? "This statement includes no principals and does not affect the "
                           "policy. Specify principals."
                         : "The principal value is empty. Specify a principal.");
    } else if (last == "Condition" ||
               (Under(path, "Condition") && LastMember(path, 1) == "Condition")) {
      add("EMPTY_OBJECT_CONDITION",
          "This condition block is empty and it does not affect the policy. Specify conditions.");
    } else if (Under(path, "Condition") && element_itself) {
      std::string_view op = LastMember(path, 1);
      std::string key(last);
      if (op.starts_with("ForAllValues:")) {
        add("EMPTY_ARRAY_CONDITION_FORALLVALUES",
            "The ForAllValues prefix with an empty condition key matches only if the key " + key +
                " is missing from the request context. To determine if the request context is "
                "empty, we recommend that you use the Null condition operator with the value of "
                "true instead.");
      } else if (op.starts_with("ForAnyValue:")) {
        add("EMPTY_ARRAY_CONDITION_FORANYVALUE",
            "The ForAnyValue prefix with an empty condition key " + key +
                " never matches the request context and it does not affect the policy. Specify "
                "conditions.");
      } else if (op.ends_with("IfExists")) {
        add("EMPTY_ARRAY_CONDITION_IFEXISTS",
            "The IfExists suffix with an empty condition key matches only if the key " + key +
                " is missing from the request context. To determine if the request context is "
                "empty, we recommend that you use the Null condition operator with the value of "
                "true instead.");
      } else {
        add("EMPTY_ARRAY_CONDITION", "There are no values for the condition key " + key +
                                         " and it does not affect the policy. Specify "
                                         "conditions.");
      }
    } else if (last == "Statement") {
      add("MISSING_STATEMENT", "Add a statement to the policy.");
    } else if (last == "Sid") {
      add("EMPTY_SID_VALUE", "Add a value to the empty string in the Sid element.");
    } else {
      add("DATA_TYPE_MISMATCH", "The element is empty where a value is required.");
    }
  }

  // --- the walk: checks the parser does not make
  // --------------------------------------------------

  void WalkPolicy(const json::Value& root) {
    std::optional<json::Value> version = root.Find("Version");
    if (!version) {
      Add("MISSING_VERSION",
          "We recommend that you specify the Version element to help you with debugging "
          "permission issues. Add a Version element with the value 2012-10-17.",
          nullptr,
          {Location{{}, locator_.Between(root.position().offset, root.position().offset + 1)}});
    }
    version_2008_ = version && version->is_string() && version->text() == "2008-10-17";
    std::optional<json::Value> statements = root.Find("Statement");
    if (!statements) return;
    Path path{ValueElement("Statement")};
    if (statements->is_object()) {
      WalkStatement(*statements, path);
    } else if (statements->is_array()) {
      int index = 0;
      std::vector<std::string> seen;
      for (json::Value statement : statements->children()) {
        path.push_back(IndexElement(index++));
        if (statement.is_object()) {
          WalkStatement(statement, path);
          // REDUNDANT_STATEMENT: the same statement again, whatever its Sid.
          std::string canonical = Canonical(statement);
          if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) {
            Add("REDUNDANT_STATEMENT",
                "The statement is redundant because an earlier statement provides identical "
                "permissions. Update the policy to remove the redundant statement.",
                nullptr, {ValueLocation(path, statement)});
          }
          seen.push_back(std::move(canonical));
        }
        path.pop_back();
      }
    }
    CheckKeysNeedingAction(root);
  }

  // The string items of an element that is a string or an array of strings, with their paths.
  static std::vector<std::pair<json::Value, Path>> Items(const json::Value& element,
                                                         const Path& path) {
    std::vector<std::pair<json::Value, Path>> out;
    if (element.is_string()) out.push_back({element, path});
    if (element.is_array()) {
      int index = 0;
      for (json::Value item : element.children()) {
        Path item_path = path;
        item_path.push_back(IndexElement(index++));
        if (item.is_string()) out.push_back({item, std::move(item_path)});
      }
    }
    return out;
  }

  void WalkStatement(const json::Value& statement, const Path& path) {
    auto member_path = [&](std::string_view name) {
      Path p = path;
      p.push_back(ValueElement(name));
      return p;
    };
    std::optional<json::Value> effect = statement.Find("Effect");
    bool allow = effect && effect->is_string() && effect->text() == "Allow";
    std::optional<json::Value> action = statement.Find("Action");
    std::optional<json::Value> not_action = statement.Find("NotAction");
    std::optional<json::Value> resource = statement.Find("Resource");
    std::optional<json::Value> not_resource = statement.Find("NotResource");
    std::optional<json::Value> condition = statement.Find("Condition");
    std::optional<json::Value> principal = statement.Find("Principal");

    std::optional<json::Value> sid = statement.Find("Sid");
    if (sid && sid->is_string() && sid->text().empty()) {
      Add("EMPTY_SID_VALUE", "Add a value to the empty string in the Sid element, or remove it.",
          nullptr, {ValueLocation(member_path("Sid"), *sid)});
    }
    CheckVariables(statement, path);
    if (resource_type_ && action) CheckActionScope(*action, member_path("Action"));
    if (resource_type_ && resource) CheckResourceScope(*resource, member_path("Resource"));
    if (action) CheckActions(*action, member_path("Action"));
    if (not_action) CheckActions(*not_action, member_path("NotAction"));
    if (resource) {
      CheckResources(*resource, member_path("Resource"));
      CheckRedundantResources(*resource, member_path("Resource"));
    }
    if (not_resource) CheckResources(*not_resource, member_path("NotResource"));
    std::set<std::string> condition_keys;
    if (condition && condition->is_object() && condition->size() == 0) {
      Add("EMPTY_OBJECT_CONDITION",
          "This condition block is empty and it does not affect the policy. Specify conditions "
          "or remove the Condition element.",
          nullptr, {ValueLocation(member_path("Condition"), *condition)});
    }
    if (condition && condition->is_object()) {
      CheckCondition(*condition, member_path("Condition"), condition_keys, allow);
      if (action) CheckActionsSupportKeys(*action, member_path("Action"), *condition);
      CheckTagKeysForServices(action, not_action.has_value(), *condition, member_path("Condition"),
                              allow);
    }
    // A statement of a role trust policy: the declared type, or a RESOURCE_POLICY without
    // resource type whose actions are all AWS STS ones (AWS reads such a policy as a trust policy:
    // AWS CLI reference, `validate-policy` example, a trust policy sent as RESOURCE_POLICY).
    bool trust = kind_ == policy::PolicyKind::kRoleTrust || (!resource_type_ && TrustLike(action));
    if (principal && trust) {
      CheckTrustPrincipal(*principal, member_path("Principal"), condition_keys);
      CheckTrustActions(statement, *principal, path);
    }
    // Where the policy type forbids Principal, UNSUPPORTED_PRINCIPAL says all there is to say.
    bool principals_allowed =
        type_ == PolicyType::kResourcePolicy || type_ == PolicyType::kResourceControlPolicy;
    if (principal && principals_allowed) {
      CheckPrincipalValues(*principal, member_path("Principal"), allow, trust, condition_keys);
    }
    if (allow && type_ == PolicyType::kIdentityPolicy) {
      CheckSensitiveAction(statement, path, "iam:passrole", "iam:passedtoservice", condition_keys,
                           /*pass_role=*/true);
      CheckSensitiveAction(statement, path, "iam:createservicelinkedrole", "iam:awsservicename",
                           condition_keys, /*pass_role=*/false);
    }
  }

  void CheckActions(const json::Value& element, const Path& path) {
    auto items = Items(element, path);
    std::vector<std::vector<uint32_t>> expanded(items.size());
    std::vector<bool> usable(items.size(), false);
    for (size_t i = 0; i < items.size(); ++i) {
      const auto& [item, item_path] = items[i];
      std::string_view text = item.text();
      if (text == "*") continue;
      size_t colon = text.find(':');
      if (colon == std::string_view::npos || colon == 0) continue;  // the parser reports it
      std::string_view prefix = text.substr(0, colon);
      std::string_view name = text.substr(colon + 1);
      Location location = ValueLocation(item_path, item);
      if (HasWildcard(prefix)) {
        Add("WILDCARD_IN_SERVICE_NAME",
            "Avoid using wildcards (*, ?) in the service name because it might grant unintended "
            "access to other AWS services with similar names. Name the service of " +
                std::string(text) + ".",
            nullptr, {location});
        continue;
      }
      if (CatalogIndex::Get().Actions(base::AsciiLower(prefix)) == nullptr) {
        Add("INVALID_SERVICE_IN_ACTION",
            "The service " + std::string(prefix) +
                " specified in the action does not exist. Use a service prefix of the Service "
                "Authorization Reference.",
            nullptr, {location});
        continue;
      }
      if (type_ == PolicyType::kServiceControlPolicy) {
        size_t star = name.find_first_of("*?");
        if (star != std::string_view::npos && star + 1 != name.size()) {
          Add("SCP_SYNTAX_ERROR_ACTION_WILDCARD",
              "SCP actions can include wildcards (*) only at the end of a string. Update " +
                  std::string(text) + ".",
              nullptr, {location});
        }
      }
      expanded[i] = ExpandAction(text);
      if (expanded[i].empty()) {
        Add("INVALID_ACTION",
            "The action " + std::string(text) + " does not exist. Use an action of the service " +
                std::string(prefix) + ".",
            nullptr, {location});
        continue;
      }
      usable[i] = true;
    }
    // REDUNDANT_ACTION: an item whose actions another item of the element already names.
    bool has_star = std::any_of(items.begin(), items.end(),
                                [](const auto& item) { return item.first.text() == "*"; });
    for (size_t i = 0; i < items.size(); ++i) {
      if (!usable[i]) continue;
      std::string covering;
      if (has_star) covering = "*";
      for (size_t j = 0; j < items.size() && covering.empty(); ++j) {
        if (j == i || !usable[j]) continue;
        std::string_view a = items[i].first.text(), b = items[j].first.text();
        if (!base::EqualsIgnoreAsciiCase(a.substr(0, a.find(':')), b.substr(0, b.find(':'))))
          continue;
        bool subset = std::includes(expanded[j].begin(), expanded[j].end(), expanded[i].begin(),
                                    expanded[i].end());
        // Two items naming the same actions: the later one is the redundant one.
        if (subset && (expanded[j].size() > expanded[i].size() || j < i)) {
          covering = std::string(items[j].first.text());
        }
      }
      if (covering.empty()) continue;
      Add("REDUNDANT_ACTION",
          "The action " + std::string(items[i].first.text()) + " is redundant because " + covering +
              " provides the same permissions. Update the policy to remove the redundant action.",
          nullptr, {ValueLocation(items[i].second, items[i].first)});
    }
  }

  void CheckResources(const json::Value& element, const Path& path) {
    for (const auto& [item, item_path] : Items(element, path)) {
      std::string_view text = item.text();
      if (text == "*" || text.empty()) continue;
      Location location = ValueLocation(item_path, item);
      // The fields are counted first: AWS answers MISSING_ARN_FIELD for a value that is no ARN
      // at all ("fakeArn", recorded in cfn-policy-validator's tests), INVALID_ARN_PREFIX for six
      // fields that do not start with "arn".
      bool arn_prefix = text.starts_with("arn:");
      // A wildcard or a variable where the prefix should be may stand for it.
      if (!arn_prefix && (HasWildcard(text.substr(0, 4)) || HasVariable(text.substr(0, 4)))) {
        continue;
      }
      std::vector<std::string_view> parts = SplitArnFields(text);
      if (parts.size() < 6) {
        // A trailing wildcard can stand for the missing fields ("arn:aws:s3:*").
        if (!text.ends_with("*")) {
          Add("MISSING_ARN_FIELD",
              "Resource ARNs must include at least 6 fields in the following structure: "
              "arn:partition:service:region:account:resource",
              nullptr, {location});
        }
        continue;
      }
      if (!arn_prefix) {
        Add("INVALID_ARN_PREFIX",
            "Add the required prefix (arn) to the resource ARN " + std::string(text) + ".", nullptr,
            {location});
        continue;
      }
      std::string_view partition = parts[1], service = parts[2], region = parts[3],
                       account = parts[4];
      if (!HasWildcard(partition) && !HasVariable(partition) && partition != "aws" &&
          partition != "aws-cn" && partition != "aws-us-gov" && !partition.starts_with("aws-iso") &&
          partition != "aws-eusc") {
        Add("INVALID_PARTITION",
            "The resource ARN does not support the partition " + std::string(partition) +
                ". Use the supported values: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b.",
            nullptr, {location});
      }
      if (std::any_of(service.begin(), service.end(),
                      [](char c) { return std::isupper(static_cast<unsigned char>(c)); })) {
        Add("INVALID_ARN_SERVICE_CASE",
            "Update the service name " + std::string(service) +
                " in the resource ARN to use all lowercase letters.",
            nullptr, {location});
      }
      if (!account.empty() && !HasWildcard(account) && !HasVariable(account) &&
          !(account.size() == 12 &&
            std::all_of(account.begin(), account.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) &&
          account != "aws") {
        Add("INVALID_ARN_ACCOUNT",
            "The resource ARN account ID " + std::string(account) +
                " is not valid. Provide a 12-digit account ID.",
            nullptr, {location});
      }
      if (!region.empty() && !HasWildcard(region) && !HasVariable(region) &&
          !aws::FindRegion(region)) {
        Add("INVALID_ARN_REGION",
            "The Region " + std::string(region) +
                " is not valid for this resource. Update the resource ARN to include a supported "
                "Region.",
            nullptr, {location});
      }
      if (HasWildcard(service)) continue;
      // Region and account fields the ARN formats of the resource types the ARN can name never
      // have (Service Authorization Reference, the service's resource types). A format's variables
      // (${BucketName}) read as '*'; when the ARN's resource part matches no format of the service,
      // every format counts.
      bool any_region = false, any_account = false, all_region = true, matched = false;
      const std::vector<ArnFormat>& types = CatalogIndex::Get().Formats(base::AsciiLower(service));
      std::string_view resource_part = parts[5];
      for (int pass = 0; pass < 2 && !matched; ++pass) {
        any_region = any_account = false;
        all_region = true;
        for (const ArnFormat& format : types) {
          if (pass == 0 && !GlobMatches(format.resource_glob, resource_part)) continue;
          matched = true;
          any_region |= format.has_region;
          all_region &= format.has_region;
          any_account |= format.has_account;
        }
        if (pass == 0 && !matched && !HasWildcard(resource_part) && !HasVariable(resource_part) &&
            !types.empty()) {
          Add("INVALID_ARN_RESOURCE",
              "Resource ARN does not match the expected ARN format of any resource type of the "
              "service " +
                  std::string(service) + ". Update the resource portion of the ARN.",
              nullptr, {location});
        }
      }
      if (types.empty()) continue;
      if (!any_region && !region.empty() && !HasWildcard(region) && !HasVariable(region)) {
        Add("ARN_REGION_NOT_ALLOWED",
            "The service " + std::string(service) +
                " does not support specifying a Region in the resource ARN. Remove the Region.",
            nullptr, {location});
      }
      if (!any_account && !account.empty() && !HasWildcard(account) && !HasVariable(account)) {
        Add("ARN_ACCOUNT_NOT_ALLOWED",
            "The service " + std::string(service) +
                " does not support specifying an account ID in the resource ARN. Remove the "
                "account ID.",
            nullptr, {location});
      }
      if (all_region && region.empty()) {
        Add("MISSING_ARN_REGION",
            "Add a Region to the " + std::string(service) + " resource ARN (or * for any Region).",
            nullptr, {location});
      }
    }
  }

  void CheckCondition(const json::Value& condition, const Path& path,
                      std::set<std::string>& keys_seen, bool allow) {
    for (json::Value op_member : condition.members()) {
      Path op_path = path;
      op_path.push_back(ValueElement(op_member.key()));
      std::optional<policy::ConditionOperatorSpec> op =
          policy::ParseConditionOperator(op_member.key());
      if (!op) {
        if (op_member.key().starts_with("Null") && op_member.key().ends_with("IfExists")) {
          Add("NULL_WITH_IF_EXISTS",
              "The Null condition operator cannot be used with the IfExists suffix. Remove the "
              "suffix.",
              nullptr, {KeyLocation(path, op_member)});
        }
        continue;  // the parser reports the unknown operator
      }
      if (!op_member.is_object()) continue;
      bool is_null = op->op == policy::ConditionOperator::kNull;
      if (is_null && op->qualifier != policy::SetQualifier::kNone) {
        Add("NULL_WITH_QUALIFIER",
            "Avoid using the Null condition operator with the ForAllValues or ForAnyValue "
            "qualifiers because they always return a true or false respectively.",
            nullptr, {KeyLocation(path, op_member)});
      }
      policy::OperatorFamily family = policy::TraitsOfOperator(op->op).family;
      std::set<std::string> block_keys;
      for (json::Value key_member : op_member.members())
        block_keys.insert(base::AsciiLower(key_member.key()));
      if (allow && block_keys.contains("aws:vpcsourceip") &&
          !block_keys.contains("aws:sourcevpc")) {
        Add("MISSING_PAIRED_CONDITION_KEYS",
            "Using the condition key aws:VpcSourceIp can be overly permissive without also using "
            "the following condition keys: aws:SourceVpc. Condition keys like this one are more "
            "secure when paired with a related key. We recommend that you add the related "
            "condition keys to the same condition block.",
            nullptr, {KeyLocation(path, op_member)});
      }
      for (json::Value key_member : op_member.members()) {
        std::string_view key = key_member.key();
        keys_seen.insert(base::AsciiLower(key));
        Location key_location = KeyLocation(op_path, key_member);
        CheckConditionKey(key, key_location);
        std::optional<catalog::ConditionKeyType> type = KeyType(key);
        if (type && !is_null) {
          if (!OperatorFits(family, *type)) {
            Add("TYPE_MISMATCH",
                "Use the operator type " + std::string(FamilyOperatorName(*type)) +
                    " instead of operator " + std::string(op_member.key()) +
                    " for the condition key " + std::string(key) + ".",
                nullptr, {key_location});
          }
          if (op->qualifier == policy::SetQualifier::kForAllValues && !IsMultivalued(*type)) {
            Add("FORALLVALUES_WITH_SINGLE_VALUED_KEY",
                "Using ForAllValues qualifier with the single-valued condition key " +
                    std::string(key) +
                    " can be overly permissive. We recommend that you remove ForAllValues:.",
                nullptr, {key_location});
          }
        }
        Path key_path = op_path;
        key_path.push_back(ValueElement(key));
        if (type && !is_null && op->qualifier == policy::SetQualifier::kNone &&
            IsMultivalued(*type)) {
          Add("MISSING_QUALIFIER",
              "The request context key " + std::string(key) +
                  " has multiple values. Use the ForAllValues or ForAnyValue condition key "
                  "qualifiers in your policy.",
              nullptr, {key_location});
        }
        CheckConditionValues(*op, key, key_member, key_path);
        if (!is_null) CheckAudienceKey(key, key_location);
        if (family == policy::OperatorFamily::kDate) CheckEpochDates(key, key_member, key_path);
        NoteKeyNeedingAction(key, key_location);
        for (const auto& [value, value_path] : Items(key_member, key_path)) {
          std::string_view text = value.text();
          if (!is_null && family != policy::OperatorFamily::kStringLike &&
              family != policy::OperatorFamily::kArn && HasWildcard(text) &&
              (family == policy::OperatorFamily::kString ||
               family == policy::OperatorFamily::kStringIgnoreCase) &&
              !policy::IsNegatedOperator(op->op)) {
            Add("WILDCARD_WITHOUT_LIKE_OPERATOR",
                "Your condition value includes a * or ? character. If you meant to use a "
                "wildcard (*, ?), update the condition operator to include Like.",
                nullptr, {ValueLocation(value_path, value)});
          }
          if (HasVariable(text) && family != policy::OperatorFamily::kString &&
              family != policy::OperatorFamily::kStringIgnoreCase &&
              family != policy::OperatorFamily::kStringLike &&
              family != policy::OperatorFamily::kArn) {
            Add("INVALID_VARIABLE_FOR_OPERATOR",
                "Policy variables can only be used with String and ARN operators.", nullptr,
                {ValueLocation(value_path, value)});
          }
          if (HasVariable(text) && version_2008_) {
            Add("VARIABLE_UNSUPPORTED_IN_VERSION",
                "To include variables in your policy, use the policy version 2012-10-17 or later.",
                nullptr, {ValueLocation(value_path, value)});
          }
        }
      }
    }
  }

  // CONFIRM_AUDIENCE_CLAIM_TYPE (IAM User Guide, Access Analyzer policy check reference, a
  // suggestion): the `aud` claim of a web identity token can hold one audience or several, and a
  // condition on it is meant for one of the two (a plain operator for one, ForAnyValue /
  // ForAllValues for several). AWS asks to confirm which: it reports the suggestion for every
  // `<provider>:aud` key, with or without a set qualifier (recorded ValidatePolicy answers for
  // GitHub trust policies with `"StringEquals": {"token.actions.githubusercontent.com:aud":
  // "sts.amazonaws.com"}`, docs/validate-policy.md). Provider keys are those whose prefix is a host
  // name (accounts.google.com:aud, cognito-identity.amazonaws.com:aud, an OIDC provider's URL);
  // saml:aud is a SAML attribute, not a token claim. Not for Null, which tests presence only.
  void CheckAudienceKey(std::string_view key, const Location& location) {
    std::string lower = base::AsciiLower(key);
    if (!lower.ends_with(":aud")) return;
    std::string_view provider = std::string_view(lower).substr(0, lower.size() - 4);
    if (provider.find('.') == std::string_view::npos) return;
    Add("CONFIRM_AUDIENCE_CLAIM_TYPE",
        "The 'aud' (audience) claim " + std::string(key) +
            " can hold a single audience or several. Confirm that the condition matches the "
            "claim type of your identity provider: a single-valued operator for one audience, "
            "the ForAnyValue or ForAllValues qualifier for a multivalued claim.",
        nullptr, {location});
  }

  // INVALID_DATE_VALUE (IAM User Guide, Access Analyzer policy check reference, a general
  // warning): a date operator's value in epoch (UNIX) time, which the reference says might not
  // resolve to the time you expect; it recommends the W3C ISO 8601 forms (YYYY-MM-DD,
  // YYYY-MM-DDThh:mm:ssTZD). Epoch values are digits, optionally signed and with a fraction, as
  // a string or a JSON number (policy/condition_values.h reads them so). Our reading, not AWS's
  // words: aws:EpochTime is left out, since that key is defined in epoch time and AWS's own
  // examples compare it with epoch values. Unparseable dates are TYPE_MISMATCH_DATE (the parser).
  void CheckEpochDates(std::string_view key, const json::Value& values, const Path& key_path) {
    if (base::EqualsIgnoreAsciiCase(key, "aws:EpochTime")) return;
    auto check = [&](const json::Value& value, const Path& value_path) {
      if (!value.is_string() && !value.is_number()) return;
      std::string_view text = value.text();
      if (!IsEpochTime(text)) return;
      Add("INVALID_DATE_VALUE",
          "The date " + std::string(text) +
              " is in epoch time and might not resolve to the date and time you expect. We "
              "recommend that you use an ISO 8601 date, such as YYYY-MM-DD or "
              "YYYY-MM-DDThh:mm:ssZ.",
          nullptr, {ValueLocation(value_path, value)});
    };
    if (values.is_array()) {
      int index = 0;
      for (json::Value item : values.children()) {
        Path item_path = key_path;
        item_path.push_back(IndexElement(index++));
        check(item, item_path);
      }
    } else {
      check(values, key_path);
    }
  }

  static bool IsEpochTime(std::string_view text) {
    if (text.starts_with('-')) text.remove_prefix(1);
    size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view fraction =
        dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    auto digits = [](std::string_view part) {
      return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    return !whole.empty() && digits(whole) && digits(fraction) &&
           (dot == std::string_view::npos || !fraction.empty());
  }

  // MISSING_ACTION_FOR_CONDITION_KEY (IAM User Guide, Access Analyzer policy check reference, an
  // error): a condition key that only has a value when a given action is performed, in a policy
  // that never names that action. The reference documents one such key, by example:
  // sts:SourceIdentity, set by sts:SetSourceIdentity (the source identity is set on AssumeRole*
  // only when sts:SetSourceIdentity is allowed as well). Only that documented pair is checked; no
  // table of such keys is published. The action counts when any statement of the policy names it
  // (an Action item matching it, wildcards included, or a NotAction not excluding it): the
  // reference says the action must be "in the policy". Reported at the key, once the whole policy
  // is walked.
  struct KeyNeedingAction {
    std::string_view lower_key;
    std::string_view action;
  };
  static constexpr KeyNeedingAction kKeysNeedingAction[] = {
      {"sts:sourceidentity", "sts:SetSourceIdentity"},
  };

  void NoteKeyNeedingAction(std::string_view key, const Location& location) {
    std::string lower = base::AsciiLower(key);
    for (const KeyNeedingAction& entry : kKeysNeedingAction) {
      if (lower == entry.lower_key) pending_keys_.push_back({std::string(key), entry, location});
    }
  }

  bool PolicyNamesAction(const json::Value& root, std::string_view action) const {
    std::optional<json::Value> statements = root.Find("Statement");
    if (!statements) return false;
    auto names = [&](const json::Value& statement) {
      if (!statement.is_object()) return false;
      if (std::optional<json::Value> items = statement.Find("Action")) {
        for (const auto& [item, item_path] : Items(*items, {})) {
          if (GlobMatches(item.text(), action, CaseMode::kInsensitive)) return true;
        }
      }
      if (std::optional<json::Value> items = statement.Find("NotAction")) {
        auto excluded = Items(*items, {});
        return std::none_of(excluded.begin(), excluded.end(), [&](const auto& item) {
          return GlobMatches(item.first.text(), action, CaseMode::kInsensitive);
        });
      }
      return false;
    };
    if (statements->is_object()) return names(*statements);
    if (!statements->is_array()) return false;
    for (json::Value statement : statements->children()) {
      if (names(statement)) return true;
    }
    return false;
  }

  void CheckKeysNeedingAction(const json::Value& root) {
    for (const PendingKey& pending : pending_keys_) {
      std::string_view action = pending.entry.action;
      if (PolicyNamesAction(root, action)) continue;
      Add("MISSING_ACTION_FOR_CONDITION_KEY",
          "The condition key " + pending.key + " has a value only when the " + std::string(action) +
              " action is performed. Add the " + std::string(action) +
              " action to the policy, or remove the condition key.",
          nullptr, {pending.location});
    }
  }

  // UNSUPPORTED_ACTION_FOR_CONDITION_KEY (IAM User Guide, Access Analyzer policy check reference):
  // an action of the statement that does not support a condition key of its Condition, so the
  // condition is not evaluated as meant for it. Reported at the action, as AWS does (the published
  // findings of a trust policy with sts:TagSession and cognito-identity.amazonaws.com:aud).
  // Which keys count: service and identity-provider keys (not the global aws: ones, which every
  // action has), of the action's own service or listed in its service's keys (sts lists the
  // cognito-identity.amazonaws.com keys), when the catalogue lists the key neither for the action
  // nor for its resource types. Only exact action names: a wildcard is left unreported.
  void CheckActionsSupportKeys(const json::Value& action, const Path& path,
                               const json::Value& condition) {
    std::vector<std::string> keys;  // as written, in document order
    for (json::Value op_member : condition.members()) {
      if (!op_member.is_object() || !policy::ParseConditionOperator(op_member.key())) continue;
      for (json::Value key_member : op_member.members()) {
        std::string_view key = key_member.key();
        if (base::AsciiLower(key).starts_with("aws:") || !KeyType(key)) continue;
        keys.emplace_back(key);
      }
    }
    if (keys.empty()) return;
    for (const auto& [item, item_path] : Items(action, path)) {
      std::string_view text = item.text();
      if (HasWildcard(text)) continue;
      std::optional<catalog::ActionInfo> info = catalog::FindAction(text);
      if (!info) continue;  // INVALID_ACTION says it
      std::vector<catalog::ConditionKeyInfo> service_keys;
      bool service_keys_read = false;
      for (const std::string& key : keys) {
        std::string lower = base::AsciiLower(key);
        if (ActionSupportsKey(*info, lower)) continue;
        bool own_service = lower.starts_with(base::AsciiLower(info->service) + ":");
        if (!own_service) {
          if (!service_keys_read) {
            service_keys = catalog::ServiceConditionKeys(info->service);
            service_keys_read = true;
          }
          if (!KeyListed(service_keys, lower)) continue;
        }
        Add("UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
            "The following actions: " + std::string(text) +
                " are not supported by the condition key " + key +
                ". The condition will not be evaluated for these actions. We recommend that you "
                "move these actions to a different statement without this condition key.",
            nullptr, {ValueLocation(item_path, item)});
        break;
      }
    }
  }

  // The four *_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE checks (IAM User Guide, Access Analyzer
  // policy check reference): a tag key (aws:RequestTag/..., aws:ResourceTag/..., aws:TagKeys, or a
  // service's own ResourceTag/RequestTag/TagKeys variant) in a statement whose actions include
  // services that support it nowhere: with Allow those actions are not allowed (a suggestion), with
  // Deny they are not denied (a security warning). With NotAction the statement covers every
  // service, some of which never support the key, so it is reported whatever it excludes. A
  // service supports the key when the catalogue lists it among the service's condition keys (the
  // keys of its actions and resource types). Reported at the key; "*" and actions with a wildcard
  // in the service name are left unreported (no service to name).
  void CheckTagKeysForServices(const std::optional<json::Value>& action, bool not_action,
                               const json::Value& condition, const Path& path, bool allow) {
    if (!action && !not_action) return;
    for (json::Value op_member : condition.members()) {
      if (!op_member.is_object() || !policy::ParseConditionOperator(op_member.key())) continue;
      Path op_path = path;
      op_path.push_back(ValueElement(op_member.key()));
      for (json::Value key_member : op_member.members()) {
        std::string key(key_member.key());
        std::string lower = base::AsciiLower(key);
        size_t colon = lower.find(':');
        if (colon == std::string::npos) continue;
        std::string_view name = std::string_view(lower).substr(colon + 1);
        bool tag_key = (name.starts_with("requesttag/") || name.starts_with("resourcetag/")) ||
                       name == "tagkeys";
        if (!tag_key || !KeyType(key)) continue;
        Location location = KeyLocation(op_path, key_member);
        if (not_action) {
          Add(allow ? "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
                    : "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
              allow ? "Using the effect Allow with NotAction and the tag condition key " + key +
                          " allows only service actions that support the condition key. We "
                          "recommend that you use Action instead of NotAction."
                    : "Using the effect Deny with NotAction and the tag condition key " + key +
                          " can be overly permissive because some service actions are not denied "
                          "by this statement. This is because the condition key doesn't apply to "
                          "some service actions. We recommend that you use Action instead of "
                          "NotAction.",
              nullptr, {location});
          continue;
        }
        std::set<std::string> unsupported;
        for (const auto& [item, item_path] : Items(*action, path)) {
          std::string_view text = item.text();
          size_t item_colon = text.find(':');
          if (item_colon == std::string_view::npos) continue;
          std::string prefix = base::AsciiLower(text.substr(0, item_colon));
          if (HasWildcard(prefix) || !catalog::HasService(prefix)) continue;
          if (!KeyListed(catalog::ServiceConditionKeys(prefix), lower)) unsupported.insert(prefix);
        }
        if (unsupported.empty()) continue;
        std::string services;
        for (const std::string& prefix : unsupported) {
          if (!services.empty()) services += ", ";
          services += prefix;
        }
        Add(allow ? "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
                  : "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
            "Using the effect " + std::string(allow ? "Allow" : "Deny") +
                " with the tag condition key " + key +
                " and actions for services with the following prefixes " +
                (allow ? "does not affect the policy: " : "can be overly permissive: ") + services +
                ". Actions for the listed services are not " + (allow ? "allowed" : "denied") +
                " by this statement. We recommend that you move these actions to a different "
                "statement without this condition key.",
            nullptr, {location});
      }
    }
  }

  void CheckConditionKey(std::string_view key, const Location& location) {
    size_t colon = key.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == key.size()) {
      Add("INVALID_CONDITION_KEY_FORMAT",
          "The condition key " + std::string(key) +
              " format is not valid. Use the format service:keyname.",
          nullptr, {location});
      return;
    }
    std::string prefix = base::AsciiLower(key.substr(0, colon));
    if (prefix == "aws") {
      if (base::EqualsIgnoreAsciiCase(key, "aws:ARN")) {
        Add("UNSUPPORTED_GLOBAL_CONDITION_KEY",
            "The condition key aws:ARN is not supported. Use aws:PrincipalArn or aws:SourceArn "
            "instead.",
            nullptr, {location});
        return;
      }
      for (std::string_view family : {"aws:requesttag/", "aws:resourcetag/", "aws:principaltag/"}) {
        if (base::AsciiLower(key) == std::string(family).substr(0, family.size() - 1)) {
          Add("MISSING_TAG_KEY_IN_CONDITION",
              "The condition key " + std::string(key) +
                  " must include a tag key to control access based on tags. Use the format " +
                  std::string(key) + "/tag-key and specify a key name for tag-key.",
              nullptr, {location});
          return;
        }
      }
      if (!KeyType(key)) {
        Add("INVALID_GLOBAL_CONDITION_KEY",
            "The condition key " + std::string(key) + " does not exist. Use a valid condition key.",
            nullptr, {location});
      }
      return;
    }
    // Keys of identity providers ("accounts.google.com:aud", "saml:aud") are not services.
    if (prefix.find('.') != std::string::npos || prefix == "saml") return;
    if (!catalog::HasService(prefix)) {
      Add("INVALID_SERVICE",
          "The service " + prefix +
              " of the condition key does not exist. Use a valid service name.",
          nullptr, {location});
      return;
    }
    if (!KeyType(key)) {
      Add("INVALID_SERVICE_CONDITION_KEY",
          "The condition key " + std::string(key) + " does not exist in the service " + prefix +
              ". Use a valid condition key.",
          nullptr, {location});
    }
  }

  void CheckTrustPrincipal(const json::Value& principal, const Path& path,
                           const std::set<std::string>& condition_keys) {
    auto wildcard = [&](const json::Value& value, const Path& value_path) {
      Add("ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
          "\"Principal:\" \"*\" is not supported in the principal element of a role trust "
          "policy. Replace the wildcard with a valid principal value.",
          nullptr, {ValueLocation(value_path, value)});
    };
    bool declared = kind_ == policy::PolicyKind::kRoleTrust;
    if (principal.is_string()) {
      if (declared && principal.text() == "*") wildcard(principal, path);
      return;
    }
    if (!principal.is_object()) return;
    for (json::Value member : principal.members()) {
      Path member_path = path;
      member_path.push_back(ValueElement(member.key()));
      for (const auto& [value, value_path] : Items(member, member_path)) {
        std::string_view text = value.text();
        if (declared && member.key() == "AWS" && text == "*") wildcard(value, value_path);
        if (member.key() != "Federated") continue;
        size_t provider = text.find(":oidc-provider/");
        if (provider == std::string_view::npos) continue;
        std::string host = base::AsciiLower(text.substr(provider + 15));
        if (host == "token.actions.githubusercontent.com") {
          if (!condition_keys.contains("token.actions.githubusercontent.com:sub")) {
            Add("MISSING_GITHUB_REPO_CONDITION_KEY",
                "Granting a federated GitHub principal permissions without a condition key can "
                "allow more sources to assume the role than you intended. Add the "
                "token.actions.githubusercontent.com:sub condition key and specify the branch "
                "and repository name in the value.",
                nullptr, {ValueLocation(value_path, value)});
          }
          continue;
        }
        bool keyed =
            std::any_of(condition_keys.begin(), condition_keys.end(),
                        [&](const std::string& key) { return key.starts_with(host + ":"); });
        if (!keyed) {
          Add("MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
              "Using an Open ID Connect principal without a condition can be overly permissive. "
              "Add condition keys with the prefix " +
                  host + ": to ensure that only the intended identity provider assumes the role.",
              nullptr, {ValueLocation(value_path, value)});
        }
      }
    }
  }

  // PASS_ROLE_* (security warnings) and CREATE_SLR_* (warnings) for an Allow statement of an
  // identity policy: the action `action` (lower case) on every role, unless the statement limits
  // it with `limiting_key` (iam:PassedToService, iam:AWSServiceName).
  void CheckSensitiveAction(const json::Value& statement, const Path& path, std::string_view action,
                            std::string_view limiting_key,
                            const std::set<std::string>& condition_keys, bool pass_role) {
    if (condition_keys.contains(std::string(limiting_key))) return;
    std::optional<json::Value> action_element = statement.Find("Action");
    std::optional<json::Value> not_action = statement.Find("NotAction");
    std::optional<json::Value> resource = statement.Find("Resource");
    std::optional<json::Value> not_resource = statement.Find("NotResource");
    bool explicit_action = false, star_action = false, via_not_action = false;
    if (action_element) {
      for (const auto& [item, item_path] : Items(*action_element, {})) {
        std::string_view text = item.text();
        if (base::EqualsIgnoreAsciiCase(text, action)) {
          explicit_action = true;
        } else if (HasWildcard(text) && GlobMatches(text, action, CaseMode::kInsensitive)) {
          star_action = true;
        }
      }
    }
    if (not_action) {
      via_not_action = true;
      for (const auto& [item, item_path] : Items(*not_action, {})) {
        if (GlobMatches(item.text(), action, CaseMode::kInsensitive)) via_not_action = false;
      }
    }
    if (!explicit_action && !star_action && !via_not_action) return;
    Path resource_path = path;
    std::optional<Location> star_resource;
    if (resource) {
      resource_path.push_back(ValueElement("Resource"));
      for (const auto& [item, item_path] : Items(*resource, resource_path)) {
        std::string_view text = item.text();
        std::vector<std::string_view> parts = SplitArnFields(text);
        bool all_roles =
            text == "*" ||
            (HasWildcard(text) && parts.size() == 6 &&
             GlobMatches(parts[2], "iam", CaseMode::kInsensitive) &&
             (parts[5] == "*" || GlobMatches(parts[5], "role/anything", CaseMode::kInsensitive)) &&
             (parts[5].find('*') == 0 || parts[5].starts_with("role/*")));
        if (all_roles && !star_resource) star_resource = ValueLocation(item_path, item);
      }
    }
    std::optional<Location> not_resource_location;
    if (not_resource) {
      not_resource_location = KeyLocation(path, *FindMember(statement, "NotResource"));
    }
    std::string_view code;
    if (star_resource) {
      code = explicit_action ? (pass_role ? "PASS_ROLE_WITH_STAR_IN_RESOURCE"
                                          : "CREATE_SLR_WITH_STAR_IN_RESOURCE")
             : star_action   ? (pass_role ? "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE"
                                          : "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE")
                             : (pass_role ? "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION"
                                          : "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION");
    } else if (not_resource_location) {
      code = explicit_action
                 ? (pass_role ? "PASS_ROLE_WITH_NOT_RESOURCE" : "CREATE_SLR_WITH_NOT_RESOURCE")
             : star_action ? (pass_role ? "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE"
                                        : "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE")
                           : (pass_role ? "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE"
                                        : "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE");
    } else {
      return;
    }
    std::string what = pass_role ? "iam:PassRole" : "iam:CreateServiceLinkedRole";
    std::string details =
        "This statement allows " + what + " on every role" +
        (pass_role ? ", which can be overly permissive. We recommend that you specify resource "
                     "ARNs or add the iam:PassedToService condition key to your statement."
                   : ", which can allow creation of unintended service-linked roles. We recommend "
                     "that you specify resource ARNs instead.");
    Add(code, details, nullptr, {star_resource ? *star_resource : *not_resource_location});
  }

  // The statement without its Sid, for REDUNDANT_STATEMENT.
  static std::string Canonical(const json::Value& statement) {
    std::vector<std::string> members;
    for (json::Value member : statement.members()) {
      if (member.key() == "Sid") continue;
      members.push_back(std::string(member.key()) + "=" + std::string(member.source_text()));
    }
    std::sort(members.begin(), members.end());
    std::string out;
    for (const std::string& member : members) out += member + "\n";
    return out;
  }

  // Policy variables: only in Resource and Condition values, and well formed there.
  void CheckVariables(const json::Value& statement, const Path& path) {
    for (json::Value member : statement.members()) {
      Path member_path = path;
      member_path.push_back(ValueElement(member.key()));
      bool supported = member.key() == "Resource" || member.key() == "NotResource" ||
                       member.key() == "Condition";
      VisitStrings(member, member_path, [&](const json::Value& value, const Path& value_path) {
        std::string_view text = value.text();
        if (!HasVariable(text)) return;
        Location location = ValueLocation(value_path, value);
        if (!supported) {
          Add("VARIABLE_UNSUPPORTED_IN_ELEMENT",
              "Policy variables are supported in the Resource and Condition elements. Remove the "
              "policy variable from " +
                  std::string(text) + ".",
              nullptr, {location});
          return;
        }
        if (version_2008_ && member.key() != "Condition") {
          Add("VARIABLE_UNSUPPORTED_IN_VERSION",
              "To include variables in your policy, use the policy version 2012-10-17 or later.",
              nullptr, {location});
        }
        std::optional<std::string_view> problem = VariableProblem(text);
        if (!problem) return;
        std::string details;
        if (*problem == "MISSING_BRACE_IN_VARIABLE") {
          details =
              "The policy variable is missing a closing curly brace. Add } after the "
              "variable text.";
        } else if (*problem == "EMPTY_VARIABLE") {
          details =
              "Empty policy variable. Remove the ${ } variable structure or provide a "
              "variable within the structure.";
        } else if (*problem == "UNSUPPORTED_SPACE_IN_VARIABLE") {
          details = "A space is not supported within the policy variable text. Remove the space.";
        } else {
          details =
              "The policy variable default value must begin and end with a single quote. "
              "Add the missing quote.";
        }
        Add(*problem, details, nullptr, {location});
      });
    }
  }

  template <typename Visit>
  static void VisitStrings(const json::Value& value, const Path& path, const Visit& visit) {
    if (value.is_string()) {
      visit(value, path);
    } else if (value.is_array()) {
      int index = 0;
      for (json::Value element : value.children()) {
        Path element_path = path;
        element_path.push_back(IndexElement(index++));
        VisitStrings(element, element_path, visit);
      }
    } else if (value.is_object()) {
      for (json::Value member : value.members()) {
        Path member_path = path;
        member_path.push_back(ValueElement(member.key()));
        VisitStrings(member, member_path, visit);
      }
    }
  }

  // Actions and resources a resource policy of the given resource type cannot govern.
  void CheckActionScope(const json::Value& element, const Path& path) {
    std::vector<std::string_view> services = ServicesOf(*resource_type_);
    for (const auto& [item, item_path] : Items(element, path)) {
      std::string_view text = item.text();
      size_t colon = text.find(':');
      if (text == "*" || colon == std::string_view::npos) continue;
      std::string prefix = base::AsciiLower(text.substr(0, colon));
      if (HasWildcard(prefix)) continue;
      if (std::find(services.begin(), services.end(), prefix) != services.end()) continue;
      if (!catalog::HasService(prefix)) continue;  // INVALID_SERVICE_IN_ACTION says it
      Add("UNSUPPORTED_ACTION_IN_POLICY",
          "The action " + std::string(text) +
              " is not supported for the resource-based policy attached to resource type " +
              std::string(DisplayName(*resource_type_)) + ".",
          nullptr, {ValueLocation(item_path, item)});
    }
  }

  void CheckResourceScope(const json::Value& element, const Path& path) {
    std::vector<std::string_view> services = ServicesOf(*resource_type_);
    for (const auto& [item, item_path] : Items(element, path)) {
      std::vector<std::string_view> parts = SplitArnFields(item.text());
      // "*" names resources of every service (AWS flags it for an S3 bucket policy).
      if (item.text() != "*") {
        if (parts.size() < 6 || parts[0] != "arn" || HasWildcard(parts[2])) continue;
        if (std::find(services.begin(), services.end(), base::AsciiLower(parts[2])) !=
            services.end()) {
          continue;
        }
      }
      Add("UNSUPPORTED_RESOURCE_ARN_IN_POLICY",
          "The resource ARN is not supported for the resource-based policy attached to resource "
          "type " +
              std::string(DisplayName(*resource_type_)) + ".",
          nullptr, {ValueLocation(item_path, item)});
    }
  }

  // REDUNDANT_RESOURCE: an ARN another item of the element already matches.
  void CheckRedundantResources(const json::Value& element, const Path& path) {
    auto items = Items(element, path);
    for (size_t i = 0; i < items.size(); ++i) {
      std::string_view text = items[i].first.text();
      for (size_t j = 0; j < items.size(); ++j) {
        std::string_view other = items[j].first.text();
        if (i == j || other.find('?') != std::string_view::npos) continue;
        // `other` matching `text` read literally: every request `text` names, `other` names too
        // (its '*' absorbs the wildcards of `text`). Equal items: the later one is redundant.
        bool covers = other == text ? j < i : HasWildcard(other) && GlobMatches(other, text);
        if (!covers) continue;
        Add("REDUNDANT_RESOURCE",
            "The resource ARN " + std::string(text) + " is redundant because " +
                std::string(other) +
                " references the same resources. Review the use of wildcards (*) and remove the "
                "redundant ARN.",
            nullptr, {ValueLocation(items[i].second, items[i].first)});
        break;
      }
    }
  }

  // Value checks of one condition key: Boolean and numeric value counts, IP ranges, Regions, VPC
  // and VPC endpoint ids, the GitHub subject.
  void CheckConditionValues(const policy::ConditionOperatorSpec& op, std::string_view key,
                            const json::Value& values, const Path& key_path) {
    using policy::ConditionOperator;
    auto items = Items(values, key_path);
    std::string lower = base::AsciiLower(key);
    policy::OperatorFamily family = policy::TraitsOfOperator(op.op).family;
    if (values.is_array() && values.size() > 1) {
      std::optional<json::Kind> first;
      for (json::Value value : values.children()) {
        if (!first) first = value.kind();
        if (value.kind() == *first) continue;
        Add("INVALID_CONDITION_DATA_TYPE",
            "The values of the condition key " + std::string(key) +
                " are of different JSON data types. Use condition values of the same JSON data "
                "type (all strings, for example).",
            nullptr, {ValueLocation(key_path, values)});
        break;
      }
    }
    if (values.is_array() && values.size() > 1 && family == policy::OperatorFamily::kBool) {
      Add("INVALID_CONDITION_MULTIPLE_BOOLEAN",
          "The condition key " + std::string(key) +
              " does not support multiple Boolean values. Use a single Boolean value.",
          nullptr, {ValueLocation(key_path, values)});
    }
    bool ordered = op.op == ConditionOperator::kNumericLessThan ||
                   op.op == ConditionOperator::kNumericLessThanEquals ||
                   op.op == ConditionOperator::kNumericGreaterThan ||
                   op.op == ConditionOperator::kNumericGreaterThanEquals;
    if (ordered && values.is_array() && values.size() > 1) {
      bool less = op.op == ConditionOperator::kNumericLessThan ||
                  op.op == ConditionOperator::kNumericLessThanEquals;
      Add("REDUNDANT_CONDITION_VALUE_NUM",
          "Multiple values in " + std::string(op.as_written) + " are redundant. Replace with the " +
              (less ? "greatest" : "least") + " single value for " + std::string(key) + ".",
          nullptr, {ValueLocation(key_path, values)});
    }
    if (family == policy::OperatorFamily::kIp) {
      int private_count = 0, parsed = 0;
      for (const auto& [value, value_path] : items) {
        std::optional<Ipv4Block> block = ParseIpv4Block(value.text());
        if (!block) continue;
        ++parsed;
        private_count += IsPrivate(*block);
        uint32_t network = block->address & Mask(block->prefix);
        if (network != block->address) {
          Add("IMPROVE_IP_RANGE",
              "The non-zero bits in the IP address after the masked bits are ignored. Replace "
              "address with " +
                  FormatIpv4(network, block->prefix) + ".",
              nullptr, {ValueLocation(value_path, value)});
        }
      }
      if (lower == "aws:sourceip" && private_count > 0) {
        bool negated = op.op == ConditionOperator::kNotIpAddress;
        bool all = private_count == parsed && parsed == static_cast<int>(items.size());
        std::string_view code =
            all ? (negated ? "PRIVATE_NOT_IP_ADDRESS" : "PRIVATE_IP_ADDRESS")
                : (negated ? "PRIVATE_NOT_IP_ADDRESS_SUBSET" : "PRIVATE_IP_ADDRESS_SUBSET");
        Add(code,
            std::string(all ? "The values for condition key aws:SourceIp include only private IP "
                              "addresses"
                            : "The values for condition key aws:SourceIp include a mix of "
                              "private and public IP addresses") +
                ", and aws:SourceIp works only for public IP address ranges: the private ones " +
                (negated ? "have no effect" : "will not have the desired effect") +
                ". To define permissions for private IP ranges, use aws:VpcSourceIp.",
            nullptr, {ValueLocation(key_path, values)});
      }
    }
    bool string_family = family == policy::OperatorFamily::kString ||
                         family == policy::OperatorFamily::kStringIgnoreCase;
    for (const auto& [value, value_path] : items) {
      std::string_view text = value.text();
      if (HasWildcard(text) || HasVariable(text)) {
        if (lower == "token.actions.githubusercontent.com:sub" && text.find('*') != text.npos) {
          Add("SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED",
              "Using a wildcard (*) in token.actions.githubusercontent.com:sub can allow requests "
              "from more sources than you intended. Specify the value with the repository and "
              "branch name.",
              nullptr, {ValueLocation(value_path, value)});
        }
        continue;
      }
      if (!string_family) continue;
      if (lower == "aws:requestedregion" && !aws::FindRegion(text)) {
        Add("INVALID_REGION",
            "The Region " + std::string(text) +
                " is not valid. Update the condition value to a supported Region.",
            nullptr, {ValueLocation(value_path, value)});
      }
      auto id_ok = [&](std::string_view prefix) {
        if (!text.starts_with(prefix)) return false;
        std::string_view id = text.substr(prefix.size());
        return (id.size() == 8 || id.size() == 17) && std::all_of(id.begin(), id.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c));
               });
      };
      if (lower == "aws:sourcevpc" && !id_ok("vpc-")) {
        Add("INVALID_VPC_FORMAT",
            "The VPC identifier " + std::string(text) +
                " in the condition key value is not valid. Use the prefix 'vpc-' followed by 8 or "
                "17 alphanumeric characters.",
            nullptr, {ValueLocation(value_path, value)});
      }
      if (lower == "aws:sourcevpce" && !id_ok("vpce-")) {
        Add("INVALID_VPCE_FORMAT",
            "The VPCE identifier " + std::string(text) +
                " in the condition key value is not valid. Use the prefix 'vpce-' followed by 8 or "
                "17 alphanumeric characters.",
            nullptr, {ValueLocation(value_path, value)});
      }
    }
  }

  // Principal values of every policy kind: wildcards inside ARNs and names, unique ids, service
  // principal names, federated principals outside role trust policies, service principals without
  // a source condition.
  // Whether every action of the statement is an AWS STS one (sts:AssumeRole*, sts:TagSession, ...).
  bool TrustLike(const std::optional<json::Value>& action) const {
    if (!action || type_ != PolicyType::kResourcePolicy) return false;
    auto items = Items(*action, {});
    return !items.empty() && std::all_of(items.begin(), items.end(), [](const auto& item) {
      return base::StartsWithIgnoreAsciiCase(item.first.text(), "sts:");
    });
  }

  void CheckPrincipalValues(const json::Value& principal, const Path& path, bool allow, bool trust,
                            const std::set<std::string>& condition_keys) {
    if (!principal.is_object()) return;
    for (json::Value member : principal.members()) {
      Path member_path = path;
      member_path.push_back(ValueElement(member.key()));
      std::string_view kind = member.key();
      for (const auto& [value, value_path] : Items(member, member_path)) {
        std::string_view text = value.text();
        Location location = ValueLocation(value_path, value);
        if (text != "*" && HasWildcard(text)) {
          Add("UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
              "Wildcards (*, ?) are not supported with the principal key " + std::string(kind) +
                  ". Replace the wildcard with a valid principal value.",
              nullptr, {location});
          continue;
        }
        if (kind == "AWS" && text.starts_with("AIDA")) {
          Add("INVALID_USER_REFERENCE",
              "The Principal element includes the IAM user ID " + std::string(text) +
                  ". We recommend that you use a user ARN instead.",
              nullptr, {location});
        } else if (kind == "AWS" && text.starts_with("AROA")) {
          Add("INVALID_ROLE_REFERENCE",
              "The Principal element includes the IAM role ID " + std::string(text) +
                  ". We recommend that you use a role ARN instead.",
              nullptr, {location});
        } else if (kind == "Service" && text != "*") {
          bool well_formed =
              (text.ends_with(".amazonaws.com") || text.ends_with(".amazonaws.com.cn")) &&
              std::all_of(text.begin(), text.end(), [](char c) {
                return std::islower(static_cast<unsigned char>(c)) ||
                       std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-';
              });
          if (!well_formed) {
            Add("INVALID_SERVICE_PRINCIPAL_FORMAT",
                "The service principal " + std::string(text) +
                    " does not match the expected format. Use the format "
                    "<service-name>.amazonaws.com.",
                nullptr, {location});
          } else if (allow && !trust && kind_ == policy::PolicyKind::kResource &&
                     !condition_keys.contains("aws:sourcearn") &&
                     !condition_keys.contains("aws:sourceaccount") &&
                     !condition_keys.contains("aws:sourceorgid") &&
                     !condition_keys.contains("aws:sourceorgpaths")) {
            Add("RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL",
                "Granting access to a service principal without specifying a source is overly "
                "permissive. Use aws:SourceArn or aws:SourceAccount condition key and scope access "
                "to a specific source to grant fine-grained access.",
                nullptr, {location});
          }
        } else if (kind == "Federated" && !trust && resource_type_) {
          Add("FEDERATED_PRINCIPAL_NOT_SUPPORTED",
              "The policy type does not support a federated identity provider in the principal "
              "element. Use a supported principal.",
              nullptr, {location});
        } else if (kind == "Federated" && trust && !text.starts_with("arn:") &&
                   text.find('.') == std::string_view::npos) {
          Add("INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY",
              "The principal value " + std::string(text) +
                  " specifies a federated principal that does not match the expected format. "
                  "Update the federated principal to a domain name or a SAML metadata ARN.",
              nullptr, {location});
        }
      }
    }
  }

  // Trust policies: the actions a principal needs or cannot use, and assumed-role principals of a
  // role the statement already names.
  void CheckTrustActions(const json::Value& statement, const json::Value& principal,
                         const Path& path) {
    if (!principal.is_object()) return;
    std::optional<json::Value> action = statement.Find("Action");
    std::set<std::string> actions;
    if (action) {
      for (const auto& [item, item_path] : Items(*action, {}))
        actions.insert(base::AsciiLower(item.text()));
    }
    auto has = [&](std::string_view name) {
      return std::any_of(actions.begin(), actions.end(), [&](const std::string& item) {
        return GlobMatches(item, name, CaseMode::kInsensitive);
      });
    };
    Path principal_path = path;
    principal_path.push_back(ValueElement("Principal"));
    std::vector<std::string> roles;
    for (json::Value member : principal.members()) {
      Path member_path = principal_path;
      member_path.push_back(ValueElement(member.key()));
      for (const auto& [value, value_path] : Items(member, member_path)) {
        std::string_view text = value.text();
        if (member.key() == "Service" && text == "rolesanywhere.amazonaws.com" &&
            !(has("sts:assumerole") && has("sts:setsourceidentity") && has("sts:tagsession"))) {
          Add("MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY",
              "The rolesanywhere.amazonaws.com service principal requires the sts:AssumeRole, "
              "sts:SetSourceIdentity, and sts:TagSession permissions to assume a role. Add the "
              "missing permissions to the policy.",
              nullptr, {ValueLocation(value_path, value)});
        }
        if (member.key() == "Federated" && action) {
          // SAML providers take sts:AssumeRoleWithSAML, OIDC providers (an oidc-provider ARN or a
          // provider's domain name) sts:AssumeRoleWithWebIdentity; sts:AssumeRole is neither's.
          bool saml = text.find(":saml-provider/") != std::string_view::npos;
          bool oidc = !saml && (text.find(":oidc-provider/") != std::string_view::npos ||
                                (!text.starts_with("arn:") && text.find('.') != text.npos));
          Path action_path = path;
          action_path.push_back(ValueElement("Action"));
          for (const auto& [item, item_path] : Items(*action, action_path)) {
            std::string name = base::AsciiLower(item.text());
            bool wrong =
                (saml && (name == "sts:assumerole" || name == "sts:assumerolewithwebidentity")) ||
                (oidc && (name == "sts:assumerole" || name == "sts:assumerolewithsaml"));
            if (!wrong) continue;
            Add("MISMATCHED_ACTION_FOR_PRINCIPAL",
                "The " + std::string(item.text()) +
                    " action is invalid with the following principal(s): " + std::string(text) +
                    ". Use a SAML provider principal with the sts:AssumeRoleWithSAML action or use "
                    "an OIDC provider principal with the sts:AssumeRoleWithWebIdentity action. "
                    "Ensure the provider is Federated if you use either of the two options.",
                nullptr, {ValueLocation(item_path, item), ValueLocation(value_path, value)});
          }
        }
        if (member.key() == "AWS" && text.find(":role/") != std::string_view::npos) {
          roles.push_back(std::string(text));
        }
      }
    }
    // arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION is redundant with
    // arn:aws:iam::ACCOUNT:role/NAME.
    for (json::Value member : principal.members()) {
      if (member.key() != "AWS") continue;
      Path member_path = principal_path;
      member_path.push_back(ValueElement("AWS"));
      for (const auto& [value, value_path] : Items(member, member_path)) {
        std::vector<std::string_view> parts = SplitArnFields(value.text());
        if (parts.size() < 6 || parts[2] != "sts" || !parts[5].starts_with("assumed-role/")) {
          continue;
        }
        std::string_view rest = parts[5].substr(13);
        std::string role = "arn:" + std::string(parts[1]) + ":iam::" + std::string(parts[4]) +
                           ":role/" + std::string(rest.substr(0, rest.find('/')));
        if (std::find(roles.begin(), roles.end(), role) == roles.end()) continue;
        Add("REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY",
            "The assumed-role principal " + std::string(value.text()) +
                " is redundant with its parent role " + role +
                ". Remove the assumed-role principal.",
            nullptr, {ValueLocation(value_path, value)});
      }
    }
  }

  static std::optional<json::Value> FindMember(const json::Value& object, std::string_view key) {
    for (json::Value member : object.members()) {
      if (member.key() == key) return member;
    }
    return std::nullopt;
  }

  std::string_view source_;
  PolicyType type_;
  std::optional<ValidatePolicyResourceType> resource_type_;
  policy::PolicyKind kind_;
  DocumentLocator locator_;
  const PathIndex* index_ = nullptr;
  bool version_2008_ = false;
  // Keys of kKeysNeedingAction seen in the walk, decided once the whole policy is known.
  struct PendingKey {
    std::string key;  // as written
    KeyNeedingAction entry;
    Location location;
  };
  std::vector<PendingKey> pending_keys_;
  std::vector<ValidationFinding> findings_;
};

}  // namespace

std::string_view PolicyTypeName(PolicyType type) {
  switch (type) {
    case PolicyType::kIdentityPolicy:
      return "IDENTITY_POLICY";
    case PolicyType::kResourcePolicy:
      return "RESOURCE_POLICY";
    case PolicyType::kServiceControlPolicy:
      return "SERVICE_CONTROL_POLICY";
    case PolicyType::kResourceControlPolicy:
      return "RESOURCE_CONTROL_POLICY";
  }
  return "IDENTITY_POLICY";
}

std::optional<PolicyType> ParsePolicyType(std::string_view name) {
  for (PolicyType type : {PolicyType::kIdentityPolicy, PolicyType::kResourcePolicy,
                          PolicyType::kServiceControlPolicy, PolicyType::kResourceControlPolicy}) {
    if (PolicyTypeName(type) == name) return type;
  }
  return std::nullopt;
}

std::string_view ResourceTypeName(ValidatePolicyResourceType type) {
  switch (type) {
    case ValidatePolicyResourceType::kS3Bucket:
      return "AWS::S3::Bucket";
    case ValidatePolicyResourceType::kS3AccessPoint:
      return "AWS::S3::AccessPoint";
    case ValidatePolicyResourceType::kS3MultiRegionAccessPoint:
      return "AWS::S3::MultiRegionAccessPoint";
    case ValidatePolicyResourceType::kS3ObjectLambdaAccessPoint:
      return "AWS::S3ObjectLambda::AccessPoint";
    case ValidatePolicyResourceType::kIamAssumeRolePolicyDocument:
      return "AWS::IAM::AssumeRolePolicyDocument";
    case ValidatePolicyResourceType::kDynamoDbTable:
      return "AWS::DynamoDB::Table";
  }
  return "AWS::S3::Bucket";
}

std::optional<ValidatePolicyResourceType> ParseResourceType(std::string_view name) {
  for (ValidatePolicyResourceType type :
       {ValidatePolicyResourceType::kS3Bucket, ValidatePolicyResourceType::kS3AccessPoint,
        ValidatePolicyResourceType::kS3MultiRegionAccessPoint,
        ValidatePolicyResourceType::kS3ObjectLambdaAccessPoint,
        ValidatePolicyResourceType::kIamAssumeRolePolicyDocument,
        ValidatePolicyResourceType::kDynamoDbTable}) {
    if (ResourceTypeName(type) == name) return type;
  }
  return std::nullopt;
}

std::vector<ValidationFinding> ValidatePolicy(
    std::string_view document, PolicyType type,
    std::optional<ValidatePolicyResourceType> resource_type) {
  return Validator(document, type, resource_type).Run();
}

}  // namespace perimeter::validation
