#include "perimeter/reasoning/new_access.h"

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/compiled_policy.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::reasoning {
namespace {

std::optional<policy::Policy> Parse(const std::string& text, ComparedPolicies compared) {
  policy::PolicyParseOptions options;
  options.kind = compared == ComparedPolicies::kIdentity ? policy::PolicyKind::kIdentity
                                                         : policy::PolicyKind::kResource;
  return policy::ParsePolicy(text, options).policy;
}

// The policy alone decides `request`, by the concrete evaluator's statement matching: allowed when
// an Allow statement matches and no Deny does. Independent of new_access.cc.
eval::CompiledPolicy Compile(const policy::Policy& source, ComparedPolicies compared) {
  std::vector<base::Issue> issues;
  return eval::CompiledPolicy::Compile(source,
                                       compared == ComparedPolicies::kIdentity
                                           ? policy::PolicyKind::kIdentity
                                           : policy::PolicyKind::kResource,
                                       issues);
}

bool PolicyAllows(const eval::CompiledPolicy& policy, const eval::Request& request) {
  bool allowed = false;
  for (size_t i = 0; i < policy.statement_count(); ++i) {
    if (!policy.Match(i, request, base::AsciiLower(request.action)).matched) continue;
    if (policy.source().statements[i].effect == policy::Effect::kDeny) return false;
    allowed = true;
  }
  return allowed;
}

TEST(NewAccessTest, WitnessSeparatesThePolicies) {
  std::optional<policy::Policy> new_policy = Parse(
      R"({"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*",
          "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]})",
      ComparedPolicies::kIdentity);
  std::optional<policy::Policy> existing = Parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
          {"Effect":"Allow","Action":"s3:Get*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.1.0.0/16"}}}]})",
      ComparedPolicies::kIdentity);
  ASSERT_TRUE(new_policy.has_value() && existing.has_value());
  NewAccessResult result = FindNewAccess(*new_policy, *existing, ComparedPolicies::kIdentity);
  ASSERT_TRUE(result.decided) << result.undecided_reason;
  ASSERT_EQ(result.grants.size(), 1u);
  const NewAccessGrant& grant = result.grants.front();
  EXPECT_EQ(grant.statement_index, 0u);
  EXPECT_EQ(grant.sid.value_or(""), "A");
  EXPECT_TRUE(grant.confirmed);
  EXPECT_TRUE(PolicyAllows(Compile(*new_policy, ComparedPolicies::kIdentity), grant.witness));
  EXPECT_FALSE(PolicyAllows(Compile(*existing, ComparedPolicies::kIdentity), grant.witness));
  EXPECT_NE(base::AsciiLower(grant.witness.action), "s3:getobject");
}

// A web identity provider can only call sts:AssumeRoleWithWebIdentity (eval::PrincipalCanCall):
// granting it sts:AssumeRole as well is no new access.
TEST(NewAccessTest, FederatedPrincipalGetsNoActionItCannotCall) {
  std::optional<policy::Policy> new_policy = Parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},
          "Action":["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"],"Resource":"*"}]})",
      ComparedPolicies::kResource);
  std::optional<policy::Policy> existing = Parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},
          "Action":"sts:AssumeRoleWithWebIdentity","Resource":"*"}]})",
      ComparedPolicies::kResource);
  ASSERT_TRUE(new_policy.has_value() && existing.has_value());
  NewAccessResult result = FindNewAccess(*new_policy, *existing, ComparedPolicies::kResource);
  ASSERT_TRUE(result.decided) << result.undecided_reason;
  EXPECT_TRUE(result.grants.empty()) << result.grants.front().witness.action;
  // sts:AssumeRoleWithWebIdentity itself still counts: without it in the existing policy, it is
  // new.
  std::optional<policy::Policy> nothing = Parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},
          "Action":"sts:AssumeRole","Resource":"*"}]})",
      ComparedPolicies::kResource);
  ASSERT_TRUE(nothing.has_value());
  NewAccessResult against_nothing =
      FindNewAccess(*new_policy, *nothing, ComparedPolicies::kResource);
  ASSERT_TRUE(against_nothing.decided) << against_nothing.undecided_reason;
  ASSERT_EQ(against_nothing.grants.size(), 1u);
  EXPECT_EQ(base::AsciiLower(against_nothing.grants.front().witness.action),
            "sts:assumerolewithwebidentity");
}

TEST(NewAccessTest, VariablesAreBoundedAndSaySo) {
  std::optional<policy::Policy> new_policy = Parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
          "Resource":"arn:aws:s3:::home/${aws:username}/*"}]})",
      ComparedPolicies::kIdentity);
  std::optional<policy::Policy> existing = Parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
          "Resource":"arn:aws:s3:::home/${aws:username}/docs/*"}]})",
      ComparedPolicies::kIdentity);
  ASSERT_TRUE(new_policy.has_value() && existing.has_value());
  NewAccessResult result = FindNewAccess(*new_policy, *existing, ComparedPolicies::kIdentity);
  ASSERT_TRUE(result.decided) << result.undecided_reason;
  ASSERT_EQ(result.grants.size(), 1u);
  EXPECT_FALSE(result.grants.front().confirmed);  // the witness holds for the bounds only
  EXPECT_FALSE(result.notes.empty());
}

TEST(NewAccessTest, AStatementBothPoliciesHoldIsComparedAsWritten) {
  std::string allow =
      R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*",
          "Condition":{"StringLike":{"s3:prefix":"${aws:username}/*"}}})";
  std::string deny =
      R"({"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::home/${aws:username}/keep/*"})";
  auto parse = [](const std::string& statements) {
    return Parse(base::Concat(R"({"Version":"2012-10-17","Statement":[)", statements, "]}"),
                 ComparedPolicies::kIdentity);
  };
  std::optional<policy::Policy> same = parse(allow);
  std::optional<policy::Policy> with_deny = parse(allow + "," + deny);
  ASSERT_TRUE(same.has_value() && with_deny.has_value());
  EXPECT_TRUE(FindNewAccess(*same, *same, ComparedPolicies::kIdentity).grants.empty());
  EXPECT_TRUE(FindNewAccess(*with_deny, *same, ComparedPolicies::kIdentity).grants.empty());
  // Dropping the Deny may give access back: reported (possibly), never hidden.
  NewAccessResult dropped = FindNewAccess(*same, *with_deny, ComparedPolicies::kIdentity);
  ASSERT_TRUE(dropped.decided) << dropped.undecided_reason;
  EXPECT_EQ(dropped.grants.size(), 1u);
}

TEST(NewAccessTest, TooManyClassesIsUndecided) {
  std::optional<policy::Policy> policy = Parse(
      R"({"Statement":[{"Effect":"Allow","Action":["s3:A","s3:B"],"Resource":["arn:aws:s3:::a","arn:aws:s3:::b"]}]})",
      ComparedPolicies::kIdentity);
  ASSERT_TRUE(policy.has_value());
  NewAccessResult result =
      FindNewAccess(*policy, policy::Policy{}, ComparedPolicies::kIdentity, {.max_cells = 2});
  EXPECT_FALSE(result.decided);
  EXPECT_NE(result.undecided_reason.find("combinations"), std::string::npos)
      << result.undecided_reason;
}

// Random policy pairs from a small grammar, and random requests: the differential test of
// soundness.
class PolicyGrammar {
 public:
  PolicyGrammar(uint32_t seed, ComparedPolicies compared) : rng_(seed), compared_(compared) {}

  std::vector<std::string> Statements(size_t min, size_t max) {
    std::vector<std::string> out(Between(min, max));
    for (std::string& statement : out) statement = Statement();
    return out;
  }

  std::string Statement() {
    bool allow = Chance(0.75);
    std::string out = base::Concat(R"({"Effect":")", allow ? "Allow" : "Deny", "\"");
    if (compared_ == ComparedPolicies::kResource) {
      static const std::vector<std::string> kPrincipals = {
          R"("*")",
          R"({"AWS":"111122223333"})",
          R"({"AWS":"arn:aws:iam::111122223333:role/app"})",
          R"({"AWS":"arn:aws:iam::*:role/app"})",
          R"({"AWS":["444455556666","111122223333"]})",
          R"({"Service":"sns.amazonaws.com"})",
          R"({"AWS":"arn:aws:iam::444455556666:user/bob"})"};
      if (!allow && Chance(0.2)) {
        out +=
            R"(,"NotPrincipal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:role/app"]})";
      } else {
        out += base::Concat(R"(,"Principal":)", Pick(kPrincipals));
      }
    }
    static const std::vector<std::string> kActions = {
        "s3:GetObject", "s3:Get*",         "s3:*",          "*", "s3:PutObject",
        "iam:PassRole", "s3:GetObject?cl", "ec2:*Instances"};
    out += base::Concat(Chance(0.75) ? R"(,"Action":)" : R"(,"NotAction":)", List(kActions));
    static const std::vector<std::string> kResources = {"*",
                                                        "arn:aws:s3:::b",
                                                        "arn:aws:s3:::b/*",
                                                        "arn:aws:s3:::b/a*",
                                                        "arn:aws:s3:::c*",
                                                        "arn:aws:s3:::b/${aws:username}/*",
                                                        "arn:aws:iam::111122223333:role/*"};
    if (compared_ == ComparedPolicies::kIdentity || Chance(0.8)) {
      out += base::Concat(Chance(0.8) ? R"(,"Resource":)" : R"(,"NotResource":)", List(kResources));
    }
    out += Conditions();
    return out + "}";
  }

  eval::Request Request() {
    eval::Request request;
    if (compared_ == ComparedPolicies::kResource) {
      static const std::vector<std::string> kPrincipals = {
          "arn:aws:iam::111122223333:role/app",
          "arn:aws:iam::111122223333:user/bob",
          "arn:aws:iam::444455556666:role/app",
          "arn:aws:sts::111122223333:assumed-role/app/s1",
          "444455556666",
          "arn:aws:iam::777788889999:user/x",
          "sns.amazonaws.com",
          "lambda.amazonaws.com",
          ""};
      std::string id = Pick(kPrincipals);
      absl::StatusOr<eval::RequestPrincipal> principal =
          id.empty() ? eval::MakeRequestPrincipal(eval::PrincipalType::kAnonymous, "")
                     : eval::ParseRequestPrincipal(id);
      EXPECT_TRUE(principal.ok()) << id;
      request.principal = *principal;
      if (request.principal.is_iam() && Chance(0.5)) request.principal.org_id = "o-a1b2c3d4e5";
      eval::AddPrincipalContextKeys(request.principal, request.context);
    } else {
      request.principal = *eval::ParseRequestPrincipal("arn:aws:iam::111122223333:role/app");
      SetMaybe(request, "aws:PrincipalAccount", {"111122223333", "444455556666"});
      SetMaybe(request, "aws:PrincipalArn",
               {"arn:aws:iam::111122223333:role/app", "arn:aws:iam::444455556666:user/x"});
      SetMaybe(request, "aws:PrincipalOrgID", {"o-a1b2c3d4e5", "o-zzzzzzzzzz"});
    }
    request.action = Pick({"s3:GetObject", "s3:GetObjectAcl", "s3:PutObject", "S3:getobject",
                           "iam:PassRole", "ec2:RunInstances", "sqs:SendMessage", "s3:ListBucket"});
    request.resource_arn =
        Pick({"arn:aws:s3:::b", "arn:aws:s3:::b/x", "arn:aws:s3:::b/abc", "arn:aws:s3:::c1",
              "arn:aws:s3:::b/alice/k", "arn:aws:iam::111122223333:role/r", "*",
              "arn:aws:s3:::home/bob/k"});
    SetMaybe(request, "aws:PrincipalTag/team", {"red", "blue"});
    SetMaybe(request, "s3:prefix", {"home/x", "pub1", "bob/", "alice/"});
    SetMaybe(request, "aws:MultiFactorAuthPresent", {"true", "false"});
    SetMaybe(request, "aws:SourceIp", {"10.1.2.3", "10.2.3.4", "192.168.0.1"});
    SetMaybe(request, "s3:max-keys", {"5", "10", "20"});
    SetMaybe(request, "aws:RequestedRegion", {"us-east-1", "eu-west-1"});
    SetMaybe(request, "aws:TokenIssueTime", {"2024-01-01T00:00:00Z"});
    SetMaybe(request, "aws:username", {"alice", "bob"});
    SetMaybe(request, "aws:CurrentTime", {"2023-06-01T00:00:00Z", "2025-01-01T00:00:00Z"});
    if (Chance(0.5)) {
      static const std::vector<std::vector<std::string>> kTagKeys = {{}, {"a"}, {"a", "b"}, {"c"}};
      request.context.SetMultivalued("aws:TagKeys", kTagKeys[Between(0, kTagKeys.size() - 1)]);
    }
    return request;
  }

  size_t Between(size_t min, size_t max) {
    return std::uniform_int_distribution<size_t>(min, max)(rng_);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

 private:
  std::string Pick(const std::vector<std::string>& options) {
    return options[Between(0, options.size() - 1)];
  }

  std::string List(const std::vector<std::string>& options) {
    std::set<std::string> picked;
    for (size_t n = Between(1, 2); picked.size() < n;) picked.insert(Pick(options));
    std::string out = "[";
    for (const std::string& value : picked)
      out += base::Concat(out.size() > 1 ? "," : "", "\"", value, "\"");
    return out + "]";
  }

  std::string Conditions() {
    struct Entry {
      const char* op;
      const char* key;
      const char* values;
    };
    static const std::vector<Entry> kEntries = {
        {"StringEquals", "aws:PrincipalTag/team", R"("red")"},
        {"StringLike", "s3:prefix", R"(["home/*","pub*"])"},
        {"Bool", "aws:MultiFactorAuthPresent", R"("true")"},
        {"IpAddress", "aws:SourceIp", R"("10.0.0.0/8")"},
        {"NotIpAddress", "aws:SourceIp", R"("10.1.0.0/16")"},
        {"NumericLessThan", "s3:max-keys", R"("10")"},
        {"StringNotEquals", "aws:RequestedRegion", R"("us-east-1")"},
        {"Null", "aws:TokenIssueTime", R"("true")"},
        {"StringEqualsIfExists", "aws:RequestedRegion", R"("eu-west-1")"},
        {"ForAnyValue:StringEquals", "aws:TagKeys", R"(["a","b"])"},
        {"ForAllValues:StringEquals", "aws:TagKeys", R"(["a"])"},
        {"StringEquals", "s3:prefix", R"("${aws:username}/")"},
        {"StringLike", "s3:prefix", R"(["${aws:username}/*","pub1"])"},
        {"DateGreaterThan", "aws:CurrentTime", R"("2024-01-01T00:00:00Z")"},
        {"StringEquals", "aws:PrincipalAccount", R"("111122223333")"},
        {"ArnLike", "aws:PrincipalArn", R"("arn:aws:iam::*:role/app")"},
        {"StringEquals", "aws:PrincipalOrgID", R"("o-a1b2c3d4e5")"},
    };
    std::map<std::string, std::map<std::string, std::string>> block;
    for (size_t n = Between(0, 2); n > 0; --n) {
      const Entry& entry = kEntries[Between(0, kEntries.size() - 1)];
      block[entry.op].emplace(entry.key, entry.values);
    }
    if (block.empty()) return "";
    std::string out = R"(,"Condition":{)";
    bool first_op = true;
    for (const auto& [op, keys] : block) {
      out += base::Concat(first_op ? "" : ",", "\"", op, "\":{");
      bool first_key = true;
      for (const auto& [key, values] : keys) {
        out += base::Concat(first_key ? "" : ",", "\"", key, "\":", values);
        first_key = false;
      }
      out += "}";
      first_op = false;
    }
    return out + "}";
  }

  void SetMaybe(eval::Request& request, std::string_view key,
                const std::vector<std::string>& values) {
    if (Chance(0.5)) request.context.Set(key, Pick(values));
  }

  std::mt19937 rng_;
  ComparedPolicies compared_;
};

std::string Document(const std::vector<std::string>& statements) {
  std::string out = R"({"Version":"2012-10-17","Statement":[)";
  for (size_t i = 0; i < statements.size(); ++i)
    out += base::Concat(i == 0 ? "" : ",", statements[i]);
  return out + "]}";
}

struct Stats {
  size_t pairs = 0, pass = 0, fail = 0, undecided = 0, separated_by_sampling = 0;
};

// Relations between a new and an existing policy that the generator builds on purpose, so that
// PASS results are frequent (independent random pairs nearly always differ).
enum class Relation { kIndependent, kExistingAddsAnAllow, kNewAddsADeny, kNewDropsAStatement };

void CheckPair(PolicyGrammar& grammar, ComparedPolicies compared, Relation relation, Stats& stats) {
  std::vector<std::string> existing_statements = grammar.Statements(1, 3);
  std::vector<std::string> new_statements;
  switch (relation) {
    case Relation::kIndependent:
      new_statements = grammar.Statements(1, 3);
      break;
    case Relation::kExistingAddsAnAllow:
      new_statements = existing_statements;
      existing_statements.push_back(grammar.Statement());
      break;
    case Relation::kNewAddsADeny:
      new_statements = existing_statements;
      new_statements.push_back(grammar.Statement());
      break;
    case Relation::kNewDropsAStatement:
      if (existing_statements.size() == 1) existing_statements.push_back(grammar.Statement());
      new_statements = existing_statements;
      new_statements.erase(new_statements.begin() + grammar.Between(0, new_statements.size() - 1));
      break;
  }
  std::string new_text = Document(new_statements), existing_text = Document(existing_statements);
  std::optional<policy::Policy> new_policy = Parse(new_text, compared);
  std::optional<policy::Policy> existing = Parse(existing_text, compared);
  ASSERT_TRUE(new_policy.has_value()) << new_text;
  ASSERT_TRUE(existing.has_value()) << existing_text;
  NewAccessResult result = FindNewAccess(*new_policy, *existing, compared);
  eval::CompiledPolicy new_compiled = Compile(*new_policy, compared),
                       existing_compiled = Compile(*existing, compared);
  ++stats.pairs;
  SCOPED_TRACE(base::Concat("new: ", new_text, "\nexisting: ", existing_text));
  if (!result.decided) {
    ++stats.undecided;
    return;
  }
  (result.grants.empty() ? stats.pass : stats.fail)++;
  // Every confirmed witness is allowed by the new policy and not by the existing one, as written.
  for (const NewAccessGrant& grant : result.grants) {
    if (!grant.confirmed) continue;
    EXPECT_TRUE(PolicyAllows(new_compiled, grant.witness))
        << grant.witness.action << " " << grant.witness.resource_arn;
    EXPECT_FALSE(PolicyAllows(existing_compiled, grant.witness))
        << grant.witness.action << " " << grant.witness.resource_arn;
  }
  // Without policy variables the comparison is exact: every grant is confirmed.
  auto has = [](const std::string& statement, std::string_view what) {
    return statement.find(what) != std::string::npos;
  };
  bool variables = has(new_text, "${") || has(existing_text, "${");
  if (!variables) {
    for (const NewAccessGrant& grant : result.grants) EXPECT_TRUE(grant.confirmed);
  }
  // The relations that cannot add access do not, variables or not (the statements the two policies
  // share are compared as written), unless a Deny with a variable had to be bounded.
  bool bounded_deny = std::any_of(existing_statements.begin(), existing_statements.end(),
                                  [&](const std::string& statement) {
                                    return has(statement, R"("Deny")") && has(statement, "${");
                                  });
  auto denies = [&](const std::vector<std::string>& statements) {
    return std::count_if(statements.begin(), statements.end(),
                         [&](const std::string& st) { return has(st, R"("Deny")"); });
  };
  bool cannot_add =
      (relation == Relation::kExistingAddsAnAllow &&
       has(existing_statements.back(), R"("Allow")")) ||
      (relation == Relation::kNewAddsADeny && has(new_statements.back(), R"("Deny")")) ||
      (relation == Relation::kNewDropsAStatement &&
       denies(new_statements) == denies(existing_statements));
  if (cannot_add && !bounded_deny) {
    EXPECT_TRUE(result.grants.empty()) << "statement " << result.grants.front().statement_index
                                       << ": " << result.grants.front().witness.action << " on "
                                       << result.grants.front().witness.resource_arn;
  }
  // Soundness: when no new access is reported, no sampled request tells the policies apart.
  for (int n = 0; n < 500; ++n) {
    eval::Request request = grammar.Request();
    bool separated =
        PolicyAllows(new_compiled, request) && !PolicyAllows(existing_compiled, request);
    if (!separated) continue;
    ++stats.separated_by_sampling;
    EXPECT_FALSE(result.grants.empty()) << "new access missed: " << request.principal.id << " "
                                        << request.action << " " << request.resource_arn;
    break;
  }
}

class NewAccessPropertyTest : public testing::TestWithParam<ComparedPolicies> {};

TEST_P(NewAccessPropertyTest, PassIsAProofOnRandomPolicies) {
  ComparedPolicies compared = GetParam();
  PolicyGrammar grammar(compared == ComparedPolicies::kIdentity ? 20240501 : 20240502, compared);
  Stats stats;
  for (int n = 0; n < 150; ++n) {
    for (Relation relation : {Relation::kIndependent, Relation::kExistingAddsAnAllow,
                              Relation::kNewAddsADeny, Relation::kNewDropsAStatement}) {
      CheckPair(grammar, compared, relation, stats);
      if (HasFailure()) return;
    }
  }
  // The generator must exercise both answers, and the method must decide nearly everything.
  EXPECT_GT(stats.pass, stats.pairs / 5);
  EXPECT_GT(stats.fail, stats.pairs / 5);
  EXPECT_GT(stats.separated_by_sampling, stats.pairs / 10);
  EXPECT_LT(stats.undecided, stats.pairs / 20);
  std::printf("pairs %zu: PASS %zu, FAIL %zu, undecided %zu; separated by sampling %zu\n",
              stats.pairs, stats.pass, stats.fail, stats.undecided, stats.separated_by_sampling);
}

INSTANTIATE_TEST_SUITE_P(Policies, NewAccessPropertyTest,
                         testing::Values(ComparedPolicies::kIdentity, ComparedPolicies::kResource),
                         [](const testing::TestParamInfo<ComparedPolicies>& info) {
                           return info.param == ComparedPolicies::kIdentity ? "Identity"
                                                                            : "Resource";
                         });

}  // namespace
}  // namespace perimeter::reasoning
