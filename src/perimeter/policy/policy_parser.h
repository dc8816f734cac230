// Turns an IAM policy document into the Policy model (policy.h), checking it the way AWS does
// before it stores a policy: element names, types, required and forbidden elements per policy kind,
// condition operators, action syntax and size quotas. Every problem is reported as a positioned
// base::Issue.
//
// Grammar: IAM User Guide, "IAM JSON policy element reference" and "Grammar of the IAM JSON policy
// language". Per-kind rules: ibid. ("principal_block ... is required in resource-based policies and
// in trust policies for IAM roles. It must not be included in identity-based policies"), AWS
// Organizations User Guide, "SCP syntax" and "RCP syntax".
//
// Issue codes (stable; tools and ValidatePolicy findings key on them). Errors unless marked:
//   policy.too-large              the document exceeds the kind's AWS quota (a warning when
//                                 enforce_size_limit is false) or the 1 MiB hard cap (always an
//                                 error)
//   policy.wrong-type             an element has the wrong JSON type (e.g. "Effect": 1)
//   policy.unknown-element        an unknown key at the top level, in a statement or in Principal
//   policy.invalid-version        Version is not "2012-10-17" or "2008-10-17"
//   policy.missing-statement      no Statement element
//   policy.missing-effect         a statement has no Effect
//   policy.invalid-effect         Effect is not exactly "Allow" or "Deny"
//   policy.missing-action         a statement has neither Action nor NotAction
//   policy.invalid-action         an action is not "*" or "service:action"
//   policy.missing-resource       no Resource/NotResource where the kind requires one (a warning
//                                 for resource-based and VPC endpoint policies)
//   policy.resource-not-allowed   Resource/NotResource in a role trust policy
//   policy.missing-principal      no Principal/NotPrincipal where the kind requires one
//   policy.principal-not-allowed  Principal/NotPrincipal where the kind forbids it
//   policy.invalid-principal      a Principal string other than "*"; a non-"*" principal in an RCP;
//                                 an account id (alone or in an ARN) that is not 12 digits, text
//                                 starting with "arn:" that is not an ARN, a wildcard CanonicalUser
//   policy.allow-with-notprincipal (warning) NotPrincipal with "Effect": "Allow"
//   policy.conflicting-elements   both X and NotX in one statement (Action, Resource, Principal)
//   policy.empty-value            an empty list, string or block where a value is required
//   policy.invalid-sid            a non-alphanumeric Sid in an IAM identity, boundary or session
//   policy policy.duplicate-sid          (warning) two statements share a Sid
//   policy.unknown-operator       a condition operator IAM does not define
//   policy.ambiguous-condition-key two keys of one operator block differ only by case
//   condition.invalid-number, condition.invalid-date, condition.invalid-bool,
//   condition.invalid-null-value, condition.invalid-ip, condition.invalid-base64
//                                 a condition value its operator cannot read (condition_values.h)
//   condition.not-an-arn          (warning) an ARN operator value without the six ARN components:
//   it
//                                 matches no ARN
// plus the json.* codes of json::Parse (syntax, duplicate keys, nesting deeper than max_depth).
#ifndef PERIMETER_POLICY_POLICY_PARSER_H_
#define PERIMETER_POLICY_POLICY_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/json/document.h"
#include "perimeter/policy/policy.h"

namespace perimeter::policy {

struct PolicyParseOptions {
  PolicyKind kind = PolicyKind::kIdentity;
  // When false, exceeding the kind's AWS size quota is a warning instead of an error (for analysing
  // policies whose container has a raised quota). The 1 MiB hard cap always applies.
  bool enforce_size_limit = true;
  // Overrides DefaultSizeLimit(kind) when the caller knows the exact container (e.g. a managed
  // policy rather than a role's inline policy, or an S3 bucket rather than a KMS key).
  std::optional<size_t> size_limit;
  // Deeper JSON nesting is rejected by the JSON layer (json.too-deep).
  uint32_t max_depth = 32;
};

struct PolicyParseResult {
  // Set exactly when `issues` holds no error (warnings allowed).
  std::optional<Policy> policy;
  std::vector<base::Issue> issues;  // errors and warnings, in the order found
  bool ok() const { return policy.has_value(); }
};

// Documents larger than this are rejected before any parsing, whatever the kind.
inline constexpr size_t kPolicyHardSizeCap = size_t{1} << 20;

// The size quota AWS documents for `kind`, in characters (see policy_parser.cc for the sources).
size_t DefaultSizeLimit(PolicyKind kind);

// The size AWS compares against the quota: characters (UTF-8 code points) of `source`; for the
// kinds IAM stores or STS receives, white space outside string literals is not counted (IAM and AWS
// STS quotas: "IAM does not count white space"); AWS Organizations counts every character of SCPs
// and RCPs.
size_t PolicySize(std::string_view source, PolicyKind kind);

// Parses a policy document. Never crashes and never drops input silently: the result holds either a
// Policy or at least one error. Positions are those of `text`.
PolicyParseResult ParsePolicy(std::string text, const PolicyParseOptions& options = {});

// Parses a policy that is already a JSON value inside a larger document (e.g. the simulate input),
// so positions refer to that outer document; the size quota is measured on the value's source text
// and reported at the value's position. REQUIRES: `value` belongs to a live json::Document.
PolicyParseResult ParsePolicy(const json::Value& value, const PolicyParseOptions& options = {});

}  // namespace perimeter::policy

#endif  // PERIMETER_POLICY_POLICY_PARSER_H_
