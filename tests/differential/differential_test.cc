// Differential tests of the external-access engine against the concrete evaluator and the Z3
// oracle, on the project's generated corpus (src/perimeter/testing/corpus_generator.h). See
// README.md beside this file.
//
// For every policy of the corpus: build its AccessModel, run AnalyzeExternalAccess, then
//  (a) every finding's witness is allowed by the concrete evaluator, its principal is external, and
//      it lies inside its own finding;
//  (b) random requests built from the policy's own constants that the evaluator allows and whose
//      principal is external each lie inside some finding (finding_region.h's reading);
//  (c) on a sample, the Z3 oracle (cover_oracle.h) proves the findings a cover.
// Policies the engine declines (error findings: fail closed) are counted, not checked.
//
// Environment: PERIMETER_DIFFERENTIAL_PAIRS (default 100000 (policy, request) pairs),
// PERIMETER_DIFFERENTIAL_POLICIES (default 2000), PERIMETER_DIFFERENTIAL_SEED (default 1),
// PERIMETER_DIFFERENTIAL_ORACLE (policies checked with Z3, default 60),
// PERIMETER_DIFFERENTIAL_ORACLE_MS (Z3 budget per policy, default 5000).
// The second test gates each policy with another (a second policy that must allow as well, through
// an ARN prefix map): PERIMETER_DIFFERENTIAL_GATED_PAIRS, PERIMETER_DIFFERENTIAL_GATED_POLICIES.
// PERIMETER_DIFFERENTIAL_FAMILIES: the generator's shape families drawn from ("all", "none" or a
// comma-separated list, docs/corpus.md; default kDefaultFamilies below).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/catalog/iam_catalog.h"
#include "perimeter/eval/compiled_policy.h"
#include "perimeter/json/document.h"
#include "perimeter/policy/arn.h"
#include "perimeter/policy/condition_values.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/policy/wildcard.h"
#include "perimeter/reasoning/condition_keys.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/finding_region.h"
#include "perimeter/reasoning/z3/cover_oracle.h"
#include "perimeter/testing/corpus_generator.h"

namespace perimeter::reasoning {
namespace {

using findings::Finding;

size_t EnvSize(const char* name, size_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return static_cast<size_t>(std::strtoull(text, nullptr, 10));
}

// The generator's defaults: the zone account, its organization and the other members.
const corpus::CorpusOptions kCorpusDefaults;
const std::string kZoneAccount = kCorpusDefaults.zone_account;
const std::string kOrgId = kCorpusDefaults.organization_id;
const std::vector<std::string> kMembers = kCorpusDefaults.members;

// The shape families the default run draws from: all of the generator's (org-paths and
// policy-variables since issue #12's engine work: a single-valued operator on a multivalued key
// carrying one value, and witnesses that carry the keys of the policy's variables;
// tests/differential/README.md).
constexpr const char* kDefaultFamilies = "all";

std::set<corpus::CorpusShapeFamily> Families() {
  const char* text = std::getenv("PERIMETER_DIFFERENTIAL_FAMILIES");
  std::string spec = text != nullptr && *text != '\0' ? text : kDefaultFamilies;
  std::set<corpus::CorpusShapeFamily> out;
  if (spec == "none") return out;
  if (spec == "all")
    return {corpus::AllCorpusShapeFamilies().begin(), corpus::AllCorpusShapeFamilies().end()};
  for (size_t start = 0; start <= spec.size();) {
    size_t comma = std::min(spec.find(',', start), spec.size());
    std::optional<corpus::CorpusShapeFamily> family =
        corpus::ParseCorpusShapeFamily(spec.substr(start, comma - start));
    EXPECT_TRUE(family.has_value())
        << "unknown shape family in PERIMETER_DIFFERENTIAL_FAMILIES: " << spec;
    if (family.has_value()) out.insert(*family);
    start = comma + 1;
  }
  return out;
}

Organization CorpusOrganization() {
  Organization org{kOrgId, kZoneAccount, {}};
  for (const corpus::CorpusAccount& account : corpus::CorpusOrganizationAccounts(kCorpusDefaults)) {
    org.members.push_back({account.account_id, account.ou_path});
  }
  return org;
}

// One resource of the corpus, with everything the engine and the checks need.
struct Subject {
  std::string line;                   // the corpus line, for reports
  std::vector<std::string> families;  // the generator's family labels ("family:org-paths", ...)
  policy::Policy policy;
  policy::PolicyKind kind = policy::PolicyKind::kResource;
  AccessModel model;
  std::optional<eval::CompiledPolicy> compiled;
};

// (service prefix, catalogue resource type, ARN suffix) per target of each resource type.
std::vector<std::tuple<std::string, std::string, std::string>> TargetsOf(std::string_view type) {
  if (type == "AWS::S3::Bucket") return {{"s3", "bucket", ""}, {"s3", "object", "/*"}};
  if (type == "AWS::IAM::Role") return {{"sts", "role", ""}};
  if (type == "AWS::KMS::Key") return {{"kms", "key", ""}};
  if (type == "AWS::Lambda::Function") return {{"lambda", "function", ""}};
  if (type == "AWS::SQS::Queue") return {{"sqs", "queue", ""}};
  if (type == "AWS::SecretsManager::Secret") return {{"secretsmanager", "Secret", ""}};
  if (type == "AWS::SNS::Topic") return {{"sns", "topic", ""}};
  if (type == "AWS::ECR::Repository") return {{"ecr", "repository", ""}};
  if (type == "AWS::EFS::FileSystem") return {{"elasticfilesystem", "file-system", ""}};
  if (type == "AWS::DynamoDB::Table")
    return {{"dynamodb", "table", ""}, {"dynamodb", "index", "/index/*"}};
  if (type == "AWS::DynamoDB::Stream") return {{"dynamodb", "stream", ""}};
  if (type == "AWS::Lambda::LayerVersion") return {{"lambda", "layerVersion", ""}};
  if (type == "AWS::S3Express::DirectoryBucket") return {{"s3express", "bucket", ""}};
  return {};
}

std::optional<std::unique_ptr<Subject>> ReadSubject(const std::string& line, std::string& error) {
  json::ParseResult parsed = json::Parse(line);
  if (!parsed.ok()) {
    error = "corpus line is not JSON";
    return std::nullopt;
  }
  json::Value root = parsed.document.root();
  auto text = [&](std::string_view key) -> std::string {
    std::optional<json::Value> v = root.Find(key);
    return v.has_value() && v->is_string() ? std::string(v->text()) : std::string();
  };
  auto subject = std::make_unique<Subject>();
  subject->line = line;
  subject->model.resource_arn = text("arn");
  subject->model.resource_type = text("resource_type");
  subject->model.owner_account = text("account");
  if (std::optional<json::Value> labels = root.Find("labels");
      labels.has_value() && labels->is_array()) {
    for (json::Value label : labels->children()) {
      if (label.is_string() && label.text().starts_with("family:"))
        subject->families.emplace_back(label.text());
    }
  }
  subject->kind = subject->model.resource_type == "AWS::IAM::Role" ? policy::PolicyKind::kRoleTrust
                                                                   : policy::PolicyKind::kResource;
  std::optional<json::Value> document = root.Find("policy");
  if (!document.has_value()) {
    error = "corpus line has no policy";
    return std::nullopt;
  }
  policy::PolicyParseOptions options;
  options.kind = subject->kind;
  options.enforce_size_limit = false;
  policy::PolicyParseResult policy = policy::ParsePolicy(*document, options);
  if (!policy.ok()) {
    error = base::Concat("policy does not parse: ", policy.issues.front().message);
    return std::nullopt;
  }
  subject->policy = std::move(*policy.policy);
  for (const auto& [service, type, suffix] : TargetsOf(subject->model.resource_type)) {
    ResourceTarget target;
    target.arn_patterns = {subject->model.resource_arn + suffix};
    for (const catalog::ActionInfo& action : catalog::ActionsOnResourceType(service, type)) {
      target.actions.push_back(action.FullName());
    }
    subject->model.targets.push_back(std::move(target));
  }
  subject->model.policy = &subject->policy;
  subject->model.policy_kind = subject->kind;
  std::vector<base::Issue> issues;
  subject->compiled.emplace(eval::CompiledPolicy::Compile(subject->policy, subject->kind, issues));
  return subject;
}

bool Allowed(const Subject& s, const eval::Request& request) {
  std::string action = base::AsciiLower(request.action);
  bool allowed = false;
  for (size_t i = 0; i < s.compiled->statement_count(); ++i) {
    if (!s.compiled->Matches(i, request, action)) continue;
    if (s.policy.statements[i].effect == policy::Effect::kDeny) return false;
    allowed = true;
  }
  return allowed;
}

bool Covered(const Subject& s, const std::vector<Finding>& findings, const eval::Request& request) {
  for (const Finding& f : findings) {
    if (FindingContains(f, s.policy, request)) return true;
  }
  return false;
}

bool IsPrincipalKey(std::string_view key) {
  static const std::set<std::string, std::less<>> kKeys = {
      "aws:principalarn",          "aws:principalaccount",     "aws:principaltype",
      "aws:principalisawsservice", "aws:principalservicename", "aws:principalorgid",
      "aws:principalorgpaths",     "kms:calleraccount",        "aws:username"};
  return kKeys.contains(key);
}

bool IsMultivalued(const policy::Policy& policy, std::string_view key) {
  static const std::set<std::string, std::less<>> kKeys = {"aws:tagkeys",
                                                           "aws:calledvia",
                                                           "aws:sourceorgpaths",
                                                           "aws:resourceorgpaths",
                                                           "aws:principalservicenameslist",
                                                           "kms:encryptioncontextkeys",
                                                           "kms:grantoperations",
                                                           "cognito-identity.amazonaws.com:amr"};
  if (kKeys.contains(key)) return true;
  for (const policy::Statement& s : policy.statements) {
    for (const policy::Condition& c : s.conditions) {
      if (c.key_lower == key && c.op.qualifier != policy::SetQualifier::kNone) return true;
    }
  }
  return false;
}

// The keys AWS sets whatever the caller sends: from the caller's identity, and the resource-owner
// keys from the resource (condition_keys.h, ResourceOwnerKeyValue; a key the draw left out stays
// out, as for actions that do not carry it).
void FinishContext(eval::Request& request, const Organization& org) {
  eval::AddPrincipalContextKeys(request.principal, request.context);
  if (request.principal.is_iam())
    request.context.Set("kms:calleraccount", request.principal.account);
  const ZoneOfTrust org_zone = ZoneOfTrust::ForOrganization(org);
  for (const char* key :
       {"aws:resourceaccount", "s3:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths"}) {
    if (!request.context.Has(key) || !request.resource_account.has_value()) continue;
    std::optional<std::string> value =
        ResourceOwnerKeyValue(key, *request.resource_account, org_zone);
    if (!value.has_value()) continue;
    if (request.context.Find(key)->multivalued) {
      request.context.SetMultivalued(key, {*value});
    } else {
      request.context.Set(key, *value);
    }
  }
}

// Builds the organization membership AWS would give an account (members of the zone's organization
// carry its id and path).
void JoinOrganization(eval::RequestPrincipal& p, const Organization& org) {
  if (!p.is_iam()) return;
  if (const OrganizationMember* member = org.FindMember(p.account)) {
    p.org_id = org.id;
    p.org_paths = {member->ou_path};
  }
}

// ---- Random requests from a policy's constants
// ---------------------------------------------------

class RequestFactory {
 public:
  RequestFactory(const Subject& subject, const Organization& org, std::mt19937_64& rng)
      : s_(subject), org_(org), rng_(rng) {
    accounts_ = {"999999999999", "246813579024", kZoneAccount};
    accounts_.insert(accounts_.end(), kMembers.begin(), kMembers.end());
    for (const policy::Statement& st : s_.policy.statements) {
      if (st.principal.has_value()) {
        for (const policy::PrincipalValue& v : st.principal->values) {
          switch (v.kind) {
            case policy::PrincipalKind::kAws:
              if (auto account = policy::PrincipalAccount(v.value))
                accounts_.push_back(std::string(*account));
              if (v.value.starts_with("arn:")) arns_.push_back(v.value);
              break;
            case policy::PrincipalKind::kFederated:
              federated_.push_back(v.value);
              break;
            case policy::PrincipalKind::kCanonicalUser:
              canonical_.push_back(v.value);
              break;
            case policy::PrincipalKind::kService:
              services_.push_back(v.value);
              break;
          }
        }
      }
      if (st.resource.has_value()) {
        for (const policy::Text& r : st.resource->patterns) resources_.push_back(r.value);
      }
      for (const policy::Condition& c : st.conditions) {
        for (const policy::ConditionValue& v : c.values) {
          values_[c.key_lower].push_back({c.op.op, v.value});
          if (policy::IsAccountId(v.value)) accounts_.push_back(v.value);
          if (auto arn = policy::ParseArn(v.value); arn && policy::IsAccountId(arn->account)) {
            accounts_.push_back(std::string(arn->account));
          }
          if (c.key_lower == "aws:principalarn") arns_.push_back(v.value);
        }
      }
    }
    for (const ResourceTarget& target : s_.model.targets) {
      std::vector<std::string>& named = named_actions_.emplace_back();
      for (const std::string& action : target.actions) {
        std::string lower = base::AsciiLower(action);
        for (const policy::Statement& st : s_.policy.statements) {
          bool listed = false;
          for (const policy::Text& pattern : st.action.patterns) {
            listed = listed || policy::GlobMatches(base::AsciiLower(pattern.value), lower);
          }
          if (listed != st.action.negated) {
            named.push_back(action);
            break;
          }
        }
      }
    }
    if (federated_.empty()) federated_ = {"accounts.google.com"};
    if (canonical_.empty())
      canonical_ = {"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"};
  }

  eval::Request Next() {
    eval::Request request;
    request.principal = Principal();
    const ResourceTarget& target = Pick(s_.model.targets);
    // Mostly actions some statement names, so that requests reach the conditions.
    const std::vector<std::string>& named = named_actions_[&target - s_.model.targets.data()];
    request.action = !named.empty() && Chance(0.75) ? Pick(named) : Pick(target.actions);
    request.resource_arn = Resource(target);
    request.resource_account = s_.model.owner_account;
    for (const auto& [key, values] : values_) {
      if (IsPrincipalKey(key) || Chance(0.25)) continue;
      if (key == "aws:userid" && (request.principal.type == eval::PrincipalType::kAccountRoot ||
                                  request.principal.type == eval::PrincipalType::kFederatedUser)) {
        continue;  // AWS sets it for these
      }
      if (IsMultivalued(s_.policy, key)) {
        std::vector<std::string> set;
        size_t n = Uniform(0, 3);
        for (size_t i = 0; i < n; ++i) set.push_back(Value(values));
        request.context.SetMultivalued(key, std::move(set));
      } else {
        request.context.Set(key, Value(values));
      }
    }
    FinishContext(request, org_);
    return request;
  }

 private:
  size_t Uniform(size_t lo, size_t hi) {
    return std::uniform_int_distribution<size_t>(lo, hi)(rng_);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Uniform(0, v.size() - 1)];
  }

  // A concrete text matching a glob: '*' becomes a short word, '?' a letter.
  std::string Instantiate(std::string_view glob) {
    static const char* kWords[] = {"", "a", "team-x", "prod/app", "x:y"};
    std::string out;
    for (char c : glob) {
      if (c == '*') {
        out += kWords[Uniform(0, 4)];
      } else if (c == '?') {
        out.push_back(static_cast<char>('a' + Uniform(0, 25)));
      } else {
        out.push_back(c);
      }
    }
    return out;
  }

  std::string Mutate(std::string text) {
    switch (Uniform(0, 3)) {
      case 0:
        return text + "x";
      case 1:
        return base::AsciiLower(text) == text ? text + "Z" : base::AsciiLower(text);
      case 2:
        return text.empty() ? "q" : text.substr(0, text.size() - 1);
      default:
        return "unrelated-value";
    }
  }

  std::string Value(const std::vector<std::pair<policy::ConditionOperator, std::string>>& values) {
    const auto& [op, value] = Pick(values);
    switch (op) {
      case policy::ConditionOperator::kIpAddress:
      case policy::ConditionOperator::kNotIpAddress: {
        static const char* kOthers[] = {"8.8.8.8", "2001:db8:1234:5678::1", "::ffff:203.0.113.9",
                                        "not-an-ip"};
        if (Chance(0.6)) {
          std::string address = value.substr(0, value.find('/'));
          if (auto cidr = policy::ParseCidr(value); cidr && !cidr->base.v6 && Chance(0.5)) {
            // Another address of the block.
            size_t dot = address.rfind('.');
            address = address.substr(0, dot + 1) + std::to_string(Uniform(1, 254));
          }
          return address;
        }
        return kOthers[Uniform(0, 3)];
      }
      case policy::ConditionOperator::kNumericEquals:
      case policy::ConditionOperator::kNumericNotEquals:
      case policy::ConditionOperator::kNumericLessThan:
      case policy::ConditionOperator::kNumericLessThanEquals:
      case policy::ConditionOperator::kNumericGreaterThan:
      case policy::ConditionOperator::kNumericGreaterThanEquals: {
        long long n = std::atoll(value.c_str());
        switch (Uniform(0, 3)) {
          case 0:
            return value;
          case 1:
            return std::to_string(n + 1);
          case 2:
            return std::to_string(n - 1);
          default:
            return "many";
        }
      }
      case policy::ConditionOperator::kDateEquals:
      case policy::ConditionOperator::kDateNotEquals:
      case policy::ConditionOperator::kDateLessThan:
      case policy::ConditionOperator::kDateLessThanEquals:
      case policy::ConditionOperator::kDateGreaterThan:
      case policy::ConditionOperator::kDateGreaterThanEquals: {
        std::optional<policy::Timestamp> t = policy::ParseDate(value);
        if (!t || Chance(0.3)) return Chance(0.5) ? value : "yesterday";
        return std::to_string(t->seconds + (Chance(0.5) ? 86400 : -86400));
      }
      case policy::ConditionOperator::kBool:
        return Chance(0.45) ? "true" : Chance(0.8) ? "false" : "maybe";
      case policy::ConditionOperator::kNull:
        return "present";
      default: {
        std::string text = Instantiate(value);
        return Chance(0.7) ? text : Mutate(text);
      }
    }
  }

  std::string Resource(const ResourceTarget& target) {
    std::string arn = target.arn_patterns.front();
    if (!arn.ends_with("/*")) return arn;
    std::string base = arn.substr(0, arn.size() - 1);
    if (!resources_.empty() && Chance(0.5)) {
      std::string r = Instantiate(Pick(resources_));
      if (r.starts_with(base)) return r;
    }
    static const char* kKeys[] = {"a.txt", "logs/2024/x.gz", "AWSLogs/123456789012/x", "private/k"};
    return base + kKeys[Uniform(0, 3)];
  }

  eval::RequestPrincipal Principal() {
    for (int attempt = 0; attempt < 8; ++attempt) {
      absl::StatusOr<eval::RequestPrincipal> p = Candidate();
      if (!p.ok()) continue;
      JoinOrganization(*p, org_);
      if (p->is_iam() && !p->org_id.has_value() && Chance(0.5)) {
        // A foreign organization, or one the policy names (never the zone's own: only members carry
        // it).
        std::vector<std::string> ids = {"o-zz9y8x7w6v"};
        for (const auto& [op, v] : values_["aws:principalorgid"]) ids.push_back(Instantiate(v));
        // The organizations the policy's OU paths name (their first segment).
        for (const auto& [op, v] : values_["aws:principalorgpaths"])
          ids.push_back(Instantiate(v.substr(0, v.find('/'))));
        std::string id = Pick(ids);
        if (id != kOrgId && id.starts_with("o-")) {
          p->org_id = id;
          std::vector<std::string> paths = {id + "/r-zz99/ou-zz99-00000001/"};
          for (const auto& [op, v] : values_["aws:principalorgpaths"]) {
            std::string path = Instantiate(v);
            if (path.starts_with(id + "/")) paths.push_back(path);
          }
          if (Chance(0.8)) p->org_paths = {Pick(paths)};
        }
      }
      return *p;
    }
    return *eval::MakeRequestPrincipal(eval::PrincipalType::kAnonymous, "");
  }

  absl::StatusOr<eval::RequestPrincipal> Candidate() {
    const std::string& account = Pick(accounts_);
    switch (Uniform(0, 9)) {
      case 0:
        return eval::ParseRequestPrincipal(account);
      case 1:
        return eval::ParseRequestPrincipal(
            base::Concat("arn:aws:iam::", account, ":user/", Chance(0.5) ? "alice" : "ops/bob"));
      case 2:
        return eval::ParseRequestPrincipal(base::Concat("arn:aws:iam::", account, ":role/",
                                                        Chance(0.5) ? "deploy" : "app-reader"));
      case 3:
        return eval::ParseRequestPrincipal(
            base::Concat("arn:aws:sts::", account, ":assumed-role/deploy/session-1"));
      case 4:
        return eval::ParseRequestPrincipal(
            base::Concat("arn:aws:sts::", account, ":federated-user/carol"));
      case 5:
      case 6: {
        if (arns_.empty()) return eval::ParseRequestPrincipal(account);
        std::string arn = Instantiate(Pick(arns_));
        absl::StatusOr<eval::RequestPrincipal> p = eval::ParseRequestPrincipal(arn);
        if (p.ok() && p->type == eval::PrincipalType::kIamRole && Chance(0.5)) {
          return eval::ParseRequestPrincipal(
              base::Concat("arn:aws:sts::", p->account, ":assumed-role/", p->name, "/s-1"));
        }
        return p;
      }
      case 7:
        return Chance(0.5) ? eval::MakeRequestPrincipal(eval::PrincipalType::kWebIdentityOrSaml,
                                                        Pick(federated_))
                           : eval::MakeRequestPrincipal(eval::PrincipalType::kCanonicalUser,
                                                        Pick(canonical_));
      case 8:
        if (!services_.empty())
          return eval::MakeRequestPrincipal(eval::PrincipalType::kService, Pick(services_));
        [[fallthrough]];
      default:
        return eval::MakeRequestPrincipal(eval::PrincipalType::kAnonymous, "");
    }
  }

  const Subject& s_;
  const Organization& org_;
  std::mt19937_64& rng_;
  std::vector<std::string> accounts_, arns_, federated_, canonical_, services_, resources_;
  std::vector<std::vector<std::string>> named_actions_;  // per target
  std::map<std::string, std::vector<std::pair<policy::ConditionOperator, std::string>>> values_;
};

// The request a witness describes, with the organization membership AWS would give it (the witness
// does not record it: members of the zone's organization get theirs, others the finding's literal
// aws:PrincipalOrgID / aws:PrincipalOrgPaths values when it names them).
std::optional<eval::Request> WitnessRequest(const Subject& s, const Finding& finding,
                                            const Organization& org) {
  const findings::Witness& w = *finding.witness;
  std::optional<eval::PrincipalType> type = eval::ParsePrincipalType(w.principal_type);
  if (!type.has_value()) return std::nullopt;
  absl::StatusOr<eval::RequestPrincipal> principal = eval::MakeRequestPrincipal(*type, w.principal);
  if (!principal.ok()) return std::nullopt;
  eval::Request request;
  request.principal = std::move(*principal);
  JoinOrganization(request.principal, org);
  if (request.principal.is_iam() && !request.principal.org_id.has_value()) {
    for (const auto& [key, value] : finding.condition) {
      if (value.find_first_of("*?") != std::string::npos) continue;
      if (base::AsciiLower(key) == "aws:principalorgid") request.principal.org_id = value;
      if (base::AsciiLower(key) == "aws:principalorgpaths") request.principal.org_paths = {value};
    }
  }
  request.action = w.action;
  request.resource_arn = w.resource;
  request.resource_account = s.model.owner_account;
  for (const auto& [key, values] : w.context) {
    std::string lower = base::AsciiLower(key);
    if (IsMultivalued(s.policy, lower)) {
      request.context.SetMultivalued(lower, values);
    } else if (!values.empty()) {
      request.context.Set(lower, values.front());
    }
  }
  FinishContext(request, org);
  return request;
}

std::string SummarizeFindings(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    out += "    ";
    if (f.error) {
      out += "ERROR " + f.error_reason + "\n";
      continue;
    }
    for (const auto& [k, v] : f.principal) out += k + "=" + v;
    out += " |";
    for (const std::string& a : f.actions) out += " " + a;
    out += " |";
    for (const auto& [k, v] : f.condition) out += " " + k + "=" + v;
    out += "\n";
  }
  return out;
}

struct Counts {
  size_t policies = 0, unreadable = 0, undecided = 0, findings = 0;
  size_t witnesses = 0, witness_rejected = 0, witness_internal = 0, witness_outside = 0;
  size_t pairs = 0, allowed = 0, allowed_external = 0, uncovered = 0;
  size_t oracle_runs = 0, oracle_covered = 0, oracle_unknown = 0, oracle_uncovered = 0,
         oracle_confirmed = 0;
  std::map<std::string, size_t> undecided_reasons;
  // Failures of (a), (b) and (c) by the generator's shape family of the resource ("family:none"
  // when it has none), to tell which shapes the engine does not handle yet.
  std::map<std::string, size_t> failures_by_family;
  void CountFamilies(const std::vector<std::string>& families) {
    if (families.empty()) ++failures_by_family["family:none"];
    for (const std::string& family : families) ++failures_by_family[family];
  }
};

void PrintFamilies(const Counts& n) {
  for (const auto& [family, count] : n.failures_by_family)
    std::printf("  failures in %s: %zu\n", family.c_str(), count);
}

// The first `count` resources with a policy of the project's corpus
// (src/perimeter/testing/corpus_generator.h), in the "lines" format with labels, drawn from the
// thirteen types with a resource policy (a bucket shared only by its ACL has none and is passed
// over).
std::vector<std::string> Corpus(size_t count, size_t seed) {
  corpus::CorpusOptions options = kCorpusDefaults;
  options.seed = seed;
  // Every type with a resource policy (snapshots are shared by attribute, not by policy).
  for (resources::ResourceType type : corpus::AllCorpusResourceTypes()) {
    switch (type) {
      case resources::ResourceType::kEbsSnapshot:
      case resources::ResourceType::kRdsDbSnapshot:
      case resources::ResourceType::kRdsDbClusterSnapshot:
        break;
      case resources::ResourceType::kS3Bucket:
      case resources::ResourceType::kS3ExpressDirectoryBucket:
      case resources::ResourceType::kIamRole:
      case resources::ResourceType::kKmsKey:
      case resources::ResourceType::kLambdaFunction:
      case resources::ResourceType::kLambdaLayerVersion:
      case resources::ResourceType::kSqsQueue:
      case resources::ResourceType::kSnsTopic:
      case resources::ResourceType::kSecretsManagerSecret:
      case resources::ResourceType::kEcrRepository:
      case resources::ResourceType::kEfsFileSystem:
      case resources::ResourceType::kDynamoDbTable:
      case resources::ResourceType::kDynamoDbStream:
        options.types.push_back(type);
        break;
    }
  }
  options.families = Families();
  std::vector<std::string> lines;
  for (uint64_t index = 0; lines.size() < count; ++index) {
    corpus::CorpusRecord record = corpus::GenerateCorpusRecord(options, index);
    if (!record.policy.empty()) lines.push_back(corpus::CorpusLine(record, /*with_labels=*/true));
  }
  return lines;
}

// Checks (a) and (b) on one analyzed resource: every witness is allowed (`allows`), external and
// inside its own finding; every drawn request that is allowed and external lies inside some
// finding. Findings are read against `reading` (the policy, or every statement when gated).
void CheckWitnessesAndDraws(const Subject& reading, const std::vector<Finding>& findings,
                            const ZoneOfTrust& zone, const Organization& org,
                            RequestFactory& factory, size_t draws,
                            const std::function<bool(const eval::Request&)>& allows, Counts& n,
                            const std::function<void(const std::string&)>& report) {
  for (const Finding& f : findings) {
    if (!f.witness.has_value()) continue;
    ++n.witnesses;
    std::optional<eval::Request> request = WitnessRequest(reading, f, org);
    if (!request.has_value() || !allows(*request)) {
      ++n.witness_rejected;
      report(base::Concat("(a) witness not allowed by the evaluator: ",
                          request ? eval::DescribeRequest(*request) : f.witness->principal));
    } else if (!IsExternalRequest(*request, zone)) {
      ++n.witness_internal;
      report("(a) witness principal inside the zone: " + eval::DescribeRequest(*request));
    } else if (!FindingContains(f, reading.policy, *request)) {
      ++n.witness_outside;
      report("(a) witness outside its own finding: " + eval::DescribeRequest(*request));
    }
  }
  for (size_t r = 0; r < draws; ++r) {
    eval::Request request = factory.Next();
    ++n.pairs;
    if (!allows(request)) continue;
    ++n.allowed;
    if (!IsExternalRequest(request, zone)) continue;
    ++n.allowed_external;
    if (!Covered(reading, findings, request)) {
      ++n.uncovered;
      report("(b) allowed external request outside every finding: " +
             eval::DescribeRequest(request));
    }
  }
}

TEST(Differential, EngineAgreesWithEvaluatorAndOracle) {
  const size_t pairs = EnvSize("PERIMETER_DIFFERENTIAL_PAIRS", 100000);
  const size_t policy_count = EnvSize("PERIMETER_DIFFERENTIAL_POLICIES", 2000);
  const size_t seed = EnvSize("PERIMETER_DIFFERENTIAL_SEED", 1);
  const size_t oracle_policies = EnvSize("PERIMETER_DIFFERENTIAL_ORACLE", 60);
  const unsigned oracle_ms =
      static_cast<unsigned>(EnvSize("PERIMETER_DIFFERENTIAL_ORACLE_MS", 5000));
  std::string error;
  std::vector<std::string> corpus = Corpus(policy_count, seed);
  ASSERT_EQ(corpus.size(), policy_count);

  const Organization org = CorpusOrganization();
  const size_t per_policy = std::max<size_t>(1, (pairs + corpus.size() - 1) / corpus.size());
  std::mt19937_64 rng(seed);
  Counts n;
  size_t reported = 0;
  auto report = [&](const Subject& s, const std::vector<Finding>& findings,
                    const std::string& what) {
    n.CountFamilies(s.families);
    if (++reported > 10) return;
    ADD_FAILURE() << what << "\n  resource: " << s.line << "\n  findings:\n"
                  << SummarizeFindings(findings);
  };

  for (size_t index = 0; index < corpus.size(); ++index) {
    std::optional<std::unique_ptr<Subject>> read = ReadSubject(corpus[index], error);
    ++n.policies;
    if (!read.has_value()) {
      ++n.unreadable;
      ++n.undecided_reasons["unreadable: " + error.substr(0, 60)];
      continue;
    }
    const Subject& s = **read;
    // Alternate the two zone kinds: an ACCOUNT zone inside the organization, and the organization.
    const bool org_zone = index % 2 == 1;
    ZoneOfTrust zone =
        org_zone ? ZoneOfTrust::ForOrganization(org) : ZoneOfTrust::ForAccount(kZoneAccount, org);
    AnalysisResult analysis = AnalyzeExternalAccess(s.model, zone);
    if (!analysis.stats.decided) {
      ++n.undecided;
      for (const Finding& f : analysis.findings) {
        if (f.error) ++n.undecided_reasons[f.error_reason.substr(0, 60)];
      }
      n.pairs += per_policy;  // the requests are still drawn, for a stable stream
      RequestFactory skip(s, org, rng);
      for (size_t r = 0; r < per_policy; ++r) (void)skip.Next();
      continue;
    }
    const std::vector<Finding>& findings = analysis.findings;
    n.findings += findings.size();

    // (a) witnesses, (b) random requests.
    RequestFactory factory(s, org, rng);
    CheckWitnessesAndDraws(
        s, findings, zone, org, factory, per_policy,
        [&](const eval::Request& request) { return Allowed(s, request); }, n,
        [&](const std::string& what) { report(s, findings, what); });

    // (c) the Z3 oracle, on the first policies with external access or conditions.
    if (n.oracle_runs < oracle_policies) {
      ++n.oracle_runs;
      z3::CoverResult cover = z3::CheckCover(s.model, zone, findings, oracle_ms);
      switch (cover.kind) {
        case z3::CoverResult::Kind::kCovered:
          ++n.oracle_covered;
          break;
        case z3::CoverResult::Kind::kUnknown:
          ++n.oracle_unknown;
          break;
        case z3::CoverResult::Kind::kUncovered: {
          ++n.oracle_uncovered;
          const eval::Request& request = *cover.counterexample;
          bool confirmed = Allowed(s, request) && IsExternalRequest(request, zone) &&
                           !Covered(s, findings, request);
          n.oracle_confirmed += confirmed ? 1 : 0;
          report(s, findings,
                 base::Concat("(c) the oracle finds an uncovered request (",
                              confirmed ? "confirmed" : "NOT confirmed",
                              " by the evaluator): ", cover.reason));
          break;
        }
      }
    }
  }

  std::printf(
      "differential: %zu policies (%zu unreadable, %zu declined by the engine), %zu findings\n"
      "  (a) %zu witnesses: %zu not allowed, %zu internal, %zu outside their finding\n"
      "  (b) %zu (policy, request) pairs: %zu allowed, %zu allowed and external, %zu uncovered\n"
      "  (c) oracle on %zu policies: %zu covered, %zu unknown, %zu uncovered (%zu confirmed)\n",
      n.policies, n.unreadable, n.undecided, n.findings, n.witnesses, n.witness_rejected,
      n.witness_internal, n.witness_outside, n.pairs, n.allowed, n.allowed_external, n.uncovered,
      n.oracle_runs, n.oracle_covered, n.oracle_unknown, n.oracle_uncovered, n.oracle_confirmed);
  for (const auto& [reason, count] : n.undecided_reasons)
    std::printf("  declined %zu: %s\n", count, reason.c_str());
  PrintFamilies(n);
  EXPECT_EQ(n.witness_rejected + n.witness_internal + n.witness_outside, 0u);
  EXPECT_EQ(n.uncovered, 0u);
  EXPECT_EQ(n.oracle_uncovered, 0u);
  EXPECT_GE(n.pairs, std::min<size_t>(pairs, n.policies * per_policy));
}

// ---- With a gate policy (external_access.h GatePolicy): each resource's policy, gated by the
// policy of the next resource of the same type, seen under that resource's ARN through an ARN
// prefix map (as an S3 access point's requests are seen by the bucket policy).

struct GatedSubject {
  std::unique_ptr<Subject> primary;
  std::unique_ptr<Subject> gate;
  // Both policies' statements, the gate's Resource patterns moved to the primary's ARN: the
  // constants requests are drawn from, and the policy findings are read with.
  std::unique_ptr<Subject> merged;
  ArnPrefixMap map;
};

std::unique_ptr<GatedSubject> MakeGated(std::unique_ptr<Subject> primary,
                                        std::unique_ptr<Subject> gate) {
  auto gated = std::make_unique<GatedSubject>();
  gated->map = ArnPrefixMap{primary->model.resource_arn, gate->model.resource_arn};
  gated->merged = std::make_unique<Subject>();
  Subject& merged = *gated->merged;
  merged.line = primary->line + "\n  gate: " + gate->line;
  merged.families = primary->families;
  merged.families.insert(merged.families.end(), gate->families.begin(), gate->families.end());
  merged.kind = primary->kind;
  merged.policy = primary->policy;
  for (policy::Statement statement : gate->policy.statements) {
    if (statement.resource.has_value()) {
      for (policy::Text& pattern : statement.resource->patterns) {
        if (pattern.value.starts_with(gated->map.to_prefix)) {
          pattern.value =
              gated->map.from_prefix + pattern.value.substr(gated->map.to_prefix.size());
        }
      }
    }
    merged.policy.statements.push_back(std::move(statement));
  }
  merged.model = primary->model;
  merged.model.policy = &merged.policy;
  std::vector<base::Issue> issues;
  merged.compiled.emplace(eval::CompiledPolicy::Compile(merged.policy, merged.kind, issues));
  for (ResourceTarget& target : primary->model.targets) target.gate_map = gated->map;
  primary->model.gate = GatePolicy{&gate->policy, gate->kind, "gate"};
  gated->primary = std::move(primary);
  gated->gate = std::move(gate);
  return gated;
}

bool GatedAllowed(const GatedSubject& g, const eval::Request& request) {
  if (!Allowed(*g.primary, request)) return false;
  std::optional<std::string> mapped = g.map.Map(request.resource_arn);
  if (!mapped.has_value()) return false;
  eval::Request through_gate = request;
  through_gate.resource_arn = *mapped;
  return Allowed(*g.gate, through_gate);
}

TEST(Differential, GatedEngineAgreesWithEvaluator) {
  const size_t pairs = EnvSize("PERIMETER_DIFFERENTIAL_GATED_PAIRS", 40000);
  const size_t policy_count = EnvSize("PERIMETER_DIFFERENTIAL_GATED_POLICIES", 800);
  const size_t seed = EnvSize("PERIMETER_DIFFERENTIAL_SEED", 1) + 1;
  const size_t oracle_policies = EnvSize("PERIMETER_DIFFERENTIAL_GATED_ORACLE", 20);
  const unsigned oracle_ms =
      static_cast<unsigned>(EnvSize("PERIMETER_DIFFERENTIAL_ORACLE_MS", 5000));
  size_t oracle_found_without_findings = 0;
  std::string error;
  std::vector<std::string> corpus = Corpus(policy_count, seed);
  ASSERT_EQ(corpus.size(), policy_count);

  // Each resource gated by its own policy moved to another ARN (the same access twice: every pair
  // of Allow statements counts), and pairs of resources of the same type (different policies).
  std::map<std::string, std::vector<std::unique_ptr<Subject>>> by_type;
  std::vector<std::unique_ptr<GatedSubject>> subjects;
  for (const std::string& line : corpus) {
    std::optional<std::unique_ptr<Subject>> read = ReadSubject(line, error);
    if (!read.has_value()) continue;
    std::string arn = (*read)->model.resource_arn;
    std::string moved = line;
    for (size_t at = moved.find(arn); at != std::string::npos;
         at = moved.find(arn, at + arn.size() + 5)) {
      moved.insert(at + arn.size(), "-gate");
    }
    std::optional<std::unique_ptr<Subject>> self = ReadSubject(moved, error);
    std::optional<std::unique_ptr<Subject>> again = ReadSubject(line, error);
    if (self.has_value() && again.has_value())
      subjects.push_back(MakeGated(std::move(*again), std::move(*self)));
    by_type[(*read)->model.resource_type].push_back(std::move(*read));
  }
  for (auto& [type, list] : by_type) {
    for (size_t i = 0; i + 1 < list.size(); i += 2)
      subjects.push_back(MakeGated(std::move(list[i]), std::move(list[i + 1])));
  }
  ASSERT_FALSE(subjects.empty());

  const Organization org = CorpusOrganization();
  const size_t per_subject = std::max<size_t>(1, (pairs + subjects.size() - 1) / subjects.size());
  std::mt19937_64 rng(seed);
  Counts n;
  size_t reported = 0;
  auto report = [&](const GatedSubject& g, const std::vector<Finding>& findings,
                    const std::string& what) {
    n.CountFamilies(g.merged->families);
    if (++reported > 10) return;
    ADD_FAILURE() << what << "\n  resource: " << g.merged->line << "\n  findings:\n"
                  << SummarizeFindings(findings);
  };
  for (size_t index = 0; index < subjects.size(); ++index) {
    const GatedSubject& g = *subjects[index];
    ++n.policies;
    const bool org_zone = index % 2 == 1;
    ZoneOfTrust zone =
        org_zone ? ZoneOfTrust::ForOrganization(org) : ZoneOfTrust::ForAccount(kZoneAccount, org);
    AnalysisResult analysis = AnalyzeExternalAccess(g.primary->model, zone);
    RequestFactory factory(*g.merged, org, rng);
    if (!analysis.stats.decided) {
      ++n.undecided;
      for (const Finding& f : analysis.findings) {
        if (f.error) ++n.undecided_reasons[f.error_reason.substr(0, 60)];
      }
      for (size_t r = 0; r < per_subject; ++r) (void)factory.Next();
      continue;
    }
    const std::vector<Finding>& findings = analysis.findings;
    n.findings += findings.size();
    CheckWitnessesAndDraws(
        *g.merged, findings, zone, org, factory, per_subject,
        [&](const eval::Request& request) { return GatedAllowed(g, request); }, n,
        [&](const std::string& what) { report(g, findings, what); });

    // (c) the Z3 oracle on the first pairs with findings: the findings are a cover, and without
    // them the oracle finds the access (so its "covered" is not vacuous).
    bool any =
        std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return !f.error; });
    if (any && n.oracle_runs < oracle_policies) {
      ++n.oracle_runs;
      z3::CoverResult cover = z3::CheckCover(g.primary->model, zone, findings, oracle_ms);
      if (cover.kind == z3::CoverResult::Kind::kCovered) ++n.oracle_covered;
      if (cover.kind == z3::CoverResult::Kind::kUnknown) ++n.oracle_unknown;
      if (cover.kind == z3::CoverResult::Kind::kUncovered) {
        ++n.oracle_uncovered;
        const eval::Request& request = *cover.counterexample;
        bool confirmed = GatedAllowed(g, request) && IsExternalRequest(request, zone) &&
                         !Covered(*g.merged, findings, request);
        n.oracle_confirmed += confirmed ? 1 : 0;
        report(g, findings,
               base::Concat("(c) the oracle finds an uncovered request (",
                            confirmed ? "confirmed" : "NOT confirmed",
                            " by the evaluator): ", cover.reason));
      }
      z3::CoverResult bare = z3::CheckCover(g.primary->model, zone, {}, oracle_ms);
      if (bare.kind == z3::CoverResult::Kind::kUncovered) {
        ++oracle_found_without_findings;
        if (!GatedAllowed(g, *bare.counterexample)) {
          report(
              g, findings,
              "(c) the oracle's request without findings is not allowed by both: " + bare.reason);
        }
      }
    }
  }
  std::printf(
      "differential with a gate policy: %zu policy pairs (%zu declined by the engine), %zu "
      "findings\n"
      "  (a) %zu witnesses: %zu not allowed by both, %zu internal, %zu outside their finding\n"
      "  (b) %zu (pair, request) draws: %zu allowed by both, %zu allowed and external, %zu "
      "uncovered\n"
      "  (c) oracle on %zu pairs: %zu covered, %zu unknown, %zu uncovered (%zu confirmed); without "
      "the findings, "
      "access found in %zu\n",
      n.policies, n.undecided, n.findings, n.witnesses, n.witness_rejected, n.witness_internal,
      n.witness_outside, n.pairs, n.allowed, n.allowed_external, n.uncovered, n.oracle_runs,
      n.oracle_covered, n.oracle_unknown, n.oracle_uncovered, n.oracle_confirmed,
      oracle_found_without_findings);
  for (const auto& [reason, count] : n.undecided_reasons)
    std::printf("  declined %zu: %s\n", count, reason.c_str());
  PrintFamilies(n);
  EXPECT_EQ(n.witness_rejected + n.witness_internal + n.witness_outside, 0u);
  EXPECT_EQ(n.uncovered, 0u);
  EXPECT_GT(n.allowed_external, 0u) << "the draws never reached access both policies allow";
  EXPECT_EQ(n.oracle_uncovered, 0u);
  EXPECT_GT(oracle_found_without_findings, 0u)
      << "the oracle never found the access the findings stand for";
}

}  // namespace
}  // namespace perimeter::reasoning
