#include "perimeter/resources/internal/config_reader.h"

#include <utility>

#include "perimeter/aws/arn.h"
#include "perimeter/base/text.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/resources/policy_positions.h"

namespace perimeter::resources::internal {

void Diagnostics::Error(std::string_view code, const base::SourcePosition &in_record,
                        std::string message) {
  issues_.push_back(base::Issue{base::Severity::kError, std::string(code),
                                location_.Locate(in_record), std::move(message)});
}

void Diagnostics::Warning(std::string_view code, const base::SourcePosition &in_record,
                          std::string message) {
  issues_.push_back(base::Issue{base::Severity::kWarning, std::string(code),
                                location_.Locate(in_record), std::move(message)});
}

ObjectReader::ObjectReader(const json::Value &value, std::string what, Diagnostics &diagnostics)
    : value_(value),
      what_(std::move(what)),
      diagnostics_(diagnostics),
      reader_(value, "inventory", what_, issues_) {
  Flush();
}

void ObjectReader::Flush() {
  for (base::Issue &issue : issues_) {
    issue.position = diagnostics_.location().Locate(issue.position);
    diagnostics_.Add(std::move(issue));
  }
  issues_.clear();
}

std::optional<json::Value> ObjectReader::Member(std::string_view key, bool required) {
  std::optional<json::Value> member = required ? reader_.Required(key) : reader_.Optional(key);
  reader_.ReportMissing();
  Flush();
  return member;
}

std::optional<json::Value> ObjectReader::OfKind(std::string_view key, json::Kind kind,
                                                bool required) {
  std::optional<json::Value> member =
      required ? reader_.RequiredOfKind(key, kind) : reader_.OptionalOfKind(key, kind);
  reader_.ReportMissing();
  Flush();
  return member;
}

std::optional<std::string> ObjectReader::String(std::string_view key, bool required) {
  std::optional<json::Value> member = OfKind(key, json::Kind::kString, required);
  if (!member.has_value()) return std::nullopt;
  return std::string(member->text());
}

std::optional<bool> ObjectReader::Bool(std::string_view key, bool required) {
  std::optional<json::Value> member = OfKind(key, json::Kind::kBool, required);
  if (!member.has_value()) return std::nullopt;
  return member->boolean();
}

std::optional<std::vector<std::string>> ObjectReader::StringList(std::string_view key,
                                                                 bool required) {
  std::optional<json::Value> member = OfKind(key, json::Kind::kArray, required);
  if (!member.has_value()) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (const json::Value &element : member->children()) {
    if (!element.is_string()) {
      diagnostics_.Error(kWrongType, element.position(),
                         base::Concat(what_, ".", key, " must hold strings, not ",
                                      json::KindName(element.kind())));
      ok = false;
      continue;
    }
    out.emplace_back(element.text());
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<json::Value> ObjectReader::Object(std::string_view key, bool required) {
  return OfKind(key, json::Kind::kObject, required);
}

void ObjectReader::Finish() {
  reader_.Finish();
  Flush();
}

std::optional<PolicySource> ReadPolicyMember(ObjectReader &reader, std::string_view key,
                                             bool required) {
  std::optional<json::Value> member = reader.Member(key, required);
  if (!member.has_value()) return std::nullopt;
  if (member->is_null()) return std::nullopt;
  if (member->is_string()) {
    if (member->text().empty()) return std::nullopt;
    return PolicySource{std::string(key), *member};
  }
  if (member->is_object()) return PolicySource{std::string(key), *member};
  reader.diagnostics().Error(kWrongType, member->position(),
                             base::Concat(key, " must be a policy (a JSON string or object), not ",
                                          json::KindName(member->kind())));
  return std::nullopt;
}

namespace {

// Moves each statement's position from the policy text to the source file (see ParsePolicySource).
void LocateStatements(policy::Policy &policy, const json::Value &value,
                      const RecordLocation &location) {
  const base::SourcePosition at_policy = location.Locate(value.position());
  if (location.policies != nullptr) {
    // A synthesised configuration: only the converter knows where the statements are; where it does
    // not, they are reported at the policy member.
    const SynthesizedPolicy *placed = location.FindPolicy(value.position().offset);
    for (policy::Statement &statement : policy.statements) {
      if (placed == nullptr) {
        statement.position = at_policy;
      } else {
        bool known = statement.index < placed->statements.size();
        statement.position = known ? placed->statements[statement.index] : placed->position;
      }
    }
    return;
  }
  for (policy::Statement &statement : policy.statements) {
    base::SourcePosition in_record =
        value.is_string() ? LocateInStringLiteral(value.source_text(), value.position(),
                                                  statement.position.offset)
                          : statement.position;
    statement.position = location.Locate(in_record);
  }
}

}  // namespace

std::optional<policy::Policy> ParsePolicySource(const PolicySource &source, policy::PolicyKind kind,
                                                Diagnostics &diagnostics) {
  // Inventories hold policies as stored: quotas were checked when AWS accepted
  // them, and some are raisable, so exceeding the default quota is a warning
  // here.
  policy::PolicyParseOptions options;
  options.kind = kind;
  options.enforce_size_limit = false;
  policy::PolicyParseResult parsed =
      source.value.is_string() ? policy::ParsePolicy(std::string(source.value.text()), options)
                               : policy::ParsePolicy(source.value, options);
  for (base::Issue &issue : parsed.issues) {
    std::string code = issue.code;
    if (source.value.is_string()) {
      std::string message =
          base::Concat(source.field, " (policy text ", base::ToString(issue.position),
                       "): ", issue.message, " [", code, "]");
      // In a record's own text, the place inside the string; in a synthesised configuration, the
      // member.
      base::SourcePosition in_record =
          diagnostics.location().policies == nullptr
              ? LocateInStringLiteral(source.value.source_text(), source.value.position(),
                                      issue.position.offset)
              : source.value.position();
      base::Issue outer{issue.severity, std::string(kInvalidPolicy),
                        diagnostics.location().Locate(in_record), std::move(message)};
      if (issue.severity == base::Severity::kWarning) outer.code = code;
      diagnostics.Add(std::move(outer));
    } else {
      issue.position = diagnostics.location().Locate(issue.position);
      issue.message = base::Concat(source.field, ": ", issue.message);
      diagnostics.Add(std::move(issue));
    }
  }
  if (parsed.policy.has_value())
    LocateStatements(*parsed.policy, source.value, diagnostics.location());
  return std::move(parsed.policy);
}

bool IsAccountIdText(std::string_view text) { return aws::IsAccountId(text); }

}  // namespace perimeter::resources::internal
