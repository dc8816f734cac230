// Internal to the corpus generator (src/perimeter/testing/corpus_generator.h); not an API.
// The policy documents the generator builds, and their compact JSON text (json::Writer).
#ifndef PERIMETER_TESTING_INTERNAL_POLICY_DOCUMENT_H_
#define PERIMETER_TESTING_INTERNAL_POLICY_DOCUMENT_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace perimeter::corpus::internal {

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
std::string Cat(std::initializer_list<std::string> parts);

// The compact JSON text of a policy.
std::string WritePolicy(const Policy& policy);

}  // namespace perimeter::corpus::internal

#endif  // PERIMETER_TESTING_INTERNAL_POLICY_DOCUMENT_H_
