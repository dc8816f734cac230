#include "perimeter/resources/kms_key.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/request.h"
#include "perimeter/resources/internal/config_reader.h"
#include "perimeter/resources/internal/findings_builder.h"

namespace perimeter::resources {
namespace {

// Access Analyzer API, "KmsGrantConfiguration": operations.
constexpr std::array<std::string_view, 14> kGrantOperations = {
    "CreateGrant",
    "Decrypt",
    "DescribeKey",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GetPublicKey",
    "ReEncryptFrom",
    "ReEncryptTo",
    "RetireGrant",
    "Sign",
    "Verify"};

struct Grant {
  size_t index = 0;
  base::SourcePosition position;  // in the record
  std::vector<std::string> actions;
  std::string grantee;
  base::SourcePosition grantee_position;
  std::optional<std::string> retiring;
  base::SourcePosition retiring_position;
};

struct KmsKeyConfiguration {
  std::vector<internal::PolicySource> policies;
  std::vector<Grant> grants;
};

void ReadConstraints(const json::Value &value, std::string_view what,
                     internal::Diagnostics &diagnostics) {
  internal::ObjectReader reader(value, std::string(what), diagnostics);
  for (std::string_view key : {"encryptionContextEquals", "encryptionContextSubset"}) {
    std::optional<json::Value> map = reader.Object(key);
    if (!map.has_value()) continue;
    for (const json::Value &entry : map->members()) {
      if (!entry.is_string()) {
        diagnostics.Error(internal::kWrongType, entry.position(),
                          base::Concat(what, ".", key, " must map strings to strings"));
      }
    }
  }
  reader.Finish();
}

KmsKeyConfiguration ReadKmsKey(const json::Value &configuration,
                               internal::Diagnostics &diagnostics) {
  KmsKeyConfiguration config;
  internal::ObjectReader reader(configuration, "kmsKey", diagnostics);
  if (std::optional<json::Value> policies = reader.Object("keyPolicies"); policies.has_value()) {
    for (const json::Value &policy : policies->members()) {
      std::string field = base::Concat("keyPolicies.", policy.key());
      if (policy.is_string() && policy.text().empty()) continue;
      if (!policy.is_string() && !policy.is_object()) {
        diagnostics.Error(internal::kWrongType, policy.position(),
                          base::Concat(field, " must be a policy (a JSON string or object)"));
        continue;
      }
      config.policies.push_back({field, policy});
    }
  }
  if (std::optional<json::Value> grants = reader.Member("grants"); grants.has_value()) {
    if (!grants->is_array()) {
      diagnostics.Error(internal::kWrongType, grants->position(), "kmsKey.grants must be an array");
    } else {
      size_t index = 0;
      for (const json::Value &value : grants->children()) {
        std::string what = base::Concat("kmsKey.grants[", index, "]");
        internal::ObjectReader grant_reader(value, what, diagnostics);
        Grant grant;
        grant.index = index++;
        grant.position = value.position();
        if (std::optional<std::vector<std::string>> operations =
                grant_reader.StringList("operations", true)) {
          for (const std::string &operation : *operations) {
            if (std::find(kGrantOperations.begin(), kGrantOperations.end(), operation) ==
                kGrantOperations.end()) {
              diagnostics.Error(
                  internal::kInvalidValue, value.Find("operations")->position(),
                  base::Concat(what, ".operations has an unknown operation \"", operation, "\""));
              continue;
            }
            grant.actions.push_back(base::Concat("kms:", operation));
          }
        }
        if (std::optional<json::Value> grantee = grant_reader.Member("granteePrincipal", true)) {
          grant.grantee_position = grantee->position();
        }
        grant.grantee = grant_reader.String("granteePrincipal").value_or("");
        if (std::optional<json::Value> retiring = grant_reader.Member("retiringPrincipal")) {
          grant.retiring_position = retiring->position();
        }
        grant.retiring = grant_reader.String("retiringPrincipal");
        grant_reader.String("issuingAccount", true);
        if (std::optional<json::Value> constraints = grant_reader.Member("constraints")) {
          ReadConstraints(*constraints, base::Concat(what, ".constraints"), diagnostics);
        }
        grant_reader.Finish();
        if (!grant.grantee.empty() && !eval::ParseRequestPrincipal(grant.grantee).ok()) {
          diagnostics.Error(
              internal::kInvalidValue, grant.grantee_position,
              base::Concat(what, ".granteePrincipal is not a principal: \"", grant.grantee, "\""));
        }
        if (grant.retiring.has_value() && !eval::ParseRequestPrincipal(*grant.retiring).ok()) {
          diagnostics.Error(internal::kInvalidValue, grant.retiring_position,
                            base::Concat(what, ".retiringPrincipal is not a principal: \"",
                                         *grant.retiring, "\""));
        }
        config.grants.push_back(std::move(grant));
      }
    }
  }
  reader.Finish();
  return config;
}

// A finding for a grant's principal when it is outside the zone.
void ReportGrantee(const Resource &resource, const Grant &grant, const std::string &principal_text,
                   const base::SourcePosition &position, std::vector<std::string> actions,
                   const reasoning::ZoneOfTrust &zone, const RecordLocation &location,
                   std::vector<findings::Finding> &findings) {
  absl::StatusOr<eval::RequestPrincipal> principal = eval::ParseRequestPrincipal(principal_text);
  if (!principal.ok() || actions.empty()) return;
  std::string shown = principal_text;
  if (principal->is_iam()) {
    if (zone.ContainsAccount(principal->account)) return;
    // A grant to the account is shown as its id (docs/access-analyzer-rules.md
    // §1.3).
    if (principal->type == eval::PrincipalType::kAccountRoot) shown = principal->account;
  } else if (principal->type == eval::PrincipalType::kService) {
    return;  // service principals are not reported (IAM User Guide, "How IAM
             // Access Analyzer findings work")
  }
  internal::DirectGrant direct;
  direct.principal = {{"AWS", shown}};
  direct.actions = std::move(actions);
  direct.witness.principal = principal->id;
  direct.witness.principal_type = std::string(eval::PrincipalTypeName(principal->type));
  direct.witness.action = direct.actions.front();
  direct.witness.resource = resource.arn;
  direct.explanation.policy = base::Concat("grants[", grant.index, "]");
  direct.explanation.index = grant.index;
  direct.explanation.position = location.Locate(position);
  internal::MergeFinding(findings, internal::DirectFinding(resource, std::move(direct)));
}

}  // namespace

std::vector<reasoning::ResourceTarget> KmsKeyTargets(const Resource &resource) {
  static const std::vector<std::string> kKeyActions = internal::CatalogActions("kms", "key");
  return {reasoning::ResourceTarget{{resource.arn}, kKeyActions}};
}

std::vector<base::Issue> CheckKmsKeyConfiguration(const json::Value &configuration,
                                                  const RecordLocation &location) {
  internal::Diagnostics diagnostics(location);
  ReadKmsKey(configuration, diagnostics);
  return diagnostics.TakeIssues();
}

ResourceAnalysis AnalyzeKmsKey(const Resource &resource, const AccountSettings * /*account*/,
                               const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo) {
  ResourceAnalysis analysis;
  internal::Diagnostics diagnostics(resource.location);
  KmsKeyConfiguration config = ReadKmsKey(resource.configuration, diagnostics);
  std::vector<policy::Policy> policies;
  if (!diagnostics.has_errors()) {
    for (const internal::PolicySource &source : config.policies) {
      std::optional<policy::Policy> parsed =
          internal::ParsePolicySource(source, policy::PolicyKind::kResource, diagnostics);
      if (parsed.has_value()) policies.push_back(std::move(*parsed));
    }
  }
  if (diagnostics.has_errors()) {
    analysis.findings.push_back(
        internal::ErrorFinding(resource, internal::DescribeErrors(resource, diagnostics.issues())));
    analysis.issues = diagnostics.TakeIssues();
    return analysis;
  }
  for (size_t i = 0; i < policies.size(); ++i) {
    reasoning::AnalysisResult result = internal::AnalyzePolicy(
        resource, policies[i], policy::PolicyKind::kResource, KmsKeyTargets(resource), {},
        config.policies[i].field, zone, std::nullopt, memo);
    analysis.policies_decided_by_oracle += result.stats.decided_by_oracle;
    for (findings::Finding &finding : result.findings)
      internal::MergeFinding(analysis.findings, std::move(finding));
  }
  for (const Grant &grant : config.grants) {
    ReportGrantee(resource, grant, grant.grantee, grant.grantee_position, grant.actions, zone,
                  resource.location, analysis.findings);
    if (grant.retiring.has_value()) {
      ReportGrantee(resource, grant, *grant.retiring, grant.retiring_position, {"kms:RetireGrant"},
                    zone, resource.location, analysis.findings);
    }
  }
  analysis.issues = diagnostics.TakeIssues();
  return analysis;
}

}  // namespace perimeter::resources
