// Internal to the corpus generator (src/perimeter/testing/corpus_generator.h); not an API.
// One record's builder: its random stream, its identity (the options' organization) and the
// vocabulary the shapes draw from.
#ifndef PERIMETER_TESTING_INTERNAL_RECORD_BUILDER_H_
#define PERIMETER_TESTING_INTERNAL_RECORD_BUILDER_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "perimeter/testing/corpus_generator.h"
#include "perimeter/testing/internal/policy_document.h"

namespace perimeter::corpus::internal {

inline constexpr char kForeignOrg[] = "o-zz9y8x7w6v";
inline constexpr char kForeignRoot[] = "r-zz99";
inline const std::vector<std::string> kExternalAccounts = {"999988887777", "777788889999",
                                                           "246813579024", "135792468013"};
inline const std::vector<std::string> kWords = {
    "analytics", "billing", "orders", "payments", "media",  "logs",   "backup", "reports",
    "etl",       "ml",      "audit",  "search",   "events", "assets", "web",    "data",
    "archive",   "partner", "ingest", "export",   "static", "docs"};
inline const std::vector<std::string> kEnvironments = {"prod", "staging", "dev", "test", "sandbox"};
inline const std::vector<std::string> kTeams = {"platform", "data",   "security",
                                                "finance",  "growth", "infra"};
inline const std::vector<std::string> kCidrs = {
    "203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24",           "10.0.0.0/8",
    "172.16.0.0/12",  "54.240.143.0/24", "2001:DB8:1234:5678::/64"};
inline const std::vector<std::string> kTrustServices = {
    "ec2.amazonaws.com",       "lambda.amazonaws.com",    "ecs-tasks.amazonaws.com",
    "glue.amazonaws.com",      "states.amazonaws.com",    "events.amazonaws.com",
    "codebuild.amazonaws.com", "sagemaker.amazonaws.com", "scheduler.amazonaws.com",
    "eks.amazonaws.com",       "ssm.amazonaws.com",       "backup.amazonaws.com"};

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
    size_t n = static_cast<size_t>(
        r.Between(static_cast<int64_t>(lo), static_cast<int64_t>(std::min(hi, pool.size()))));
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
    return r.Percent(75) ? r.Pick(kExternalAccounts)
                         : std::to_string(r.Between(100000000000, 999999999999));
  }
  std::string Member() { return r.Pick(members_); }
  std::string CrossAccount() {
    bool member = r.Percent(35);
    Label(member ? "principal:org-member" : "principal:external");
    return member ? Member() : ExternalAccount();
  }
  std::string RoleArn(const std::string& account, std::string name = "") {
    if (name.empty()) {
      name = Cat({r.Pick(kTeams), "-",
                  std::string(r.Pick({"reader", "writer", "admin", "deployer", "etl", "app"}))});
    }
    std::string path(r.Pick({"", "", "", "service-role/", "team/"}));
    if (path == "team/") path += r.Pick(kTeams) + "/";
    return "arn:aws:iam::" + account + ":role/" + path + name;
  }
  std::string UserArn(const std::string& account) {
    return Cat({"arn:aws:iam::", account, ":user/",
                std::string(r.Pick({"alice", "bob", "carol", "dave"})),
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
        out.push_back(Cat(
            {"arn:aws:sts::", account, ":assumed-role/", r.Pick(kTeams), "/session-", r.Hex(6)}));
      }
    }
    return out;
  }
  std::string CanonicalUser() { return r.Hex(64); }
  std::string Vpce() { return "vpce-" + r.Hex(17); }
  std::string Vpc() { return "vpc-" + r.Hex(r.Percent(70) ? 17 : 8); }
  std::string Uuid() {
    std::string h = r.Hex(32);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-a" + h.substr(17, 3) +
           "-" + h.substr(20, 12);
  }
  std::string Name() {
    std::string name = Cat({r.Pick(kWords), "-", r.Pick(kEnvironments)});
    if (r.Percent(50)) name = r.Pick(kTeams) + "-" + name;
    char suffix[16];
    std::snprintf(suffix, sizeof(suffix), "-%05llu",
                  static_cast<unsigned long long>(index_ % 100000));
    return name + suffix;
  }
  std::string OtherBucketArn() {
    return Cat({"arn:aws:s3:::", r.Pick(kWords), "-", r.Pick(kEnvironments), "-", r.Hex(4)});
  }
  std::string TopicArn(const std::string& account) {
    return Cat({"arn:aws:sns:", Region(), ":", account, ":", r.Pick(kWords), "-",
                std::string(r.Pick({"events", "alerts", "fanout"}))});
  }
  std::string RuleArn() {
    return Cat(
        {"arn:aws:events:", Region(), ":", Account(), ":rule/", r.Pick(kWords), "-", r.Hex(4)});
  }
  std::string TrailArn() {
    return "arn:aws:cloudtrail:" + Region() + ":" + Account() + ":trail/" +
           std::string(r.Pick({"management-events", "org-trail", "audit"}));
  }

  // ---- principals

  Principal Star() {
    if (r.Percent(55)) return Principal{PrincipalForm::kStarText, {}};
    return Principal{PrincipalForm::kMap, {{"AWS", One("*")}}};
  }
  Principal Aws(std::vector<std::string> values) {
    return Principal{PrincipalForm::kMap, {{"AWS", Many(std::move(values))}}};
  }
  Principal Service(std::vector<std::string> services) {
    return Principal{PrincipalForm::kMap, {{"Service", Many(std::move(services))}}};
  }
  Principal Federated(std::string provider) {
    return Principal{PrincipalForm::kMap, {{"Federated", One(std::move(provider))}}};
  }
  Principal Canonical(std::string id) {
    return Principal{PrincipalForm::kMap, {{"CanonicalUser", One(std::move(id))}}};
  }

  // Statements and conditions are given as braced lists: their parts are then drawn in the order
  // they are written (C++ leaves the order of function arguments unspecified, which would make the
  // corpus depend on the compiler).
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
  Condition Cond(ConditionSpec spec) {
    return Condition{std::move(spec.op), std::move(spec.key), Many(std::move(spec.values))};
  }
};

// The actions and resources a grant on a resource of one type names: what the family shapes and the
// shared guard rails are written against.
struct Access {
  Values actions;
  std::optional<Values> resources;  // nullopt for role trust policies
};

}  // namespace perimeter::corpus::internal

#endif  // PERIMETER_TESTING_INTERNAL_RECORD_BUILDER_H_
