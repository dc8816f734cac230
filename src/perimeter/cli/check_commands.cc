#include "perimeter/cli/check_commands.h"

#include <ostream>

#include "perimeter/analysis/policy_check_request.h"
#include "perimeter/analysis/policy_checks.h"
#include "perimeter/base/issue.h"
#include "perimeter/cli/app.h"
#include "perimeter/cli/input_files.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::cli {
namespace {

// Reads and parses the policy document; prints positioned errors and returns nullopt when
// unreadable.
std::optional<policy::Policy> ReadPolicy(const std::string& path, policy::PolicyKind kind,
                                         std::istream& in, std::ostream& err) {
  std::string text;
  if (!ReadInput(path, in, text, err)) return std::nullopt;
  std::string name = path == "-" ? "<stdin>" : path;
  policy::PolicyParseResult parsed =
      policy::ParsePolicy(text, {.kind = kind, .enforce_size_limit = false});
  for (const base::Issue& issue : parsed.issues)
    err << base::FormatIssue(issue, name, text) << "\n";
  return parsed.policy;
}

int Print(const analysis::CheckResult& result, std::ostream& out) {
  json::Writer w(json::WriterOptions{.indent = 2});
  analysis::WriteCheckResult(result, w);
  out << w.text() << "\n";
  return result.pass ? kExitOk : kExitFindings;
}

// The --policy-type of a check, or nullopt (with the message printed) when it is not one.
std::optional<analysis::CheckPolicyType> ReadPolicyType(const std::string& text,
                                                        std::ostream& err) {
  std::optional<analysis::CheckPolicyType> type = analysis::ParseCheckPolicyType(text);
  if (!type) err << "error: --policy-type: " << analysis::kPolicyTypeConstraint << "\n";
  return type;
}

}  // namespace

int RunCheckNoPublicAccess(const CheckOptions& options, std::istream& in, std::ostream& out,
                           std::ostream& err) {
  policy::PolicyKind kind = analysis::PublicAccessPolicyKind(options.resource_type);
  std::optional<policy::Policy> policy = ReadPolicy(options.policy_document, kind, in, err);
  if (!policy.has_value()) return kExitBadInput;
  absl::StatusOr<analysis::CheckResult> result =
      analysis::CheckNoPublicAccess(*policy, options.resource_type);
  if (!result.ok()) {
    err << "error: " << result.status().message() << "; supported:";
    for (const std::string& type : analysis::SupportedPublicAccessResourceTypes())
      err << " " << type;
    err << "\n";
    return kExitBadInput;
  }
  return Print(*result, out);
}

int RunCheckAccessNotGranted(const CheckOptions& options, std::istream& in, std::ostream& out,
                             std::ostream& err) {
  std::optional<analysis::CheckPolicyType> type = ReadPolicyType(options.policy_type, err);
  if (!type.has_value()) return kExitBadInput;
  json::ParseResult access = json::Parse(options.access);
  if (!access.ok()) {
    err << base::FormatIssue(access.issues.front(), "--access", options.access) << "\n";
    return kExitBadInput;
  }
  // The request model and its limits are the API's (analysis/policy_check_request.h).
  std::vector<analysis::MemberViolation> violations;
  analysis::AccessToCheck wanted = analysis::ReadAccessToCheck(
      access.document.root(), analysis::AccessForm::kListOrObject, violations);
  for (const analysis::MemberViolation& violation : violations) {
    err << "error: --access: " << violation.member << ": " << violation.constraint << "\n";
  }
  if (!violations.empty()) return kExitBadInput;
  std::optional<policy::Policy> policy =
      ReadPolicy(options.policy_document, analysis::PolicyKindOf(*type), in, err);
  if (!policy.has_value()) return kExitBadInput;
  absl::StatusOr<analysis::CheckResult> result =
      analysis::CheckAccessNotGranted(*policy, *type, wanted.actions, wanted.resources);
  if (!result.ok()) {
    err << "error: " << result.status().message() << "\n";
    return kExitBadInput;
  }
  return Print(*result, out);
}

int RunCheckNoNewAccess(const CheckOptions& options, std::istream& in, std::ostream& out,
                        std::ostream& err) {
  std::optional<analysis::CheckPolicyType> type = ReadPolicyType(options.policy_type, err);
  if (!type.has_value()) return kExitBadInput;
  if (options.new_policy_document == "-" && options.existing_policy_document == "-") {
    err << "error: only one of --new-policy-document and --existing-policy-document can be read "
           "from standard input\n";
    return kExitBadInput;
  }
  // Both documents are read, so that every error in either is reported at once.
  policy::PolicyKind kind = analysis::PolicyKindOf(*type);
  std::optional<policy::Policy> new_policy = ReadPolicy(options.new_policy_document, kind, in, err);
  std::optional<policy::Policy> existing =
      ReadPolicy(options.existing_policy_document, kind, in, err);
  if (!new_policy.has_value() || !existing.has_value()) return kExitBadInput;
  absl::StatusOr<analysis::CheckResult> result =
      analysis::CheckNoNewAccess(*new_policy, *existing, *type);
  if (!result.ok()) {
    err << "error: " << result.status().message() << "\n";
    return kExitBadInput;
  }
  return Print(*result, out);
}

}  // namespace perimeter::cli
