#include "perimeter/policy/policy_variables.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace perimeter::policy {
namespace {

class MapResolver : public VariableResolver {
 public:
  explicit MapResolver(std::map<std::string, std::string> values) : values_(std::move(values)) {}
  std::optional<std::string_view> Lookup(std::string_view key_lower) const override {
    auto it = values_.find(std::string(key_lower));
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string> values_;
};

struct VariableCase {
  std::string text;
  bool glob;
  std::optional<std::string> expected;  // the substituted pattern's ToString(); nullopt: no value
};

class SubstituteTest : public testing::TestWithParam<VariableCase> {};

TEST_P(SubstituteTest, Substitutes) {
  const VariableCase& c = GetParam();
  MapResolver resolver({{"aws:username", "alice"}, {"aws:principaltag/team", "Blue*"}});
  std::optional<WildcardPattern> result = SubstituteVariables(c.text, resolver, c.glob);
  ASSERT_EQ(result.has_value(), c.expected.has_value()) << c.text;
  if (result) {
    EXPECT_EQ(result->ToString(), *c.expected) << c.text;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, SubstituteTest,
    testing::Values(
        VariableCase{"home/${aws:username}/*", true, "home/alice/*"},
        VariableCase{"home/${AWS:UserName}/*", true, "home/alice/*"},  // key case-insensitive
        VariableCase{"${ aws:username }", false, "alice"},             // blanks ignored
        VariableCase{"${aws:principaltag/team}", true, "Blue${*}"},  // substituted text is literal
        VariableCase{"${aws:userid}", true, std::nullopt},           // absent, no default
        VariableCase{"${aws:userid, 'anonymous'}", true, "anonymous"},
        VariableCase{"${aws:userid,'a*'}", true, "a${*}"},         // default is literal
        VariableCase{"${ aws:userid , 'it''s' }", false, "it's"},  // '' is a quote
        VariableCase{"${aws:username, 'ignored'}", false, "alice"},
        VariableCase{"a${*}b${?}c${$}", true, "a${*}b${?}c$"},
        VariableCase{"${aws:userid, '${aws:username}'}", false, "${$}{aws:username}"},  // one pass
        VariableCase{"${unclosed", true, "${$}{unclosed"}, VariableCase{"${}", true, "${$}{}"},
        VariableCase{"${a b}", true, "${$}{a b}"},
        VariableCase{"${k, noquotes}", true, "${$}{k, noquotes}"},
        VariableCase{"${k, 'open}", true, "${$}{k, 'open}"}, VariableCase{"$x{y}*", true, "$x{y}*"},
        VariableCase{"a*?", false, "a${*}${?}"}, VariableCase{"", true, ""}));

TEST(PolicyVariablesTest, HasPolicyVariables) {
  EXPECT_TRUE(HasPolicyVariables("x/${aws:username}"));
  EXPECT_TRUE(HasPolicyVariables("${*}"));
  EXPECT_FALSE(HasPolicyVariables("${unclosed"));
  EXPECT_FALSE(HasPolicyVariables("plain*"));
}

TEST(PolicyVariablesTest, TemplateIsParsedOnceAndSubstitutedPerRequest) {
  VariableTemplate t = VariableTemplate::Parse("arn:aws:s3:::b/${aws:username}/*", true);
  EXPECT_TRUE(t.has_variables());
  EXPECT_FALSE(VariableTemplate::Parse("a${*}", true).has_variables());
  MapResolver alice(std::map<std::string, std::string>{{"aws:username", "alice"}});
  MapResolver bob(std::map<std::string, std::string>{{"aws:username", "bob"}});
  EXPECT_TRUE(t.Substitute(alice)->Matches("arn:aws:s3:::b/alice/x"));
  EXPECT_FALSE(t.Substitute(bob)->Matches("arn:aws:s3:::b/alice/x"));
  EXPECT_FALSE(t.Substitute(MapResolver(std::map<std::string, std::string>{})).has_value());
}

}  // namespace
}  // namespace perimeter::policy
