#include "perimeter/testing/corpus_generator.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>

#include "perimeter/json/writer.h"

namespace perimeter::corpus {

// ---- Randomness ------------------------------------------------------------------------------------------

CorpusRandom CorpusRandom::ForRecord(uint64_t seed, uint64_t index) {
  // Two splitmix64 steps mix the seed and the index into independent starting states.
  CorpusRandom mixer(seed);
  uint64_t base = mixer.Next();
  CorpusRandom stream(base ^ (index * 0xd1b54a32d192ed03ULL));
  stream.Next();
  return stream;
}

uint64_t CorpusRandom::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t CorpusRandom::Below(uint64_t n) {
  // Reject the top partial block of 2^64 so that every residue is equally likely.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x = Next();
  while (x >= limit) x = Next();
  return x % n;
}

int64_t CorpusRandom::Between(int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
}

std::string CorpusRandom::Chars(size_t n, std::string_view alphabet) {
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(alphabet[Below(alphabet.size())]);
  return out;
}

// ---- Names -----------------------------------------------------------------------------------------------

namespace {

struct TypeEntry {
  CorpusResourceType type;
  std::string_view name;
  int weight;  // relative frequency in a corpus of every type
};

// Policy types dominate, as they do in real accounts and in Access Analyzer's findings.
constexpr TypeEntry kTypes[] = {
    {CorpusResourceType::kS3Bucket, "AWS::S3::Bucket", 22},
    {CorpusResourceType::kS3DirectoryBucket, "AWS::S3Express::DirectoryBucket", 3},
    {CorpusResourceType::kIamRole, "AWS::IAM::Role", 22},
    {CorpusResourceType::kKmsKey, "AWS::KMS::Key", 11},
    {CorpusResourceType::kLambdaFunction, "AWS::Lambda::Function", 11},
    {CorpusResourceType::kLambdaLayerVersion, "AWS::Lambda::LayerVersion", 2},
    {CorpusResourceType::kSqsQueue, "AWS::SQS::Queue", 9},
    {CorpusResourceType::kSnsTopic, "AWS::SNS::Topic", 7},
    {CorpusResourceType::kSecretsManagerSecret, "AWS::SecretsManager::Secret", 7},
    {CorpusResourceType::kEcrRepository, "AWS::ECR::Repository", 3},
    {CorpusResourceType::kEfsFileSystem, "AWS::EFS::FileSystem", 2},
    {CorpusResourceType::kDynamoDbTable, "AWS::DynamoDB::Table", 3},
    {CorpusResourceType::kDynamoDbStream, "AWS::DynamoDB::Stream", 1},
    {CorpusResourceType::kEbsSnapshot, "AWS::EC2::Snapshot", 2},
    {CorpusResourceType::kRdsDbSnapshot, "AWS::RDS::DBSnapshot", 2},
    {CorpusResourceType::kRdsDbClusterSnapshot, "AWS::RDS::DBClusterSnapshot", 1},
};

const TypeEntry& EntryOf(CorpusResourceType type) {
  for (const TypeEntry& entry : kTypes) {
    if (entry.type == type) return entry;
  }
  return kTypes[0];  // not reached: kTypes lists every enumerator
}

constexpr std::pair<CorpusShapeFamily, std::string_view> kFamilies[] = {
    {CorpusShapeFamily::kOrgPaths, "org-paths"},
    {CorpusShapeFamily::kArnWildcards, "arn-wildcards"},
    {CorpusShapeFamily::kResourceAccount, "resource-account"},
    {CorpusShapeFamily::kFederated, "federated"},
    {CorpusShapeFamily::kArnNonArnValues, "arn-non-arn-values"},
    {CorpusShapeFamily::kPolicyVariables, "policy-variables"},
};

}  // namespace

std::string_view CorpusResourceTypeName(CorpusResourceType type) { return EntryOf(type).name; }

std::optional<CorpusResourceType> ParseCorpusResourceType(std::string_view name) {
  for (const TypeEntry& entry : kTypes) {
    if (entry.name == name) return entry.type;
  }
  return std::nullopt;
}

const std::vector<CorpusResourceType>& AllCorpusResourceTypes() {
  static const std::vector<CorpusResourceType> kAll = [] {
    std::vector<CorpusResourceType> all;
    for (const TypeEntry& entry : kTypes) all.push_back(entry.type);
    return all;
  }();
  return kAll;
}

const std::vector<CorpusResourceType>& PolicyCorpusResourceTypes() {
  static const std::vector<CorpusResourceType> kPolicyTypes = {
      CorpusResourceType::kS3Bucket,       CorpusResourceType::kIamRole,  CorpusResourceType::kKmsKey,
      CorpusResourceType::kLambdaFunction, CorpusResourceType::kSqsQueue, CorpusResourceType::kSnsTopic,
      CorpusResourceType::kSecretsManagerSecret};
  return kPolicyTypes;
}

std::string_view CorpusShapeFamilyName(CorpusShapeFamily family) {
  for (const auto& [f, name] : kFamilies) {
    if (f == family) return name;
  }
  return "";
}

std::optional<CorpusShapeFamily> ParseCorpusShapeFamily(std::string_view name) {
  for (const auto& [family, text] : kFamilies) {
    if (text == name) return family;
  }
  return std::nullopt;
}

const std::vector<CorpusShapeFamily>& AllCorpusShapeFamilies() {
  static const std::vector<CorpusShapeFamily> kAll = [] {
    std::vector<CorpusShapeFamily> all;
    for (const auto& [family, name] : kFamilies) all.push_back(family);
    return all;
  }();
  return kAll;
}

std::vector<CorpusAccount> CorpusOrganizationAccounts(const CorpusOptions& options) {
  std::vector<CorpusAccount> accounts;
  const std::string root = options.organization_id + "/r-ab12/";
  accounts.push_back({options.zone_account, root + "ou-ab12-00000001/"});
  size_t n = 0;
  for (const std::string& member : options.members) {
    if (member == options.zone_account) continue;
    ++n;
    // Every other member sits in a nested OU (workloads/prod), so paths of two depths exist.
    std::string path = n % 2 == 1 ? root + "ou-ab12-0000000" + std::to_string(n + 1) + "/"
                                  : root + "ou-ab12-00000002/ou-ab12-0000000" + std::to_string(n + 1) + "/";
    accounts.push_back({member, path});
  }
  return accounts;
}

// ---- The policy model the builders fill --------------------------------------------------------------

namespace {

constexpr char kForeignOrg[] = "o-zz9y8x7w6v";
constexpr char kForeignRoot[] = "r-zz99";
const std::vector<std::string> kExternalAccounts = {"999988887777", "777788889999", "246813579024",
                                                    "135792468013"};
const std::vector<std::string> kWords = {"analytics", "billing", "orders",  "payments", "media",   "logs",
                                         "backup",    "reports", "etl",     "ml",       "audit",   "search",
                                         "events",    "assets",  "web",     "data",     "archive", "partner",
                                         "ingest",    "export",  "static",  "docs"};
const std::vector<std::string> kEnvironments = {"prod", "staging", "dev", "test", "sandbox"};
const std::vector<std::string> kTeams = {"platform", "data", "security", "finance", "growth", "infra"};
const std::vector<std::string> kCidrs = {"203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24", "10.0.0.0/8",
                                         "172.16.0.0/12",  "54.240.143.0/24", "2001:DB8:1234:5678::/64"};
const std::vector<std::string> kTrustServices = {
    "ec2.amazonaws.com",     "lambda.amazonaws.com", "ecs-tasks.amazonaws.com",  "glue.amazonaws.com",
    "states.amazonaws.com",  "events.amazonaws.com", "codebuild.amazonaws.com",  "sagemaker.amazonaws.com",
    "scheduler.amazonaws.com", "eks.amazonaws.com",  "ssm.amazonaws.com",        "backup.amazonaws.com"};

// A value that IAM accepts as a string or as a list of strings.
struct Values {
  std::vector<std::string> items;
  bool as_list = true;
};

struct Condition {
  std::string op;
  std::string key;
  Values values;
  bool literal = false;  // the single value written as a JSON literal (true / 1.2), not a string
};

enum class PrincipalForm { kAbsent, kStarText, kMap };

struct Principal {
  PrincipalForm form = PrincipalForm::kAbsent;
  std::vector<std::pair<std::string, Values>> entries;  // "AWS" -> ..., in order
};

struct Statement {
  std::optional<std::string> sid;
  bool deny = false;
  Principal principal;
  bool not_principal = false;
  Values actions;
  bool not_action = false;
  std::optional<Values> resources;
  bool not_resource = false;
  std::vector<Condition> conditions;
};

struct Policy {
  std::string version = "2012-10-17";
  std::optional<std::string> id;
  std::vector<Statement> statements;
  bool single_statement_object = false;
};

void WriteValues(json::Writer& w, const Values& values) {
  if (!values.as_list && values.items.size() == 1) {
    w.String(values.items.front());
    return;
  }
  w.StringArray(values.items);
}

void WritePrincipal(json::Writer& w, const Principal& principal) {
  switch (principal.form) {
    case PrincipalForm::kAbsent:
      return;
    case PrincipalForm::kStarText:
      w.String("*");
      return;
    case PrincipalForm::kMap:
      w.BeginObject();
      for (const auto& [kind, values] : principal.entries) {
        w.Key(kind);
        WriteValues(w, values);
      }
      w.EndObject();
      return;
  }
}

void WriteStatement(json::Writer& w, const Statement& s) {
  w.BeginObject();
  if (s.sid.has_value()) w.Key("Sid").String(*s.sid);
  w.Key("Effect").String(s.deny ? "Deny" : "Allow");
  if (s.principal.form != PrincipalForm::kAbsent) {
    w.Key(s.not_principal ? "NotPrincipal" : "Principal");
    WritePrincipal(w, s.principal);
  }
  w.Key(s.not_action ? "NotAction" : "Action");
  WriteValues(w, s.actions);
  if (s.resources.has_value()) {
    w.Key(s.not_resource ? "NotResource" : "Resource");
    WriteValues(w, *s.resources);
  }
  if (!s.conditions.empty()) {
    // Condition blocks grouped by operator, in the order they were added; a key named twice under one
    // operator gets the union of the values (IAM would reject the duplicate key).
    std::vector<std::string> ops;
    std::map<std::string, std::vector<const Condition*>> by_op;
    for (const Condition& c : s.conditions) {
      if (!by_op.contains(c.op)) ops.push_back(c.op);
      std::vector<const Condition*>& list = by_op[c.op];
      auto same = std::find_if(list.begin(), list.end(), [&](const Condition* o) { return o->key == c.key; });
      if (same == list.end()) list.push_back(&c);
    }
    w.Key("Condition").BeginObject();
    for (const std::string& op : ops) {
      w.Key(op).BeginObject();
      for (const Condition* c : by_op[op]) {
        Values merged = c->values;
        for (const Condition& other : s.conditions) {
          if (&other == c || other.op != op || other.key != c->key) continue;
          merged.items.insert(merged.items.end(), other.values.items.begin(), other.values.items.end());
          merged.as_list = true;
        }
        w.Key(c->key);
        if (c->literal && merged.items.size() == 1) {
          w.Raw(merged.items.front());
        } else {
          WriteValues(w, merged);
        }
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
}

std::string WritePolicy(const Policy& policy) {
  json::Writer w;
  w.BeginObject();
  w.Key("Version").String(policy.version);
  if (policy.id.has_value()) w.Key("Id").String(*policy.id);
  w.Key("Statement");
  if (policy.single_statement_object && policy.statements.size() == 1) {
    WriteStatement(w, policy.statements.front());
  } else {
    w.BeginArray();
    for (const Statement& s : policy.statements) WriteStatement(w, s);
    w.EndArray();
  }
  w.EndObject();
  return std::move(w).Take();
}

// What a builder turns into a Statement / Condition (see Builder::Make).
struct StatementSpec {
  std::string sid;
  bool deny = false;
  Principal principal;
  Values actions;
  std::optional<Values> resources;
  std::vector<Condition> conditions = {};
};
struct ConditionSpec {
  std::string op;
  std::string key;
  std::vector<std::string> values;
};

// Concatenates parts evaluated in the order written (a braced list is sequenced; `a + b` is not).
std::string Cat(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& part : parts) out += part;
  return out;
}

// ---- One record's builder: its random stream, identity and vocabulary ------------------------------------

class Builder {
 public:
  Builder(const CorpusOptions& options, uint64_t index)
      : o_(options), index_(index), r(CorpusRandom::ForRecord(options.seed, index)) {
    for (const CorpusAccount& account : CorpusOrganizationAccounts(options)) {
      if (account.account_id != options.zone_account) members_.push_back(account.account_id);
      paths_.push_back(account.ou_path);
    }
    if (members_.empty()) members_.push_back(options.zone_account);
  }

  const CorpusOptions& o_;
  const uint64_t index_;
  CorpusRandom r;
  std::vector<std::string> labels;
  std::vector<std::string> members_;
  std::vector<std::string> paths_;  // the organization's OU paths, the zone account's first

  bool On(CorpusShapeFamily family) const { return o_.families.contains(family); }
  void Label(std::string label) { labels.push_back(std::move(label)); }
  const std::string& Account() const { return o_.zone_account; }
  const std::string& Region() const { return o_.region; }
  const std::string& OrgId() const { return o_.organization_id; }

  // Picks one of the weighted alternatives whose condition holds and runs it.
  struct Choice {
    int weight;
    bool enabled;
    std::function<void()> run;
  };
  void Choose(const std::vector<Choice>& choices) {
    int64_t total = 0;
    for (const Choice& c : choices) total += c.enabled ? c.weight : 0;
    int64_t x = static_cast<int64_t>(r.Below(static_cast<uint64_t>(total)));
    for (const Choice& c : choices) {
      if (!c.enabled) continue;
      if (x < c.weight) {
        c.run();
        return;
      }
      x -= c.weight;
    }
  }

  // ---- values in the forms IAM accepts

  Values One(std::string value) { return Values{{std::move(value)}, r.Percent(35)}; }
  Values Many(std::vector<std::string> values) {
    bool list = values.size() != 1 || r.Percent(35);
    return Values{std::move(values), list};
  }
  // Between lo and hi distinct elements of `pool`, in a drawn order.
  std::vector<std::string> Some(const std::vector<std::string>& pool, size_t lo, size_t hi) {
    std::vector<std::string> shuffled = pool;
    for (size_t i = shuffled.size(); i > 1; --i) std::swap(shuffled[i - 1], shuffled[r.Below(i)]);
    size_t n = static_cast<size_t>(r.Between(static_cast<int64_t>(lo), static_cast<int64_t>(std::min(hi, pool.size()))));
    shuffled.resize(n);
    return shuffled;
  }

  std::optional<std::string> Sid(std::string text) {
    uint64_t x = r.Below(100);
    if (x < 55) return text;
    if (x < 70) return "Stmt" + std::to_string(r.Between(1000000000000, 1999999999999));
    return std::nullopt;
  }

  // ---- identities

  std::string ExternalAccount() {
    return r.Percent(75) ? r.Pick(kExternalAccounts) : std::to_string(r.Between(100000000000, 999999999999));
  }
  std::string Member() { return r.Pick(members_); }
  std::string CrossAccount() {
    bool member = r.Percent(35);
    Label(member ? "principal:org-member" : "principal:external");
    return member ? Member() : ExternalAccount();
  }
  std::string RoleArn(const std::string& account, std::string name = "") {
    if (name.empty()) {
      name = Cat({r.Pick(kTeams), "-", std::string(r.Pick({"reader", "writer", "admin", "deployer", "etl", "app"}))});
    }
    std::string path(r.Pick({"", "", "", "service-role/", "team/"}));
    if (path == "team/") path += r.Pick(kTeams) + "/";
    return "arn:aws:iam::" + account + ":role/" + path + name;
  }
  std::string UserArn(const std::string& account) {
    return Cat({"arn:aws:iam::", account, ":user/", std::string(r.Pick({"alice", "bob", "carol", "dave"})),
                r.Percent(50) ? "" : "." + std::string(r.Pick({"smith", "ng", "diaz"}))});
  }
  std::string AccountPrincipal(const std::string& account) {
    return r.Percent(80) ? "arn:aws:iam::" + account + ":root" : account;
  }
  std::vector<std::string> PrincipalsOf(const std::string& account, size_t n) {
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i) {
      uint64_t x = r.Below(100);
      if (x < 45) {
        out.push_back(AccountPrincipal(account));
      } else if (x < 85) {
        out.push_back(RoleArn(account));
      } else if (x < 95) {
        out.push_back(UserArn(account));
      } else {
        out.push_back(Cat({"arn:aws:sts::", account, ":assumed-role/", r.Pick(kTeams), "/session-", r.Hex(6)}));
      }
    }
    return out;
  }
  std::string CanonicalUser() { return r.Hex(64); }
  std::string Vpce() { return "vpce-" + r.Hex(17); }
  std::string Vpc() { return "vpc-" + r.Hex(r.Percent(70) ? 17 : 8); }
  std::string Uuid() {
    std::string h = r.Hex(32);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-a" + h.substr(17, 3) + "-" +
           h.substr(20, 12);
  }
  std::string Name() {
    std::string name = Cat({r.Pick(kWords), "-", r.Pick(kEnvironments)});
    if (r.Percent(50)) name = r.Pick(kTeams) + "-" + name;
    char suffix[16];
    std::snprintf(suffix, sizeof(suffix), "-%05llu", static_cast<unsigned long long>(index_ % 100000));
    return name + suffix;
  }
  std::string OtherBucketArn() { return Cat({"arn:aws:s3:::", r.Pick(kWords), "-", r.Pick(kEnvironments), "-", r.Hex(4)}); }
  std::string TopicArn(const std::string& account) {
    return Cat({"arn:aws:sns:", Region(), ":", account, ":", r.Pick(kWords), "-",
                std::string(r.Pick({"events", "alerts", "fanout"}))});
  }
  std::string RuleArn() { return Cat({"arn:aws:events:", Region(), ":", Account(), ":rule/", r.Pick(kWords), "-", r.Hex(4)}); }
  std::string TrailArn() {
    return "arn:aws:cloudtrail:" + Region() + ":" + Account() + ":trail/" +
           std::string(r.Pick({"management-events", "org-trail", "audit"}));
  }

  // ---- principals

  Principal Star() {
    if (r.Percent(55)) return Principal{PrincipalForm::kStarText, {}};
    return Principal{PrincipalForm::kMap, {{"AWS", One("*")}}};
  }
  Principal Aws(std::vector<std::string> values) { return Principal{PrincipalForm::kMap, {{"AWS", Many(std::move(values))}}}; }
  Principal Service(std::vector<std::string> services) {
    return Principal{PrincipalForm::kMap, {{"Service", Many(std::move(services))}}};
  }
  Principal Federated(std::string provider) { return Principal{PrincipalForm::kMap, {{"Federated", One(std::move(provider))}}}; }
  Principal Canonical(std::string id) { return Principal{PrincipalForm::kMap, {{"CanonicalUser", One(std::move(id))}}}; }

  // Statements and conditions are given as braced lists: their parts are then drawn in the order they
  // are written (C++ leaves the order of function arguments unspecified, which would make the corpus
  // depend on the compiler).
  Statement Make(StatementSpec spec) {
    Statement s;
    s.sid = Sid(std::move(spec.sid));
    s.deny = spec.deny;
    s.principal = std::move(spec.principal);
    s.actions = std::move(spec.actions);
    s.resources = std::move(spec.resources);
    s.conditions = std::move(spec.conditions);
    return s;
  }
  Condition Cond(ConditionSpec spec) { return Condition{std::move(spec.op), std::move(spec.key), Many(std::move(spec.values))}; }
};

// The actions and resources a grant on a resource of one type names: what the family shapes and the
// shared guard rails are written against.
struct Access {
  Values actions;
  std::optional<Values> resources;  // nullopt for role trust policies
};

// ---- Conditions shared by several types ----------------------------------------------------------------

// What a Principal:"*" grant typically carries: restricting or not, and the traps (IfExists on a key the
// request may lack, ForAllValues on a missing key, spoofable Referer, Null).
std::vector<Condition> PublicConditions(Builder& b) {
  std::vector<Condition> out;
  b.Choose({
      {12, true, [&] { b.Label("cond:source-ip"); out.push_back(b.Cond({"IpAddress", "aws:SourceIp", b.Some(kCidrs, 1, 3)})); }},
      {9, true, [&] { b.Label("cond:source-vpce"); out.push_back(b.Cond({"StringEquals", "aws:SourceVpce", {b.Vpce()}})); }},
      {7, true, [&] { b.Label("cond:source-vpc"); out.push_back(b.Cond({"StringEquals", "aws:SourceVpc", {b.Vpc()}})); }},
      {15, true, [&] { b.Label("cond:principal-org-id"); out.push_back(b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})); }},
      {6, true,
       [&] {
         b.Label("cond:principal-org-paths");
         bool all = b.r.Percent(25);
         if (all) b.Label("trap:for-all-values-missing-key");
         out.push_back(b.Cond({all ? "ForAllValues:StringLike" : "ForAnyValue:StringLike", "aws:PrincipalOrgPaths",
                              {b.OrgId() + "/r-ab12/ou-ab12-00000001/*"}}));
       }},
      {8, true,
       [&] {
         b.Label("cond:principal-account");
         std::vector<std::string> accounts = {b.Account()};
         if (b.r.Percent(40)) accounts.push_back(b.Member());
         out.push_back(b.Cond({"StringEquals", "aws:PrincipalAccount", accounts}));
       }},
      {8, true,
       [&] {
         b.Label("cond:principal-arn");
         out.push_back(b.Cond({"ArnLike", "aws:PrincipalArn", {"arn:aws:iam::" + b.Account() + ":role/" + b.r.Pick(kTeams) + "-*"}}));
       }},
      {5, true, [&] { b.Label("trap:if-exists"); out.push_back(b.Cond({"StringEqualsIfExists", "aws:SourceVpce", {b.Vpce()}})); }},
      {5, true,
       [&] {
         b.Label("cond:secure-transport-only");
         out.push_back(Condition{"Bool", "aws:SecureTransport", {{"true"}, false}, b.r.Percent(30)});
       }},
      {4, true,
       [&] {
         b.Label("trap:referer");
         out.push_back(b.Cond({"StringLike", "aws:Referer", {"https://www.example.com/*", "https://example.com/*"}}));
       }},
      {4, true,
       [&] {
         b.Label("cond:date");
         out.push_back(b.Cond({"DateGreaterThan", "aws:CurrentTime", {"2024-01-01T00:00:00Z"}}));
         out.push_back(b.Cond({"DateLessThan", "aws:CurrentTime", {"2030-12-31T23:59:59Z"}}));
       }},
      {4, true, [&] { b.Label("cond:source-account"); out.push_back(b.Cond({"StringEquals", "aws:SourceAccount", {b.Account()}})); }},
      {3, true, [&] { b.Label("cond:null"); out.push_back(b.Cond({"Null", "aws:SourceVpce", {"false"}})); }},
      {3, true, [&] { b.Label("cond:not-ip-address"); out.push_back(b.Cond({"NotIpAddress", "aws:SourceIp", b.Some(kCidrs, 1, 2)})); }},
      {3, b.On(CorpusShapeFamily::kPolicyVariables),
       [&] {
         b.Label("family:policy-variables");
         b.Label("cond:principal-tag-variable");
         out.push_back(b.Cond({"StringEquals", "aws:PrincipalTag/team", {"${aws:ResourceTag/team}"}}));
       }},
      {2, true,
       [&] {
         b.Label("cond:principal-type");
         out.push_back(b.Cond({"StringNotEquals", "aws:PrincipalType", {"Anonymous"}}));
       }},
      {4, true, [&] { b.Label("cond:none"); }},
  });
  return out;
}

// ---- The shape families --------------------------------------------------------------------------------

std::vector<std::string> OrgPathValues(Builder& b, bool like) {
  const std::string foreign = std::string(kForeignOrg) + "/" + kForeignRoot + "/";
  std::vector<std::string> pool;
  if (like) {
    pool = {std::string(kForeignOrg) + "/*",
            foreign + "*",
            foreign + "ou-zz99-00000001/*",
            b.OrgId() + "/r-ab12/ou-ab12-99999999/*",  // an OU of the zone's organization no account is in
            b.OrgId() + "/*",
            "*/r-ab12/ou-ab12-00000002/*",
            b.paths_.back() + "*"};
  } else {
    pool = {foreign + "ou-zz99-00000001/", std::string(kForeignOrg) + "/" + kForeignRoot + "/",
            b.OrgId() + "/r-ab12/ou-ab12-99999999/", b.paths_.back(), b.OrgId() + "/r-ab12/",
            b.OrgId() + "/*"};  // a literal '*' under StringEquals matches only itself
  }
  if (b.r.Percent(30)) pool.push_back(b.paths_.front() + (like ? "*" : ""));  // the zone account's own path
  return b.Some(pool, 1, 2);
}

std::vector<Statement> OrgPathsShape(Builder& b, const Access& access) {
  b.Label("family:org-paths");
  std::string op(b.r.Pick({"StringLike", "StringEquals", "ForAnyValue:StringLike", "ForAnyValue:StringEquals"}));
  bool like = op.ends_with("Like");
  std::vector<Statement> out;
  if (b.r.Percent(80)) {
    out.push_back(b.Make({"AllowOrgPaths", false, b.Star(), access.actions, access.resources,
                         {b.Cond({op, "aws:PrincipalOrgPaths", OrgPathValues(b, like)})}}));
  } else {
    b.Label("deny-outside-org-paths");
    out.push_back(b.Make({"AllowAnyone", false, b.Star(), access.actions, access.resources,
                         {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.r.Percent(50) ? b.OrgId() : kForeignOrg}})}}));
    std::string deny_op = like ? "ForAnyValue:StringNotLike" : "StringNotEquals";
    if (b.r.Percent(40)) deny_op = like ? "StringNotLike" : "ForAnyValue:StringNotEquals";
    out.push_back(b.Make({"DenyOutsidePaths", true, b.Star(), access.actions, access.resources,
                         {b.Cond({deny_op, "aws:PrincipalOrgPaths", OrgPathValues(b, like)})}}));
  }
  return out;
}

std::vector<Statement> ArnWildcardShape(Builder& b, const Access& access, bool trust) {
  b.Label("family:arn-wildcards");
  std::vector<Statement> out;
  const std::vector<std::string> principal_patterns = {
      "arn:aws:iam::*:role/Admin", "arn:aws:iam::*:role/*", "arn:aws:*:*:*:*", "arn:aws:iam::*:*",
      "arn:aws:iam::*:role/" + b.r.Pick(kTeams) + "-*", "arn:aws:sts::*:assumed-role/Admin/*"};
  const std::vector<std::string> source_patterns = {"arn:aws:s3:::*", "arn:aws:*:*:*:*",
                                                    "arn:aws:sns:*:*:alerts", "arn:aws:events:" + b.Region() + ":*:rule/*",
                                                    "arn:aws:s3:::" + b.r.Pick(kWords) + "-*"};
  std::string op(b.r.Pick({"ArnLike", "StringLike", "ArnEquals", "ArnLike"}));
  b.Choose({
      {5, true,
       [&] {
         out.push_back(b.Make({"AllowByPrincipalArn", false, b.Star(), access.actions, access.resources,
                              {b.Cond({op, "aws:PrincipalArn", b.Some(principal_patterns, 1, 2)})}}));
       }},
      {3, !trust,
       [&] {
         std::string service(b.r.Pick({"s3.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com", "cloudtrail.amazonaws.com"}));
         out.push_back(b.Make({"AllowServiceBySourceArn", false, b.Service({service}), access.actions, access.resources,
                              {b.Cond({op, "aws:SourceArn", b.Some(source_patterns, 1, 2)})}}));
       }},
      {2, true,
       [&] {
         out.push_back(b.Make({"AllowAnyoneBySourceArn", false, b.Star(), access.actions, access.resources,
                              {b.Cond({op, "aws:SourceArn", b.Some(source_patterns, 1, 1)})}}));
       }},
      {2, true,
       [&] {
         b.Label("deny-unless-principal-arn-wildcard");
         out.push_back(b.Make({"AllowAccount", false, b.Aws({b.AccountPrincipal(b.r.Percent(50) ? b.Member() : b.ExternalAccount())}),
                              access.actions, access.resources}));
         out.push_back(b.Make({"DenyOthers", true, b.Star(), access.actions, access.resources,
                              {b.Cond({b.r.Percent(50) ? "ArnNotLike" : "StringNotLike", "aws:PrincipalArn",
                                      b.Some(principal_patterns, 1, 2)})}}));
       }},
  });
  return out;
}

std::vector<Statement> ResourceAccountShape(Builder& b, const Access& access) {
  b.Label("family:resource-account");
  std::vector<Statement> out;
  std::vector<std::string> accounts = {b.Account(), b.Member(), b.ExternalAccount(), b.Account().substr(0, 4) + "*"};
  std::vector<std::string> orgs = {b.OrgId(), kForeignOrg, "o-*"};
  Principal who = b.r.Percent(60) ? b.Star() : b.Aws({b.AccountPrincipal(b.CrossAccount())});
  b.Choose({
      {4, true,
       [&] {
         out.push_back(b.Make({"AllowInResourceAccount", false, who, access.actions, access.resources,
                              {b.Cond({b.r.Percent(70) ? "StringEquals" : "StringLike", "aws:ResourceAccount", b.Some(accounts, 1, 2)})}}));
       }},
      {3, true,
       [&] {
         out.push_back(b.Make({"AllowInResourceOrg", false, who, access.actions, access.resources,
                              {b.Cond({b.r.Percent(70) ? "StringEquals" : "StringLike", "aws:ResourceOrgID", b.Some(orgs, 1, 1)})}}));
       }},
      {2, true,
       [&] {
         out.push_back(b.Make({"AllowAnyone", false, who, access.actions, access.resources}));
         out.push_back(b.Make({"DenyOutsideResourceOrg", true, b.Star(), access.actions, access.resources,
                              {b.Cond({"StringNotEquals", b.r.Percent(50) ? "aws:ResourceOrgID" : "aws:ResourceAccount",
                                      {b.r.Percent(50) ? b.OrgId() : b.Account()}})}}));
       }},
      {1, true,
       [&] {
         b.Label("trap:if-exists");
         out.push_back(b.Make({"AllowIfResourceOrg", false, who, access.actions, access.resources,
                              {b.Cond({"StringEqualsIfExists", "aws:ResourceOrgID", {b.OrgId()}})}}));
       }},
  });
  return out;
}

std::vector<Statement> ArnNonArnShape(Builder& b, const Access& access) {
  b.Label("family:arn-non-arn-values");
  const std::vector<std::string> keys = {"aws:SourceArn", "aws:PrincipalArn", "aws:SourceAccount", "aws:SourceVpce",
                                         "aws:PrincipalAccount"};
  const std::vector<std::string> values = {"*", b.Account(), "deploy-role", "not-an-arn", "arn:aws:s3",
                                           "arn:aws:iam::" + b.Account(), "arn:*", "arn:aws:iam::" + b.Account() + ":role"};
  std::string key = b.r.Pick(keys);
  std::vector<Statement> out;
  if (b.r.Percent(60)) {
    std::string op(b.r.Pick({"ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEquals", "ArnLikeIfExists"}));
    out.push_back(b.Make({"AllowArnOperatorNonArn", false, b.r.Percent(70) ? b.Star() : b.Service({"s3.amazonaws.com"}),
                         access.actions, access.resources, {b.Cond({op, key, b.Some(values, 1, 2)})}}));
  } else {
    out.push_back(b.Make({"AllowAnyone", false, b.Star(), access.actions, access.resources,
                         {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
    std::string op(b.r.Pick({"ArnNotLike", "ArnNotEquals", "ArnLike", "ArnNotLikeIfExists"}));
    out.push_back(b.Make({"DenyArnOperatorNonArn", true, b.Star(), access.actions, access.resources,
                         {b.Cond({op, key, b.Some(values, 1, 2)})}}));
  }
  return out;
}

// Appends one family shape, drawn among the enabled families, with probability `percent`.
void MaybeFamily(Builder& b, std::vector<Statement>& stmts, const Access& access, bool trust, int percent) {
  std::vector<CorpusShapeFamily> enabled;
  for (CorpusShapeFamily f : {CorpusShapeFamily::kOrgPaths, CorpusShapeFamily::kArnWildcards,
                              CorpusShapeFamily::kResourceAccount, CorpusShapeFamily::kArnNonArnValues}) {
    if (b.On(f)) enabled.push_back(f);
  }
  if (enabled.empty() || !b.r.Percent(percent)) return;
  std::vector<Statement> more;
  switch (b.r.Pick(enabled)) {
    case CorpusShapeFamily::kOrgPaths:
      more = OrgPathsShape(b, access);
      break;
    case CorpusShapeFamily::kArnWildcards:
      more = ArnWildcardShape(b, access, trust);
      break;
    case CorpusShapeFamily::kResourceAccount:
      more = ResourceAccountShape(b, access);
      break;
    case CorpusShapeFamily::kArnNonArnValues:
      more = ArnNonArnShape(b, access);
      break;
    case CorpusShapeFamily::kFederated:
    case CorpusShapeFamily::kPolicyVariables:
      break;  // not drawn here: trust policies only, and S3 / public conditions
  }
  for (Statement& s : more) stmts.push_back(std::move(s));
}

// ---- Guard rails shared by several types -----------------------------------------------------------------

Statement DenyInsecureTransport(Builder& b, const Access& access) {
  b.Label("deny-insecure-transport");
  return b.Make({"DenyInsecureTransport", true, b.Star(), access.actions, access.resources,
                {Condition{"Bool", "aws:SecureTransport", {{"false"}, false}, b.r.Percent(20)}}});
}

Statement DenyOutsideOrganization(Builder& b, const Access& access) {
  b.Label("deny-outside-org");
  std::vector<Condition> conditions = {b.Cond({"StringNotEquals", "aws:PrincipalOrgID", {b.OrgId()}})};
  if (b.r.Percent(35)) {
    // Service principals carry no organization; the documented exception.
    conditions.push_back(b.Cond({"BoolIfExists", "aws:PrincipalIsAWSService", {"false"}}));
  }
  return b.Make({"DenyOutsideOrganization", true, b.Star(), access.actions, access.resources, std::move(conditions)});
}

Statement DenyUnlessVpc(Builder& b, const Access& access) {
  b.Label("deny-unless-vpc");
  bool endpoint = b.r.Percent(70);
  return b.Make({"DenyOutsideVpc", true, b.Star(), access.actions, access.resources,
                {b.Cond({endpoint ? "StringNotEquals" : "StringNotEqualsIfExists", endpoint ? "aws:SourceVpce" : "aws:SourceVpc",
                        {endpoint ? b.Vpce() : b.Vpc()}})}});
}

Statement DenyNotPrincipal(Builder& b, const Access& access) {
  b.Label("deny-not-principal");
  std::vector<std::string> keep = {b.RoleArn(b.Account()), "arn:aws:iam::" + b.Account() + ":root"};
  if (b.r.Percent(40)) keep.push_back("arn:aws:sts::" + b.Account() + ":assumed-role/" + b.r.Pick(kTeams) + "/ci");
  Statement s = b.Make({"DenyAllButListed", true, b.Aws(keep), access.actions, access.resources});
  s.not_principal = true;
  return s;
}

Statement DenyUnlessPrincipalArn(Builder& b, const Access& access) {
  b.Label("deny-unless-principal-arn");
  std::vector<std::string> arns = {"arn:aws:iam::" + b.Account() + ":role/" + b.r.Pick(kTeams) + "-*"};
  if (b.r.Percent(50)) arns.push_back("arn:aws:iam::" + b.Account() + ":role/aws-reserved/sso.amazonaws.com/*");
  std::vector<Condition> conditions;
  if (b.r.Percent(40)) {
    conditions = {b.Cond({"StringNotLike", "aws:PrincipalArn", arns}), b.Cond({"BoolIfExists", "aws:PrincipalIsAWSService", {"false"}})};
  } else {
    conditions = {b.Cond({"ArnNotLike", "aws:PrincipalArn", arns})};
  }
  return b.Make({"DenyUnlessApprovedRoles", true, b.Star(), access.actions, access.resources, std::move(conditions)});
}

Statement DenyNotIp(Builder& b, const Access& access) {
  b.Label("deny-not-ip-address");
  return b.Make({"DenyOutsideOffice", true, b.Star(), access.actions, access.resources,
                {b.Cond({b.r.Percent(80) ? "NotIpAddress" : "NotIpAddressIfExists", "aws:SourceIp", b.Some(kCidrs, 1, 3)})}});
}

// The common tail of resource policies: a few guard rails, then maybe one family shape.
void GuardRails(Builder& b, std::vector<Statement>& stmts, const Access& guard, const Access& grant) {
  if (b.r.Percent(25)) stmts.push_back(DenyInsecureTransport(b, guard));
  if (b.r.Percent(6)) stmts.push_back(DenyOutsideOrganization(b, guard));
  if (b.r.Percent(4)) stmts.push_back(DenyUnlessVpc(b, guard));
  if (b.r.Percent(3)) stmts.push_back(DenyNotPrincipal(b, guard));
  if (b.r.Percent(3)) stmts.push_back(DenyUnlessPrincipalArn(b, guard));
  if (b.r.Percent(2)) stmts.push_back(DenyNotIp(b, guard));
  MaybeFamily(b, stmts, grant, false, 14);
}

Policy Finish(Builder& b, std::vector<Statement> stmts, int version_2008_percent, std::optional<std::string> id) {
  Policy p;
  if (b.r.Percent(version_2008_percent)) p.version = "2008-10-17";
  if (id.has_value() && b.r.Percent(50)) p.id = std::move(id);
  p.single_statement_object = stmts.size() == 1 && b.r.Percent(8);
  p.statements = std::move(stmts);
  return p;
}

// ---- S3 buckets ------------------------------------------------------------------------------------------

const std::vector<std::string> kS3Read = {"s3:GetObject", "s3:GetObjectVersion"};
const std::vector<std::string> kS3Write = {"s3:PutObject", "s3:PutObjectAcl", "s3:DeleteObject"};
const std::vector<std::string> kS3List = {"s3:ListBucket", "s3:GetBucketLocation"};

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Policy BucketPolicy(Builder& b, const std::string& arn) {
  const std::string objects = arn + "/*";
  std::vector<Statement> s;
  auto both = [&] { return b.Many({arn, objects}); };
  b.Choose({
      {12, true,
       [&] {
         b.Label("s3:same-account-roles");
         s.push_back(b.Make({"AllowAppRoles", false, b.Aws(b.PrincipalsOf(b.Account(), b.r.Between(1, 3))),
                            b.Many(b.r.Percent(50) ? Concat(kS3Read, kS3Write) : kS3Read), b.One(objects)}));
         if (b.r.Percent(60)) {
           s.push_back(b.Make({"AllowList", false, b.Aws(b.PrincipalsOf(b.Account(), 1)), b.One("s3:ListBucket"), b.One(arn)}));
         }
       }},
      {13, true,
       [&] {
         b.Label("s3:cross-account");
         std::string account = b.CrossAccount();
         s.push_back(b.Make({"CrossAccountRead", false, b.Aws(b.PrincipalsOf(account, b.r.Between(1, 2))),
                            b.Many(Concat(kS3Read, {"s3:ListBucket"})), both()}));
         if (b.r.Percent(30)) {
           s.push_back(b.Make({"CrossAccountWrite", false, b.Aws({b.AccountPrincipal(account)}), b.One("s3:PutObject"),
                              b.One(objects), {b.Cond({"StringEquals", "s3:x-amz-acl", {"bucket-owner-full-control"}})}}));
         }
       }},
      {7, true,
       [&] {
         b.Label("s3:public-website");
         s.push_back(b.Make({"PublicReadGetObject", false, b.Star(), b.One("s3:GetObject"), b.One(objects)}));
       }},
      {14, true,
       [&] {
         b.Label("s3:public-conditioned");
         s.push_back(b.Make({"AllowConditioned", false, b.Star(), b.Many(b.Some(Concat(Concat(kS3Read, kS3List), kS3Write), 1, 4)),
                            b.r.Percent(50) ? both() : b.One(objects), PublicConditions(b)}));
       }},
      {6, true,
       [&] {
         std::string id = "E" + b.r.Chars(13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
         if (b.r.Percent(60)) {
           b.Label("s3:cloudfront-oac");
           s.push_back(b.Make({"AllowCloudFrontServicePrincipal", false, b.Service({"cloudfront.amazonaws.com"}),
                              b.One("s3:GetObject"), b.One(objects),
                              {b.Cond({"StringEquals", "AWS:SourceArn", {"arn:aws:cloudfront::" + b.Account() + ":distribution/" + id}})}}));
         } else {
           b.Label("s3:cloudfront-oai");
           Principal who = b.r.Percent(60) ? b.Aws({"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity " + id})
                                           : b.Canonical(b.CanonicalUser());
           s.push_back(b.Make({"PolicyForCloudFrontPrivateContent", false, who, b.One("s3:GetObject"), b.One(objects)}));
         }
       }},
      {6, true,
       [&] {
         b.Label("s3:cloudtrail");
         std::string trail = b.TrailArn();
         std::string prefix = "AWSLogs/" + (b.r.Percent(30) ? b.OrgId() : b.Account());
         std::vector<Condition> acl_check;
         if (b.r.Percent(70)) acl_check.push_back(b.Cond({"StringEquals", "aws:SourceArn", {trail}}));
         s.push_back(b.Make({"AWSCloudTrailAclCheck", false, b.Service({"cloudtrail.amazonaws.com"}), b.One("s3:GetBucketAcl"),
                            b.One(arn), acl_check}));
         s.push_back(b.Make({"AWSCloudTrailWrite", false, b.Service({"cloudtrail.amazonaws.com"}), b.One("s3:PutObject"),
                            b.One(arn + "/" + prefix + "/*"),
                            {b.Cond({"StringEquals", "s3:x-amz-acl", {"bucket-owner-full-control"}}),
                             b.Cond({"StringEquals", "aws:SourceArn", {trail}})}}));
       }},
      {5, true,
       [&] {
         if (b.r.Percent(50)) {
           b.Label("s3:elb-logs");
           s.push_back(b.Make({"AWSLoadBalancerLogs", false, b.Aws({"arn:aws:iam::127311923021:root"}), b.One("s3:PutObject"),
                              b.One(arn + "/alb/AWSLogs/" + b.Account() + "/*")}));
         } else {
           b.Label("s3:server-access-logs");
           s.push_back(b.Make({"S3ServerAccessLogsPolicy", false, b.Service({"logging.s3.amazonaws.com"}), b.One("s3:PutObject"),
                              b.One(arn + "/logs/*"),
                              {b.Cond({"ArnLike", "aws:SourceArn", {b.OtherBucketArn()}}),
                               b.Cond({"StringEquals", "aws:SourceAccount", {b.Account()}})}}));
         }
       }},
      {6, true,
       [&] {
         b.Label("s3:org-wide");
         s.push_back(b.Make({"AllowOrganization", false, b.Star(), b.Many(Concat(kS3Read, {"s3:ListBucket"})), both(),
                            {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
       }},
      {4, true,
       [&] {
         b.Label("s3:policy-variables");
         std::string role = b.RoleArn(b.Account());
         s.push_back(b.Make({"AllowListingOfUserFolder", false, b.Aws({role}), b.One("s3:ListBucket"), b.One(arn),
                            {b.Cond({"StringLike", "s3:prefix", {"", "home/", "home/${aws:username}/*"}})}}));
         s.push_back(b.Make({"AllowAllS3ActionsInUserFolder", false, b.Aws({role}), b.One("s3:*"),
                            b.One(arn + "/home/${aws:username}/*")}));
         if (b.r.Percent(50)) {
           // Granted to anyone, the principal's tag decides the prefix: a variable whose key a request may lack.
           bool anyone = b.On(CorpusShapeFamily::kPolicyVariables) && b.r.Percent(50);
           if (anyone) b.Label("family:policy-variables");
           s.push_back(b.Make({"AllowTeamPrefix", false, anyone ? b.Star() : b.Aws({role}), b.Many(kS3Read),
                              b.One(arn + "/teams/${aws:PrincipalTag/team}/*")}));
         }
       }},
      {5, true,
       [&] {
         b.Label("s3:access-point-delegation");
         s.push_back(b.Make({"DelegateToAccessPoints", false, b.Star(), b.One("*"), both(),
                            {b.Cond({"StringEquals", "s3:DataAccessPointAccount", {b.Account()}})}}));
       }},
      {3, true,
       [&] {
         b.Label("s3:multi-tenant");
         int64_t target = b.r.Between(6, 18);
         for (int i = 1; static_cast<int64_t>(s.size()) < target; ++i) {
           std::string account = b.r.Percent(80) ? b.ExternalAccount() : b.Member();
           std::string prefix = "tenants/" + account;
           std::string role = b.RoleArn(account, "tenant-data-access");
           s.push_back(b.Make({"Tenant" + std::to_string(i) + "Read", false, b.Aws({role}), b.Many(Concat(kS3Read, {"s3:PutObject"})),
                              b.One(arn + "/" + prefix + "/*")}));
           if (b.r.Percent(50)) {
             s.push_back(b.Make({"Tenant" + std::to_string(i) + "List", false, b.Aws({role}), b.One("s3:ListBucket"), b.One(arn),
                                {b.Cond({"StringLike", "s3:prefix", {prefix + "/*"}})}}));
           }
         }
       }},
      {2, true,
       [&] {
         b.Label("s3:large-ip-allowlist");
         std::vector<std::string> cidrs;
         int64_t n = b.r.Between(40, 300);
         for (int64_t i = 0; i < n; ++i) {
           cidrs.push_back(Cat({std::to_string(b.r.Between(1, 223)), ".", std::to_string(b.r.Between(0, 255)), ".",
                                std::to_string(b.r.Between(0, 255)), ".0/24"}));
         }
         s.push_back(b.Make({"AllowFromOfficeRanges", false, b.Star(), b.Many(kS3Read), b.One(objects),
                            {b.Cond({"IpAddress", "aws:SourceIp", cidrs})}}));
       }},
      {3, true,
       [&] {
         b.Label("s3:canonical-user");
         s.push_back(b.Make({"AllowCanonicalUser", false, b.Canonical(b.CanonicalUser()), b.Many(Concat(kS3Read, {"s3:ListBucket"})),
                            both()}));
       }},
      {2, true,
       [&] {
         b.Label("trap:allow-not-principal");
         Statement st = b.Make({"AllowAllButGuest", false, b.Aws({"arn:aws:iam::" + b.Account() + ":user/guest"}),
                               b.One("s3:GetObject"), b.One(objects)});
         st.not_principal = true;
         s.push_back(std::move(st));
       }},
      {2, true,
       [&] {
         b.Label("s3:not-action");
         Statement st = b.Make({"AllowAllButDelete", false, b.Aws({b.AccountPrincipal(b.CrossAccount())}),
                               b.Many({"s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy"}), both()});
         st.not_action = true;
         s.push_back(std::move(st));
       }},
      {2, true,
       [&] {
         b.Label("s3:not-resource");
         Statement st = b.Make({"AllowOutsidePrivate", false, b.Aws({b.AccountPrincipal(b.CrossAccount())}), b.One("s3:GetObject"),
                               b.One(arn + "/private/*")});
         st.not_resource = true;
         s.push_back(std::move(st));
       }},
      {2, true,
       [&] {
         b.Label("trap:wildcard-account-principal");
         s.push_back(b.Make({"AllowAnyAccountRole", false,
                            b.Aws({b.r.Percent(50) ? "arn:aws:iam::*:root" : "arn:aws:iam::*:role/" + std::string(b.r.Pick({"Auditor", "ReadOnly"}))}),
                            b.Many(kS3Read), b.One(objects)}));
       }},
      {3, true,
       [&] {
         b.Label("s3:mfa");
         s.push_back(b.Make({"AllowWithMfa", false, b.Aws({b.AccountPrincipal(b.r.Percent(50) ? b.Account() : b.CrossAccount())}),
                            b.Many(Concat(kS3Read, kS3Write)), b.One(objects),
                            {Condition{"Bool", "aws:MultiFactorAuthPresent", {{"true"}, false}, false},
                             b.Cond({"NumericLessThanEquals", "aws:MultiFactorAuthAge", {"3600"}})}}));
       }},
      {2, true,
       [&] {
         b.Label("trap:for-all-values-missing-key");
         s.push_back(b.Make({"AllowTaggedUploads", false, b.Star(), b.One("s3:PutObject"), b.One(objects),
                            {b.Cond({"ForAllValues:StringEquals", "aws:TagKeys", {"project", "owner"}})}}));
       }},
  });
  Access guard{b.One("s3:*"), both()};
  Access grant{b.Many(kS3Read), b.One(objects)};
  if (b.r.Percent(6)) {
    b.Label("deny-old-tls");
    s.push_back(b.Make({"EnforceTLSv12orHigher", true, b.Star(), b.One("s3:*"), both(),
                       {Condition{"NumericLessThan", "s3:TlsVersion", {{"1.2"}, false}, b.r.Percent(50)}}}));
  }
  if (b.r.Percent(8)) {
    b.Label("deny-unencrypted");
    s.push_back(b.Make({"DenyIncorrectEncryptionHeader", true, b.Star(), b.One("s3:PutObject"), b.One(objects),
                       {b.Cond({"StringNotEquals", "s3:x-amz-server-side-encryption", {"aws:kms"}})}}));
    if (b.r.Percent(60)) {
      s.push_back(b.Make({"DenyUnEncryptedObjectUploads", true, b.Star(), b.One("s3:PutObject"), b.One(objects),
                         {b.Cond({"Null", "s3:x-amz-server-side-encryption", {"true"}})}}));
    }
  }
  if (b.r.Percent(3)) {
    b.Label("deny-not-resource");
    Statement st = b.Make({"DenyOutsidePublicPrefix", true, b.Star(), b.One("s3:GetObject"), b.One(arn + "/public/*")});
    st.not_resource = true;
    s.push_back(std::move(st));
  }
  GuardRails(b, s, guard, grant);
  return Finish(b, std::move(s), 3, "Policy" + std::to_string(b.r.Between(1000000000000, 1999999999999)));
}

// ---- IAM role trust policies -----------------------------------------------------------------------------

Policy TrustPolicy(Builder& b) {
  std::vector<Statement> s;
  const Values assume = b.One("sts:AssumeRole");
  const Access access{assume, std::nullopt};
  auto saml = [&](const std::string& account, bool with_aud) {
    std::string provider = "arn:aws:iam::" + account + ":saml-provider/" +
                           std::string(b.r.Pick({"Okta", "AzureAD", "ADFS"}));
    std::vector<Condition> c;
    if (with_aud) c.push_back(b.Cond({"StringEquals", "SAML:aud", {"https://signin.aws.amazon.com/saml"}}));
    s.push_back(b.Make({"TrustSaml", false, b.Federated(provider),
                       b.r.Percent(50) ? b.Many({"sts:AssumeRoleWithSAML", "sts:TagSession"}) : b.One("sts:AssumeRoleWithSAML"),
                       std::nullopt, c}));
  };
  auto cognito = [&](bool with_aud, std::string amr) {
    std::vector<Condition> c;
    if (with_aud) c.push_back(b.Cond({"StringEquals", "cognito-identity.amazonaws.com:aud", {b.Region() + ":" + b.Uuid()}}));
    c.push_back(b.Cond({"ForAnyValue:StringLike", "cognito-identity.amazonaws.com:amr", {std::move(amr)}}));
    s.push_back(b.Make({"TrustCognito", false, b.Federated("cognito-identity.amazonaws.com"), b.One("sts:AssumeRoleWithWebIdentity"),
                       std::nullopt, c}));
  };
  b.Choose({
      {30, true,
       [&] {
         b.Label("role:service");
         std::vector<std::string> services = b.Some(kTrustServices, 1, 2);
         std::vector<Condition> c;
         if (b.r.Percent(25)) {
           b.Label("cond:source-account");
           c.push_back(b.Cond({"StringEquals", "aws:SourceAccount", {b.Account()}}));
           if (b.r.Percent(50)) {
             std::string ns = services.front().substr(0, services.front().find('.'));
             if (ns == "ecs-tasks") ns = "ecs";
             c.push_back(b.Cond({"ArnLike", "aws:SourceArn", {"arn:aws:" + ns + ":" + b.Region() + ":" + b.Account() + ":*"}}));
           }
         }
         s.push_back(b.Make({"TrustService", false, b.Service(services),
                            b.r.Percent(90) ? assume : b.Many({"sts:AssumeRole", "sts:TagSession"}), std::nullopt, c}));
       }},
      {10, true,
       [&] {
         b.Label("role:same-account");
         std::vector<Condition> c;
         if (b.r.Percent(40)) c.push_back(Condition{"Bool", "aws:MultiFactorAuthPresent", {{"true"}, false}, false});
         s.push_back(b.Make({"TrustSameAccount", false,
                            b.Aws(b.r.Percent(60) ? std::vector<std::string>{b.AccountPrincipal(b.Account())}
                                                  : b.PrincipalsOf(b.Account(), b.r.Between(1, 3))),
                            assume, std::nullopt, c}));
       }},
      {14, true,
       [&] {
         b.Label("role:cross-account");
         std::string account = b.CrossAccount();
         std::vector<Condition> c;
         if (b.r.Percent(60)) {
           b.Label("cond:external-id");
           c.push_back(b.Cond({"StringEquals", "sts:ExternalId", {b.r.Chars(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}}));
         }
         s.push_back(b.Make({"TrustCrossAccount", false, b.Aws(b.PrincipalsOf(account, b.r.Between(1, 3))), assume, std::nullopt, c}));
       }},
      {8, true,
       [&] {
         bool aud = b.r.Percent(85);
         b.Label(aud ? "role:saml" : "trap:saml-without-aud");
         saml(b.Account(), aud);
       }},
      {10, true,
       [&] {
         b.Label("role:github-oidc");
         const std::string host = "token.actions.githubusercontent.com";
         std::string org(b.r.Pick({"octo-org", "example-corp", "acme-inc"}));
         std::string repo = org + "/" + b.r.Pick(kWords);
         std::vector<Condition> c = {b.Cond({"StringEquals", host + ":aud", {"sts.amazonaws.com"}})};
         uint64_t x = b.r.Below(100);
         if (x < 45) {
           c.push_back(b.Cond({"StringEquals", host + ":sub", {"repo:" + repo + ":ref:refs/heads/main"}}));
         } else if (x < 75) {
           c.push_back(b.Cond({"StringLike", host + ":sub", {"repo:" + repo + ":*"}}));
         } else if (x < 85) {
           c.push_back(b.Cond({"StringLike", host + ":sub", {"repo:" + org + "/*"}}));
         } else if (x < 93) {
           b.Label("trap:github-any-repository");
           c.push_back(b.Cond({"StringLike", host + ":sub", {"repo:*"}}));
         } else {
           b.Label("trap:github-without-sub");
         }
         s.push_back(b.Make({"TrustGitHubActions", false, b.Federated("arn:aws:iam::" + b.Account() + ":oidc-provider/" + host),
                            b.One("sts:AssumeRoleWithWebIdentity"), std::nullopt, c}));
       }},
      {4, true,
       [&] {
         b.Label("role:cognito");
         cognito(true, b.r.Percent(70) ? "authenticated" : "unauthenticated");
       }},
      {5, true,
       [&] {
         b.Label("role:eks-irsa");
         std::string issuer = "oidc.eks." + b.Region() + ".amazonaws.com/id/" + b.r.Chars(32, "0123456789ABCDEF");
         std::vector<Condition> c;
         if (b.r.Percent(80)) {
           c = {b.Cond({"StringEquals", issuer + ":aud", {"sts.amazonaws.com"}}),
                b.Cond({"StringEquals", issuer + ":sub",
                       {Cat({"system:serviceaccount:", std::string(b.r.Pick({"default", "kube-system", "apps"})), ":",
                             std::string(b.r.Pick({"external-dns", "cluster-autoscaler", "app-sa"}))})}})};
         } else {
           b.Label("cond:irsa-wildcard-sub");
           c = {b.Cond({"StringLike", issuer + ":sub", {"system:serviceaccount:*:*"}})};
         }
         s.push_back(b.Make({"TrustEksServiceAccount", false, b.Federated("arn:aws:iam::" + b.Account() + ":oidc-provider/" + issuer),
                            b.One("sts:AssumeRoleWithWebIdentity"), std::nullopt, c}));
       }},
      {6, true,
       [&] {
         b.Label("role:org-wide");
         std::vector<Condition> c = {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})};
         if (b.r.Percent(50)) {
           c.push_back(b.Cond({"ArnLike", "aws:PrincipalArn",
                              {"arn:aws:iam::*:role/" + std::string(b.r.Pick({"OrganizationAccountAccessRole", "SecurityAudit*", "cicd-*"}))}}));
         }
         s.push_back(b.Make({"TrustOrganization", false, b.Aws({"*"}), assume, std::nullopt, c}));
       }},
      {3, true,
       [&] {
         b.Label("role:principal-arn");
         std::string account = b.r.Percent(50) ? "*" : b.ExternalAccount();
         s.push_back(b.Make({"TrustByPrincipalArn", false, b.Aws({"*"}), assume, std::nullopt,
                            {b.Cond({"ArnLike", "aws:PrincipalArn",
                                    {"arn:aws:iam::" + account + ":role/" + std::string(b.r.Pick({"deploy-*", "*-admin", "jenkins"}))}})}}));
       }},
      {2, true, [&] { b.Label("role:public"); s.push_back(b.Make({"TrustAnyone", false, b.Star(), assume, std::nullopt})); }},
      {2, true,
       [&] {
         b.Label("trap:deleted-principal-id");
         s.push_back(b.Make({"TrustDeletedRole", false, b.Aws({"AROA" + b.r.Chars(17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}), assume,
                            std::nullopt}));
       }},
      {2, true,
       [&] {
         b.Label("trap:wildcard-account-principal");
         s.push_back(b.Make({"TrustAnyAccountRoot", false, b.Aws({"arn:aws:iam::*:root"}), assume, std::nullopt}));
       }},
      // Federated principals beyond the baseline.
      {3, b.On(CorpusShapeFamily::kFederated),
       [&] {
         b.Label("family:federated");
         b.Label("role:web-identity");
         std::string provider(b.r.Pick({"accounts.google.com", "graph.facebook.com", "www.amazon.com"}));
         std::vector<Condition> c;
         std::string aud_key = provider == "accounts.google.com" ? "accounts.google.com:aud"
                               : provider == "graph.facebook.com" ? "graph.facebook.com:app_id"
                                                                   : "www.amazon.com:app_id";
         if (b.r.Percent(70)) {
           c.push_back(b.Cond({"StringEquals", aud_key, {b.r.Chars(12, "0123456789") + ".apps.example.com"}}));
         } else {
           b.Label("trap:web-identity-without-aud");
         }
         s.push_back(b.Make({"TrustWebIdentity", false, b.Federated(provider), b.One("sts:AssumeRoleWithWebIdentity"), std::nullopt, c}));
       }},
      {2, b.On(CorpusShapeFamily::kFederated),
       [&] {
         b.Label("family:federated");
         b.Label("role:saml-foreign-provider");
         std::string account = b.r.Percent(50) ? b.ExternalAccount() : b.Member();
         saml(account, b.r.Percent(70));
       }},
      {2, b.On(CorpusShapeFamily::kFederated),
       [&] {
         b.Label("family:federated");
         b.Label("role:oidc-foreign-provider");
         std::string account = b.r.Percent(50) ? b.ExternalAccount() : b.Member();
         const std::string host = "token.actions.githubusercontent.com";
         std::vector<Condition> c = {b.Cond({"StringEquals", host + ":aud", {"sts.amazonaws.com"}})};
         if (b.r.Percent(60)) c.push_back(b.Cond({"StringLike", host + ":sub", {"repo:octo-org/*"}}));
         s.push_back(b.Make({"TrustForeignOidc", false, b.Federated("arn:aws:iam::" + account + ":oidc-provider/" + host),
                            b.One("sts:AssumeRoleWithWebIdentity"), std::nullopt, c}));
       }},
      {2, b.On(CorpusShapeFamily::kFederated),
       [&] {
         b.Label("family:federated");
         b.Label("trap:cognito-without-aud");
         cognito(false, b.r.Percent(50) ? "unauthenticated" : "authenticated");
       }},
  });
  if (b.r.Percent(10)) {
    b.Label("role:second-service");
    s.push_back(b.Make({"TrustServiceToo", false, b.Service({b.r.Pick(kTrustServices)}), assume, std::nullopt}));
  }
  if (b.r.Percent(4)) s.push_back(DenyOutsideOrganization(b, access));
  MaybeFamily(b, s, access, true, 10);
  return Finish(b, std::move(s), 1, std::nullopt);
}

// ---- KMS key policies ------------------------------------------------------------------------------------

const std::vector<std::string> kKmsUse = {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                          "kms:DescribeKey"};
const std::vector<std::string> kKmsAdmin = {"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*",
                                            "kms:Put*",    "kms:Update*",   "kms:Revoke*", "kms:Disable*",
                                            "kms:Get*",    "kms:Delete*",   "kms:TagResource", "kms:UntagResource",
                                            "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"};

Policy KeyPolicy(Builder& b) {
  std::vector<Statement> s;
  const std::string root = "arn:aws:iam::" + b.Account() + ":root";
  // The default key policy's first statement, in every key the console or the API creates.
  s.push_back(b.Make({"Enable IAM User Permissions", false, b.Aws({root}), b.One("kms:*"), b.One("*")}));
  b.Choose({
      {30, true,
       [&] {
         b.Label("kms:default-with-roles");
         if (b.r.Percent(80)) {
           s.push_back(b.Make({"Allow access for Key Administrators", false, b.Aws({b.RoleArn(b.Account(), "KeyAdmin")}),
                              b.Many(kKmsAdmin), b.One("*")}));
         }
         s.push_back(b.Make({"Allow use of the key", false, b.Aws(b.PrincipalsOf(b.Account(), b.r.Between(1, 3))), b.Many(kKmsUse),
                            b.One("*")}));
         s.push_back(b.Make({"Allow attachment of persistent resources", false, b.Aws(b.PrincipalsOf(b.Account(), 1)),
                            b.Many({"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}), b.One("*"),
                            {Condition{"Bool", "kms:GrantIsForAWSResource", {{"true"}, false}, b.r.Percent(30)}}}));
       }},
      {15, true,
       [&] {
         b.Label("kms:cross-account");
         std::string account = b.CrossAccount();
         s.push_back(b.Make({"Allow an external account to use this KMS key", false, b.Aws({b.AccountPrincipal(account)}),
                            b.Many(kKmsUse), b.One("*")}));
         if (b.r.Percent(50)) {
           s.push_back(b.Make({"Allow attachment of persistent resources in external account", false,
                              b.Aws({b.AccountPrincipal(account)}), b.One("kms:CreateGrant"), b.One("*"),
                              {Condition{"Bool", "kms:GrantIsForAWSResource", {{"true"}, false}, true}}}));
         }
       }},
      {12, true,
       [&] {
         b.Label("kms:via-service");
         std::string service(b.r.Pick({"s3", "ec2", "rds", "secretsmanager", "sqs", "dynamodb"}));
         s.front() = b.Make({"Allow access through the service for all principals in the account", false, b.Aws({"*"}),
                            b.Many({"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant",
                                    "kms:DescribeKey"}),
                            b.One("*"),
                            {b.Cond({"StringEquals", "kms:CallerAccount", {b.Account()}}),
                             b.Cond({"StringEquals", "kms:ViaService", {service + "." + b.Region() + ".amazonaws.com"}})}});
         s.push_back(b.Make({"Allow direct access to key metadata to the account", false, b.Aws({root}),
                            b.Many({"kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"}), b.One("*")}));
       }},
      {10, true,
       [&] {
         b.Label("kms:cloudtrail");
         std::string context = "arn:aws:cloudtrail:*:" + b.Account() + ":trail/*";
         s.push_back(b.Make({"Allow CloudTrail to encrypt logs", false, b.Service({"cloudtrail.amazonaws.com"}),
                            b.One("kms:GenerateDataKey*"), b.One("*"),
                            {b.Cond({"StringEquals", "aws:SourceArn", {b.TrailArn()}}),
                             b.Cond({"StringLike", "kms:EncryptionContext:aws:cloudtrail:arn", {context}})}}));
         s.push_back(b.Make({"Allow principals in the account to decrypt log files", false, b.Aws({"*"}),
                            b.Many({"kms:Decrypt", "kms:ReEncryptFrom"}), b.One("*"),
                            {b.Cond({"StringEquals", "kms:CallerAccount", {b.Account()}}),
                             b.Cond({"StringLike", "kms:EncryptionContext:aws:cloudtrail:arn", {context}})}}));
       }},
      {8, true,
       [&] {
         b.Label("kms:cloudwatch-logs");
         s.push_back(b.Make({"AllowCloudWatchLogs", false, b.Service({"logs." + b.Region() + ".amazonaws.com"}),
                            b.Many({"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}),
                            b.One("*"),
                            {b.Cond({"ArnLike", "kms:EncryptionContext:aws:logs:arn",
                                    {"arn:aws:logs:" + b.Region() + ":" + b.Account() + ":log-group:*"}})}}));
       }},
      {10, true,
       [&] {
         b.Label("kms:org-wide");
         s.push_back(b.Make({"AllowOrganizationUse", false, b.Aws({"*"}), b.Many({"kms:Decrypt", "kms:DescribeKey"}), b.One("*"),
                            {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
       }},
      {5, true,
       [&] {
         b.Label("kms:encryption-context");
         s.push_back(b.Make({"AllowDecryptWithContext", false, b.Aws({b.RoleArn(b.ExternalAccount())}), b.One("kms:Decrypt"), b.One("*"),
                            {b.Cond({"ForAllValues:StringEquals", "kms:EncryptionContextKeys", {"Department", "Project"}}),
                             b.Cond({"StringEquals", "kms:EncryptionContext:Department", {"IT"}})}}));
       }},
      {4, true,
       [&] {
         b.Label("kms:public-conditioned");
         s.push_back(b.Make({"AllowConditioned", false, b.Star(), b.Many({"kms:Decrypt", "kms:GenerateDataKey"}), b.One("*"),
                            PublicConditions(b)}));
       }},
      {2, true,
       [&] {
         b.Label("kms:public");
         s.push_back(b.Make({"AllowEveryone", false, b.Star(), b.One("kms:Decrypt"), b.One("*")}));
       }},
      {4, true,
       [&] {
         b.Label("kms:grant-operations");
         s.push_back(b.Make({"AllowGrantsForService", false,
                            b.Aws({b.AccountPrincipal(b.r.Percent(50) ? b.ExternalAccount() : b.Account())}), b.One("kms:CreateGrant"),
                            b.One("*"),
                            {b.Cond({"ForAllValues:StringEquals", "kms:GrantOperations", {"Decrypt", "Encrypt"}}),
                             Condition{"Bool", "kms:GrantIsForAWSResource", {{"true"}, false}, false}}}));
       }},
  });
  if (b.r.Percent(5)) s.push_back(DenyOutsideOrganization(b, Access{b.One("kms:*"), b.One("*")}));
  MaybeFamily(b, s, Access{b.Many({"kms:Decrypt", "kms:DescribeKey"}), b.One("*")}, false, 12);
  return Finish(b, std::move(s), 0, std::string(b.r.Pick({"key-consolepolicy-3", "key-default-1"})));
}

// ---- Lambda function policies (AddPermission's shapes) --------------------------------------------------

Policy FunctionPolicy(Builder& b, const std::string& arn) {
  std::vector<Statement> s;
  int64_t n = b.r.Percent(70) ? 1 : b.r.Between(2, 10);
  const Values invoke = b.One("lambda:InvokeFunction");
  for (int64_t i = 0; i < n; ++i) {
    std::string sid = Cat({std::string(b.r.Pick({"lambda-", "AllowInvoke-", ""})), b.Uuid()});
    b.Choose({
        {20, true,
         [&] {
           b.Label("lambda:api-gateway");
           s.push_back(b.Make({sid, false, b.Service({"apigateway.amazonaws.com"}), invoke, b.One(arn),
                              {b.Cond({"ArnLike", "AWS:SourceArn",
                                      {Cat({"arn:aws:execute-api:", b.Region(), ":", b.Account(), ":",
                                            b.r.Chars(10, "abcdefghijklmnopqrstuvwxyz0123456789"), "/*/",
                                            std::string(b.r.Pick({"GET/items", "POST/orders", "*"}))})}})}}));
         }},
        {16, true,
         [&] {
           b.Label("lambda:s3");
           std::vector<Condition> c = {b.Cond({"ArnLike", "AWS:SourceArn", {b.OtherBucketArn()}})};
           if (b.r.Percent(70)) c.push_back(b.Cond({"StringEquals", "AWS:SourceAccount", {b.Account()}}));
           s.push_back(b.Make({sid, false, b.Service({"s3.amazonaws.com"}), invoke, b.One(arn), c}));
         }},
        {10, true,
         [&] {
           b.Label("lambda:events");
           s.push_back(b.Make({sid, false, b.Service({"events.amazonaws.com"}), invoke, b.One(arn),
                              {b.Cond({"ArnLike", "AWS:SourceArn", {b.RuleArn()}})}}));
         }},
        {8, true,
         [&] {
           b.Label("lambda:sns");
           s.push_back(b.Make({sid, false, b.Service({"sns.amazonaws.com"}), invoke, b.One(arn),
                              {b.Cond({"ArnLike", "AWS:SourceArn", {b.TopicArn(b.r.Percent(80) ? b.Account() : b.ExternalAccount())}})}}));
         }},
        {6, true,
         [&] {
           b.Label("trap:service-without-source");
           s.push_back(b.Make({sid, false, b.Service({std::string(b.r.Pick({"s3.amazonaws.com", "sns.amazonaws.com",
                                                                             "elasticloadbalancing.amazonaws.com"}))}),
                              invoke, b.One(arn)}));
         }},
        {12, true,
         [&] {
           b.Label("lambda:cross-account");
           s.push_back(b.Make({sid, false, b.Aws({b.AccountPrincipal(b.CrossAccount())}), invoke, b.One(arn)}));
         }},
        {6, true,
         [&] {
           b.Label("lambda:function-url-public");
           s.push_back(b.Make({"FunctionURLAllowPublicAccess", false, b.Star(), b.One("lambda:InvokeFunctionUrl"), b.One(arn),
                              {b.Cond({"StringEquals", "lambda:FunctionUrlAuthType", {b.r.Percent(85) ? "NONE" : "AWS_IAM"}})}}));
         }},
        {4, true,
         [&] {
           b.Label("lambda:org");
           s.push_back(b.Make({sid, false, b.Star(), invoke, b.One(arn), {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
         }},
        {3, true,
         [&] {
           b.Label("lambda:alexa");
           s.push_back(b.Make({sid, false, b.Service({"alexa-appkit.amazon.com"}), invoke, b.One(arn),
                              {b.Cond({"StringEquals", "lambda:EventSourceToken", {"amzn1.ask.skill." + b.Uuid()}})}}));
         }},
        {3, true,
         [&] {
           b.Label("lambda:public");
           s.push_back(b.Make({sid, false, b.Star(), invoke, b.One(arn)}));
         }},
    });
  }
  MaybeFamily(b, s, Access{invoke, b.One(arn)}, false, 10);
  return Finish(b, std::move(s), 0, std::string("default"));
}

// ---- SQS, SNS, Secrets Manager -------------------------------------------------------------------------

Policy QueuePolicy(Builder& b, const std::string& arn) {
  std::vector<Statement> s;
  if (b.r.Percent(35)) {
    b.Label("sqs:owner-statement");
    s.push_back(b.Make({"__owner_statement", false, b.Aws({b.AccountPrincipal(b.Account())}), b.One("SQS:*"), b.One(arn)}));
  }
  b.Choose({
      {25, true,
       [&] {
         b.Label("sqs:sns-fan-out");
         std::string topic = b.TopicArn(b.r.Percent(80) ? b.Account() : b.ExternalAccount());
         s.push_back(b.Make({"topic-subscription-" + topic, false, b.r.Percent(50) ? b.Service({"sns.amazonaws.com"}) : b.Star(),
                            b.One("SQS:SendMessage"), b.One(arn),
                            {b.Cond({b.r.Percent(60) ? "ArnEquals" : "ArnLike", "aws:SourceArn", {topic}})}}));
       }},
      {15, true,
       [&] {
         b.Label("sqs:s3-notifications");
         std::vector<Condition> c = {b.Cond({"ArnLike", "aws:SourceArn", {b.OtherBucketArn()}})};
         if (b.r.Percent(70)) c.push_back(b.Cond({"StringEquals", "aws:SourceAccount", {b.Account()}}));
         s.push_back(b.Make({"example-statement-ID", false, b.Service({"s3.amazonaws.com"}), b.One("SQS:SendMessage"), b.One(arn), c}));
       }},
      {10, true,
       [&] {
         b.Label("sqs:eventbridge");
         s.push_back(b.Make({"AWSEvents_rule", false, b.Service({"events.amazonaws.com"}), b.One("sqs:SendMessage"), b.One(arn),
                            {b.Cond({"ArnEquals", "aws:SourceArn", {b.RuleArn()}})}}));
       }},
      {18, true,
       [&] {
         b.Label("sqs:cross-account");
         s.push_back(b.Make({"AllowCrossAccount", false, b.Aws(b.PrincipalsOf(b.CrossAccount(), b.r.Between(1, 3))),
                            b.Many(b.Some({"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                                           "sqs:ChangeMessageVisibility"},
                                          1, 3)),
                            b.One(arn)}));
       }},
      {14, true,
       [&] {
         b.Label("sqs:public-conditioned");
         s.push_back(b.Make({"AllowConditioned", false, b.Star(), b.One(b.r.Percent(50) ? "sqs:SendMessage" : "sqs:*"), b.One(arn),
                            PublicConditions(b)}));
       }},
      {5, true,
       [&] {
         b.Label("sqs:public");
         s.push_back(b.Make({"AllowAnyone", false, b.Star(), b.One("SQS:SendMessage"), b.One(arn)}));
       }},
      {5, true,
       [&] {
         b.Label("sqs:not-action");
         Statement st = b.Make({"AllowAllButAdmin", false, b.Aws({b.AccountPrincipal(b.CrossAccount())}),
                               b.Many({"sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:AddPermission"}), b.One(arn),
                               {b.Cond({"StringEquals", "aws:SourceVpce", {b.Vpce()}})}});
         st.not_action = true;
         s.push_back(std::move(st));
       }},
      {8, true, [&] { b.Label("sqs:owner-only"); }},
  });
  if (s.empty()) s.push_back(b.Make({"__owner_statement", false, b.Aws({b.AccountPrincipal(b.Account())}), b.One("SQS:*"), b.One(arn)}));
  Access guard{b.One("sqs:*"), b.One(arn)};
  GuardRails(b, s, guard, Access{b.One("sqs:SendMessage"), b.One(arn)});
  return Finish(b, std::move(s), 55, arn + "/SQSDefaultPolicy");
}

const std::vector<std::string> kSnsDefault = {"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                                              "SNS:RemovePermission",   "SNS:DeleteTopic",        "SNS:Subscribe",
                                              "SNS:ListSubscriptionsByTopic", "SNS:Publish"};

Policy TopicPolicy(Builder& b, const std::string& arn) {
  std::vector<Statement> s;
  auto default_statement = [&] {
    return b.Make({"__default_statement_ID", false, b.Aws({"*"}), b.Many(kSnsDefault), b.One(arn),
                  {b.Cond({"StringEquals", "AWS:SourceOwner", {b.Account()}})}});
  };
  if (b.r.Percent(65)) {
    b.Label("sns:default");
    s.push_back(default_statement());
  }
  b.Choose({
      {20, true,
       [&] {
         b.Label("sns:s3-events");
         std::vector<Condition> c = {b.Cond({"ArnLike", "aws:SourceArn", {b.OtherBucketArn()}})};
         if (b.r.Percent(70)) c.push_back(b.Cond({"StringEquals", "aws:SourceAccount", {b.Account()}}));
         s.push_back(b.Make({"AllowS3Publish", false, b.Service({"s3.amazonaws.com"}), b.One("SNS:Publish"), b.One(arn), c}));
       }},
      {15, true,
       [&] {
         b.Label("sns:service");
         std::vector<Condition> c;
         if (b.r.Percent(50)) c.push_back(b.Cond({"StringEquals", "aws:SourceAccount", {b.Account()}}));
         s.push_back(b.Make({"AllowServicePublish", false,
                            b.Service({std::string(b.r.Pick({"cloudwatch.amazonaws.com", "events.amazonaws.com", "budgets.amazonaws.com",
                                                             "codestar-notifications.amazonaws.com", "backup.amazonaws.com"}))}),
                            b.One("sns:Publish"), b.One(arn), c}));
       }},
      {20, true,
       [&] {
         b.Label("sns:cross-account-subscribe");
         std::vector<Condition> c;
         if (b.r.Percent(50)) c.push_back(b.Cond({"StringEquals", "SNS:Protocol", {std::string(b.r.Pick({"sqs", "lambda", "https"}))}}));
         s.push_back(b.Make({"AllowCrossAccountSubscribe", false, b.Aws({b.AccountPrincipal(b.CrossAccount())}),
                            b.r.Percent(30) ? b.Many({"SNS:Subscribe", "SNS:Receive"}) : b.One("SNS:Subscribe"), b.One(arn), c}));
       }},
      {8, true,
       [&] {
         b.Label("sns:public-email-subscribe");
         s.push_back(b.Make({"AllowEmailSubscribe", false, b.Star(), b.One("SNS:Subscribe"), b.One(arn),
                            {b.Cond({"StringLike", "SNS:Endpoint", {"*@example.com"}}), b.Cond({"StringEquals", "sns:Protocol", {"email"}})}}));
       }},
      {10, true,
       [&] {
         b.Label("sns:org-wide");
         s.push_back(b.Make({"AllowOrgPublish", false, b.Star(), b.One("SNS:Publish"), b.One(arn),
                            {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
       }},
      {8, true,
       [&] {
         b.Label("sns:public-conditioned");
         s.push_back(b.Make({"AllowConditioned", false, b.Star(), b.One("SNS:Publish"), b.One(arn), PublicConditions(b)}));
       }},
      {3, true, [&] { b.Label("sns:public"); s.push_back(b.Make({"AllowPublicPublish", false, b.Star(), b.One("SNS:Publish"), b.One(arn)})); }},
      {4, true,
       [&] {
         b.Label("sns:source-owner-other");
         s.push_back(b.Make({"AllowPartnerAccount", false, b.Aws({"*"}), b.One("SNS:Publish"), b.One(arn),
                            {b.Cond({"StringEquals", "AWS:SourceOwner", {b.ExternalAccount()}})}}));
       }},
      {12, true, [&] { b.Label("sns:default-only"); }},
  });
  if (s.empty()) s.push_back(default_statement());
  Access guard{b.One("SNS:Publish"), b.One(arn)};
  GuardRails(b, s, guard, Access{b.One("SNS:Publish"), b.One(arn)});
  return Finish(b, std::move(s), 60, std::string("__default_policy_ID"));
}

const std::vector<std::string> kSecretRead = {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"};

Policy SecretPolicy(Builder& b) {
  std::vector<Statement> s;
  bool guard_only = false;
  b.Choose({
      {30, true,
       [&] {
         b.Label("secret:same-account");
         s.push_back(b.Make({"AllowAppRead", false, b.Aws(b.PrincipalsOf(b.Account(), b.r.Between(1, 2))), b.Many(kSecretRead), b.One("*")}));
       }},
      {25, true,
       [&] {
         b.Label("secret:cross-account");
         std::vector<Condition> c;
         if (b.r.Percent(30)) c.push_back(b.Cond({"ForAnyValue:StringEquals", "secretsmanager:VersionStage", {"AWSCURRENT"}}));
         s.push_back(b.Make({"AllowCrossAccountRead", false, b.Aws(b.PrincipalsOf(b.CrossAccount(), 1)),
                            b.One("secretsmanager:GetSecretValue"), b.One("*"), c}));
       }},
      {12, true,
       [&] {
         b.Label("secret:org-wide");
         s.push_back(b.Make({"AllowOrgRead", false, b.Aws({"*"}), b.Many(kSecretRead), b.One("*"),
                            {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
       }},
      {12, true,
       [&] {
         b.Label("secret:public-conditioned");
         s.push_back(b.Make({"AllowConditioned", false, b.Star(), b.One("secretsmanager:GetSecretValue"), b.One("*"), PublicConditions(b)}));
       }},
      {5, true,
       [&] {
         b.Label("secret:rotation");
         s.push_back(b.Make({"AllowRotationLambda", false, b.Aws({b.RoleArn(b.Account(), "SecretsManagerRotation")}),
                            b.Many({"secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                                    "secretsmanager:UpdateSecretVersionStage", "secretsmanager:DescribeSecret"}),
                            b.One("*")}));
       }},
      {3, true,
       [&] {
         b.Label("secret:public");
         s.push_back(b.Make({"AllowAnyone", false, b.Star(), b.One("secretsmanager:GetSecretValue"), b.One("*")}));
       }},
      {13, true, [&] { b.Label("secret:deny-only"); guard_only = true; }},
  });
  if (guard_only || b.r.Percent(15)) {
    s.push_back(DenyUnlessPrincipalArn(b, Access{b.One("secretsmanager:GetSecretValue"), b.One("*")}));
  }
  if (b.r.Percent(5)) {
    b.Label("deny-replication");
    s.push_back(b.Make({"DenyReplication", true, b.Star(), b.One("secretsmanager:ReplicateSecretToRegions"), b.One("*"),
                       {b.Cond({"ForAnyValue:StringNotEquals", "secretsmanager:AddReplicaRegions", {"us-west-2", "eu-west-1"}})}}));
  }
  if (b.r.Percent(3)) {
    b.Label("deny-not-action");
    Statement st = b.Make({"DenyAllButRead", true, b.Star(), b.Many(kSecretRead), b.One("*")});
    st.not_action = true;
    s.push_back(std::move(st));
  }
  Access guard{b.One("secretsmanager:*"), b.One("*")};
  GuardRails(b, s, guard, Access{b.One("secretsmanager:GetSecretValue"), b.One("*")});
  return Finish(b, std::move(s), 0, std::nullopt);
}

// ---- The types of AWS's union beyond the seven ------------------------------------------------------------

// A policy of one grant of `actions` on `resources`, to an owner's role, another account, the organization
// or anyone (conditioned or not), with the usual guard rails: ECR, EFS, DynamoDB, Lambda layers and
// directory buckets.
Policy SimpleGrantPolicy(Builder& b, const std::string& prefix, const Values& actions, const Values& resources,
                         std::vector<Condition> service_conditions = {}) {
  std::vector<Statement> s;
  b.Choose({
      {25, true,
       [&] {
         b.Label(prefix + ":same-account");
         s.push_back(b.Make({"AllowOwnerRoles", false, b.Aws(b.PrincipalsOf(b.Account(), b.r.Between(1, 2))), actions, resources}));
       }},
      {30, true,
       [&] {
         b.Label(prefix + ":cross-account");
         s.push_back(b.Make({"AllowCrossAccount", false, b.Aws(b.PrincipalsOf(b.CrossAccount(), b.r.Between(1, 2))), actions, resources}));
       }},
      {15, true,
       [&] {
         b.Label(prefix + ":org-wide");
         s.push_back(b.Make({"AllowOrganization", false, b.Star(), actions, resources,
                            {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
       }},
      {15, true,
       [&] {
         b.Label(prefix + ":public-conditioned");
         std::vector<Condition> c = PublicConditions(b);
         for (const Condition& extra : service_conditions) c.push_back(extra);
         s.push_back(b.Make({"AllowConditioned", false, b.Star(), actions, resources, c}));
       }},
      {5, true, [&] { b.Label(prefix + ":public"); s.push_back(b.Make({"AllowAnyone", false, b.Star(), actions, resources})); }},
  });
  GuardRails(b, s, Access{actions, resources}, Access{actions, resources});
  return Finish(b, std::move(s), 0, std::nullopt);
}

// ---- Records ---------------------------------------------------------------------------------------------

// The inventory member name of each type (docs/inventory.md).
std::string_view MemberOf(CorpusResourceType type) {
  switch (type) {
    case CorpusResourceType::kS3Bucket:
      return "s3Bucket";
    case CorpusResourceType::kS3DirectoryBucket:
      return "s3ExpressDirectoryBucket";
    case CorpusResourceType::kIamRole:
      return "iamRole";
    case CorpusResourceType::kKmsKey:
      return "kmsKey";
    case CorpusResourceType::kLambdaFunction:
      return "lambdaFunction";
    case CorpusResourceType::kLambdaLayerVersion:
      return "lambdaLayerVersion";
    case CorpusResourceType::kSqsQueue:
      return "sqsQueue";
    case CorpusResourceType::kSnsTopic:
      return "snsTopic";
    case CorpusResourceType::kSecretsManagerSecret:
      return "secretsManagerSecret";
    case CorpusResourceType::kEcrRepository:
      return "ecrRepository";
    case CorpusResourceType::kEfsFileSystem:
      return "efsFileSystem";
    case CorpusResourceType::kDynamoDbTable:
      return "dynamodbTable";
    case CorpusResourceType::kDynamoDbStream:
      return "dynamodbStream";
    case CorpusResourceType::kEbsSnapshot:
      return "ebsSnapshot";
    case CorpusResourceType::kRdsDbSnapshot:
      return "rdsDbSnapshot";
    case CorpusResourceType::kRdsDbClusterSnapshot:
      return "rdsDbClusterSnapshot";
  }
  return "";
}

// A policy in the inventory: usually a JSON string as AWS returns it, sometimes the object itself.
void WriteInventoryPolicy(Builder& b, json::Writer& w, std::string_view key, const std::string& policy) {
  w.Key(key);
  if (b.r.Percent(10)) {
    w.Raw(policy);
  } else {
    w.String(policy);
  }
}

std::string KmsKeyArn(Builder& b) { return "arn:aws:kms:" + b.Region() + ":" + b.Account() + ":key/" + b.Uuid(); }

void WriteBucketExtras(Builder& b, json::Writer& w, const std::string& name) {
  if (b.r.Percent(30)) {
    b.Label("s3:acl");
    std::string owner = b.CanonicalUser();
    w.Key("ownerCanonicalId").String(owner);
    w.Key("bucketAclGrants").BeginArray();
    w.BeginObject().Key("permission").String("FULL_CONTROL").Key("grantee").BeginObject().Key("id").String(owner).EndObject().EndObject();
    int64_t n = b.r.Between(0, 2);
    for (int64_t i = 0; i < n; ++i) {
      std::string permission(b.r.Pick({"READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL"}));
      w.BeginObject().Key("permission").String(permission).Key("grantee").BeginObject();
      switch (b.r.Below(5)) {
        case 0:
          b.Label("s3:acl-all-users");
          w.Key("uri").String("http://acs.amazonaws.com/groups/global/AllUsers");
          break;
        case 1:
          b.Label("s3:acl-authenticated-users");
          w.Key("uri").String("http://acs.amazonaws.com/groups/global/AuthenticatedUsers");
          break;
        case 2:
          w.Key("uri").String("http://acs.amazonaws.com/groups/s3/LogDelivery");
          break;
        case 3:
          w.Key("id").String(b.CanonicalUser());
          break;
        default:
          w.Key("emailAddress").String("partner@example.com");
          break;
      }
      w.EndObject().EndObject();
    }
    w.EndArray();
  }
  if (b.r.Percent(30)) {
    b.Label("s3:bucket-public-access-block");
    w.Key("bucketPublicAccessBlock").BeginObject();
    w.Key("ignorePublicAcls").Bool(b.r.Percent(50)).Key("restrictPublicBuckets").Bool(b.r.Percent(50));
    if (b.r.Percent(50)) w.Key("blockPublicAcls").Bool(b.r.Percent(50)).Key("blockPublicPolicy").Bool(b.r.Percent(50));
    w.EndObject();
  }
  if (b.r.Percent(15)) {
    b.Label("s3:access-points");
    w.Key("accessPoints").BeginObject();
    int64_t n = b.r.Between(1, 2);
    for (int64_t i = 0; i < n; ++i) {
      std::string point = "arn:aws:s3:" + b.Region() + ":" + b.Account() + ":accesspoint/" + name.substr(0, 20) + "-ap" + std::to_string(i);
      w.Key(point).BeginObject();
      if (b.r.Percent(40)) {
        w.Key("publicAccessBlock").BeginObject().Key("ignorePublicAcls").Bool(false).Key("restrictPublicBuckets").Bool(b.r.Percent(30)).EndObject();
      }
      w.Key("networkOrigin").BeginObject();
      if (b.r.Percent(40)) {
        w.Key("vpcConfiguration").BeginObject().Key("vpcId").String(b.Vpc()).EndObject();
      } else {
        w.Key("internetConfiguration").BeginObject().EndObject();
      }
      w.EndObject();
      if (b.r.Percent(85)) {
        Access access{b.Many(kS3Read), b.One(point + "/object/*")};
        std::vector<Statement> s;
        b.Choose({
            {4, true, [&] { s.push_back(b.Make({"AllowPartner", false, b.Aws({b.AccountPrincipal(b.CrossAccount())}), access.actions, access.resources})); }},
            {3, true, [&] { s.push_back(b.Make({"AllowConditioned", false, b.Star(), access.actions, access.resources, PublicConditions(b)})); }},
            {2, true, [&] { s.push_back(b.Make({"AllowOwnerRole", false, b.Aws({b.RoleArn(b.Account())}), access.actions, access.resources})); }},
            {1, true, [&] { s.push_back(b.Make({"AllowAnyone", false, b.Star(), access.actions, access.resources})); }},
        });
        WriteInventoryPolicy(b, w, "accessPointPolicy", WritePolicy(Finish(b, std::move(s), 0, std::nullopt)));
      }
      w.EndObject();
    }
    w.EndObject();
  }
}

CorpusResourceType DrawType(Builder& b, const std::vector<CorpusResourceType>& types) {
  const std::vector<CorpusResourceType>& from = types.empty() ? AllCorpusResourceTypes() : types;
  int64_t total = 0;
  for (CorpusResourceType t : from) total += EntryOf(t).weight;
  int64_t x = static_cast<int64_t>(b.r.Below(static_cast<uint64_t>(total)));
  for (CorpusResourceType t : from) {
    if (x < EntryOf(t).weight) return t;
    x -= EntryOf(t).weight;
  }
  return from.back();
}

}  // namespace

CorpusRecord GenerateCorpusRecord(const CorpusOptions& options, uint64_t index) {
  Builder b(options, index);
  CorpusRecord record;
  record.type = DrawType(b, options.types);
  record.account = options.zone_account;
  record.region = options.region;
  const std::string name = b.Name();
  const std::string& a = options.zone_account;
  const std::string& region = options.region;
  json::Writer w;  // the configuration member's body
  w.BeginObject();
  switch (record.type) {
    case CorpusResourceType::kS3Bucket: {
      record.arn = "arn:aws:s3:::" + name;
      if (b.r.Percent(92)) {
        record.policy = WritePolicy(BucketPolicy(b, record.arn));
        WriteInventoryPolicy(b, w, "bucketPolicy", record.policy);
      }
      WriteBucketExtras(b, w, name);
      break;
    }
    case CorpusResourceType::kS3DirectoryBucket: {
      std::string zone(b.r.Pick({"use1-az4", "use1-az5", "use1-az6"}));
      record.arn = "arn:aws:s3express:" + region + ":" + a + ":bucket/" + name + "--" + zone + "--x-s3";
      const Values create = b.One("s3express:CreateSession");
      if (b.r.Percent(50)) {
        b.Label("s3express:access-point-delegation");
        Policy p;
        p.statements.push_back(b.Make({"DelegateToAccessPoints", false, b.Star(), create, b.One(record.arn),
                                      {b.Cond({"StringEquals", "s3express:DataAccessPointAccount", {a}})}}));
        record.policy = WritePolicy(p);
        w.Key("accessPoints").BeginObject();
        std::string point = "arn:aws:s3express:" + region + ":" + a + ":accesspoint/" + name.substr(0, 16) + "--" + zone + "--xa-s3";
        w.Key(point).BeginObject();
        w.Key("networkOrigin").BeginObject();
        if (b.r.Percent(50)) {
          w.Key("vpcConfiguration").BeginObject().Key("vpcId").String(b.Vpc()).EndObject();
        } else {
          w.Key("internetConfiguration").BeginObject().EndObject();
        }
        w.EndObject();
        Policy point_policy = SimpleGrantPolicy(b, "s3express-access-point", create, b.One(point));
        WriteInventoryPolicy(b, w, "accessPointPolicy", WritePolicy(point_policy));
        w.EndObject().EndObject();
        // The bucket policy comes after the access points in this record; the reader takes members in any order.
        WriteInventoryPolicy(b, w, "bucketPolicy", record.policy);
      } else {
        record.policy = WritePolicy(SimpleGrantPolicy(b, "s3express", create, b.One(record.arn)));
        WriteInventoryPolicy(b, w, "bucketPolicy", record.policy);
      }
      break;
    }
    case CorpusResourceType::kIamRole:
      record.arn = "arn:aws:iam::" + a + ":role/" + name;
      record.region.clear();
      record.policy = WritePolicy(TrustPolicy(b));
      WriteInventoryPolicy(b, w, "trustPolicy", record.policy);
      break;
    case CorpusResourceType::kKmsKey: {
      record.arn = KmsKeyArn(b);
      record.policy = WritePolicy(KeyPolicy(b));
      w.Key("keyPolicies").BeginObject();
      WriteInventoryPolicy(b, w, "default", record.policy);
      w.EndObject();
      if (b.r.Percent(30)) {
        b.Label("kms:grants");
        w.Key("grants").BeginArray();
        int64_t n = b.r.Between(1, 3);
        for (int64_t i = 0; i < n; ++i) {
          w.BeginObject();
          w.Key("operations").StringArray(b.Some({"Decrypt", "Encrypt", "GenerateDataKey", "ReEncryptFrom", "CreateGrant",
                                                  "RetireGrant", "DescribeKey"},
                                                 1, 3));
          std::string grantee;
          switch (b.r.Below(4)) {
            case 0:
              grantee = b.RoleArn(a);
              break;
            case 1:
              grantee = b.AccountPrincipal(b.CrossAccount());
              break;
            case 2:
              grantee = b.RoleArn(b.ExternalAccount());
              break;
            default:
              grantee = std::string(b.r.Pick({"dynamodb", "rds", "ec2"})) + "." + region + ".amazonaws.com";
              break;
          }
          w.Key("granteePrincipal").String(grantee);
          if (b.r.Percent(25)) w.Key("retiringPrincipal").String(b.AccountPrincipal(b.CrossAccount()));
          w.Key("issuingAccount").String(a);
          if (b.r.Percent(25)) {
            w.Key("constraints").BeginObject().Key("encryptionContextEquals").BeginObject().Key("Department").String("IT").EndObject().EndObject();
          }
          w.EndObject();
        }
        w.EndArray();
      }
      break;
    }
    case CorpusResourceType::kLambdaFunction:
      record.arn = "arn:aws:lambda:" + region + ":" + a + ":function:" + name;
      record.policy = WritePolicy(FunctionPolicy(b, record.arn));
      WriteInventoryPolicy(b, w, "functionPolicy", record.policy);
      break;
    case CorpusResourceType::kLambdaLayerVersion: {
      record.arn = "arn:aws:lambda:" + region + ":" + a + ":layer:" + name + ":" + std::to_string(b.r.Between(1, 40));
      Values actions = b.One("lambda:GetLayerVersion");
      record.policy = WritePolicy(SimpleGrantPolicy(b, "lambda-layer", actions, b.One(record.arn)));
      WriteInventoryPolicy(b, w, "layerVersionPolicy", record.policy);
      break;
    }
    case CorpusResourceType::kSqsQueue: {
      std::string queue = name + (b.r.Percent(10) ? ".fifo" : "");
      record.arn = "arn:aws:sqs:" + region + ":" + a + ":" + queue;
      record.policy = WritePolicy(QueuePolicy(b, record.arn));
      WriteInventoryPolicy(b, w, "queuePolicy", record.policy);
      break;
    }
    case CorpusResourceType::kSnsTopic:
      record.arn = "arn:aws:sns:" + region + ":" + a + ":" + name;
      record.policy = WritePolicy(TopicPolicy(b, record.arn));
      WriteInventoryPolicy(b, w, "topicPolicy", record.policy);
      break;
    case CorpusResourceType::kSecretsManagerSecret:
      record.arn = Cat({"arn:aws:secretsmanager:", region, ":", a, ":secret:", b.r.Pick(kEnvironments), "/", name, "-",
                        b.r.Chars(6, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")});
      record.policy = WritePolicy(SecretPolicy(b));
      WriteInventoryPolicy(b, w, "secretPolicy", record.policy);
      if (b.r.Percent(30)) w.Key("kmsKeyId").String(KmsKeyArn(b));
      break;
    case CorpusResourceType::kEcrRepository: {
      record.arn = "arn:aws:ecr:" + region + ":" + a + ":repository/" + name;
      Values pull = b.Many({"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"});
      // ECR repository policies usually omit Resource (the policy is attached to the repository).
      record.policy = WritePolicy(SimpleGrantPolicy(b, "ecr", pull, b.One(record.arn)));
      WriteInventoryPolicy(b, w, "repositoryPolicy", record.policy);
      break;
    }
    case CorpusResourceType::kEfsFileSystem: {
      record.arn = "arn:aws:elasticfilesystem:" + region + ":" + a + ":file-system/fs-" + b.r.Hex(8);
      Values mount = b.Many(b.Some({"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite",
                                    "elasticfilesystem:ClientRootAccess"},
                                   1, 3));
      record.policy = WritePolicy(SimpleGrantPolicy(b, "efs", mount, b.One(record.arn),
                                                    {Condition{"Bool", "elasticfilesystem:AccessedViaMountTarget", {{"true"}, false}, false}}));
      WriteInventoryPolicy(b, w, "fileSystemPolicy", record.policy);
      break;
    }
    case CorpusResourceType::kDynamoDbTable: {
      record.arn = "arn:aws:dynamodb:" + region + ":" + a + ":table/" + name;
      Values actions = b.Many(b.Some({"dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem",
                                      "dynamodb:DescribeTable"},
                                     1, 3));
      record.policy = WritePolicy(SimpleGrantPolicy(b, "dynamodb", actions, b.Many({record.arn, record.arn + "/index/*"})));
      WriteInventoryPolicy(b, w, "tablePolicy", record.policy);
      break;
    }
    case CorpusResourceType::kDynamoDbStream: {
      record.arn = Cat({"arn:aws:dynamodb:", region, ":", a, ":table/", name, "/stream/2024-0", std::to_string(b.r.Between(1, 9)),
                        "-1", std::to_string(b.r.Between(0, 9)), "T00:00:00.000"});
      Values actions = b.Many({"dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"});
      record.policy = WritePolicy(SimpleGrantPolicy(b, "dynamodb-stream", actions, b.One("*")));
      WriteInventoryPolicy(b, w, "streamPolicy", record.policy);
      break;
    }
    case CorpusResourceType::kEbsSnapshot: {
      record.arn = "arn:aws:ec2:" + region + "::snapshot/snap-" + b.r.Hex(17);
      bool encrypted = b.r.Percent(40);
      std::vector<std::string> users;
      int64_t n = b.r.Between(0, 2);
      for (int64_t i = 0; i < n; ++i) users.push_back(b.r.Percent(50) ? b.CrossAccount() : a);
      if (!users.empty()) w.Key("userIds").StringArray(users);
      // Encrypted snapshots cannot be public (EC2 User Guide, "Share an Amazon EBS snapshot").
      if (!encrypted && b.r.Percent(20)) {
        b.Label("ebs:public");
        w.Key("groups").StringArray({"all"});
      }
      if (encrypted) w.Key("kmsKeyId").String(KmsKeyArn(b));
      b.Label(users.empty() ? "ebs:private" : "ebs:shared");
      break;
    }
    case CorpusResourceType::kRdsDbSnapshot:
    case CorpusResourceType::kRdsDbClusterSnapshot: {
      bool cluster = record.type == CorpusResourceType::kRdsDbClusterSnapshot;
      record.arn = "arn:aws:rds:" + region + ":" + a + (cluster ? ":cluster-snapshot:" : ":snapshot:") + name;
      bool encrypted = b.r.Percent(40);
      std::vector<std::string> restore;
      int64_t n = b.r.Between(0, 2);
      for (int64_t i = 0; i < n; ++i) restore.push_back(b.CrossAccount());
      // Encrypted snapshots cannot be shared with "all" (RDS User Guide, "Sharing a DB snapshot").
      if (!encrypted && b.r.Percent(20)) {
        b.Label("rds:public");
        restore.push_back("all");
      }
      w.Key("attributes").BeginObject().Key("restore").BeginObject().Key("accountIds").StringArray(restore).EndObject().EndObject();
      if (encrypted) w.Key("kmsKeyId").String(KmsKeyArn(b));
      break;
    }
  }
  w.EndObject();
  json::Writer config;
  config.BeginObject().Key(MemberOf(record.type)).Raw(w.text()).EndObject();
  record.configuration = std::move(config).Take();
  record.labels = std::move(b.labels);
  return record;
}

std::string CorpusLine(const CorpusRecord& record, bool with_labels) {
  json::Writer w;
  w.BeginObject();
  w.Key("arn").String(record.arn);
  w.Key("resource_type").String(CorpusResourceTypeName(record.type));
  w.Key("account").String(record.account);
  w.Key("region").String(record.region.empty() ? "us-east-1" : record.region);
  if (!record.policy.empty()) w.Key("policy").Raw(record.policy);
  if (with_labels) w.Key("labels").StringArray(record.labels);
  w.EndObject();
  return std::move(w).Take();
}

std::string CorpusInventoryRecord(const CorpusRecord& record, bool with_labels) {
  json::Writer w;
  w.BeginObject();
  w.Key("kind").String("resource");
  w.Key("resourceArn").String(record.arn);
  w.Key("resourceType").String(CorpusResourceTypeName(record.type));
  w.Key("resourceOwnerAccount").String(record.account);
  if (!record.region.empty()) w.Key("region").String(record.region);
  w.Key("configuration").Raw(record.configuration);
  if (with_labels) w.Key("labels").StringArray(record.labels);
  w.EndObject();
  return std::move(w).Take();
}

std::vector<std::string> CorpusInventoryHeader(const CorpusOptions& options) {
  std::vector<std::string> out;
  std::vector<CorpusAccount> accounts = CorpusOrganizationAccounts(options);
  json::Writer org;
  org.BeginObject().Key("kind").String("organization").Key("organizationId").String(options.organization_id);
  org.Key("managementAccount").String(options.zone_account).Key("accounts").BeginArray();
  for (const CorpusAccount& account : accounts) {
    org.BeginObject().Key("accountId").String(account.account_id).Key("ouPath").String(account.ou_path).EndObject();
  }
  org.EndArray().EndObject();
  out.push_back(std::move(org).Take());
  // Account settings: the zone account without Block Public Access (so that public grants show), the
  // members with settings drawn from a stream of their own (record index -1).
  CorpusRandom r = CorpusRandom::ForRecord(options.seed, UINT64_MAX);
  for (const CorpusAccount& account : accounts) {
    json::Writer w;
    w.BeginObject().Key("kind").String("account").Key("accountId").String(account.account_id);
    if (account.account_id != options.zone_account) {
      w.Key("s3PublicAccessBlock").BeginObject();
      w.Key("blockPublicAcls").Bool(r.Percent(50)).Key("ignorePublicAcls").Bool(r.Percent(50));
      w.Key("blockPublicPolicy").Bool(r.Percent(50)).Key("restrictPublicBuckets").Bool(r.Percent(50));
      w.EndObject();
    }
    w.Key("enabledRegions").StringArray({options.region});
    w.Key("canonicalUserId").String(r.Hex(64));
    w.EndObject();
    out.push_back(std::move(w).Take());
  }
  return out;
}

std::vector<std::string> GenerateCorpus(const CorpusOptions& options, size_t count, CorpusFormat format,
                                        bool with_labels) {
  std::vector<std::string> out;
  switch (format) {
    case CorpusFormat::kLines:
      break;
    case CorpusFormat::kInventory:
      out = CorpusInventoryHeader(options);
      break;
  }
  out.reserve(out.size() + count);
  for (size_t i = 0; i < count; ++i) {
    CorpusRecord record = GenerateCorpusRecord(options, i);
    switch (format) {
      case CorpusFormat::kLines:
        out.push_back(CorpusLine(record, with_labels));
        break;
      case CorpusFormat::kInventory:
        out.push_back(CorpusInventoryRecord(record, with_labels));
        break;
    }
  }
  return out;
}

}  // namespace perimeter::corpus
