// ValidatePolicy (IAM Access Analyzer API Reference): POST /policy/validation with body {locale,
// policyDocument, policyType, validatePolicyResourceType} and query maxResults/nextToken; response
// {findings, nextToken}. The checks are validation::ValidatePolicy's (docs/validate-policy.md).
#include <algorithm>
#include <string_view>
#include <vector>

#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/internal/operation_support.h"
#include "perimeter/validation/finding_json.h"
#include "perimeter/validation/validate_policy.h"

namespace perimeter::api {
namespace {

// The model's enums (botocore data/accessanalyzer/2019-11-01/service-2.json): Locale, PolicyType,
// ValidatePolicyResourceType.
constexpr std::string_view kLocales[] = {"DE", "EN", "ES",    "FR",    "IT",
                                         "JA", "KO", "PT_BR", "ZH_CN", "ZH_TW"};

}  // namespace

ApiResponse AccessAnalyzerService::ValidatePolicy(const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<int64_t> max_results = QueryInt(request, "maxResults", reader);
  std::optional<std::string> locale = reader.String("locale");
  std::optional<std::string> document = reader.String("policyDocument", true);
  std::optional<std::string> type_name = reader.String("policyType", true);
  std::optional<std::string> resource_name = reader.String("validatePolicyResourceType");
  if (locale &&
      std::find(std::begin(kLocales), std::end(kLocales), *locale) == std::end(kLocales)) {
    reader.Violation("locale",
                     "Member must satisfy enum value set: [DE, EN, ES, FR, IT, JA, KO, PT_BR, "
                     "ZH_CN, ZH_TW]");
  }
  std::optional<validation::PolicyType> type =
      type_name ? validation::ParsePolicyType(*type_name) : std::nullopt;
  if (type_name && !type) {
    reader.Violation("policyType",
                     "Member must satisfy enum value set: [IDENTITY_POLICY, RESOURCE_POLICY, "
                     "SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY]");
  }
  std::optional<validation::ValidatePolicyResourceType> resource_type;
  if (resource_name) {
    resource_type = validation::ParseResourceType(*resource_name);
    if (!resource_type) {
      reader.Violation("validatePolicyResourceType",
                       "Member must satisfy enum value set: [AWS::S3::Bucket, "
                       "AWS::S3::AccessPoint, AWS::S3::MultiRegionAccessPoint, "
                       "AWS::S3ObjectLambda::AccessPoint, AWS::IAM::AssumeRolePolicyDocument, "
                       "AWS::DynamoDB::Table]");
    }
  }
  if (!reader.ok()) return RestJsonError(reader.error());
  // Findings are in English whatever the locale (docs/validate-policy.md).
  std::vector<validation::ValidationFinding> findings =
      validation::ValidatePolicy(*document, *type, resource_type);
  API_ASSIGN_OR_RETURN(Bounds bounds,
                       PageOf(findings.size(), request.Query("nextToken"), max_results));
  std::span<const validation::ValidationFinding> page(findings.data() + bounds.begin,
                                                      bounds.end - bounds.begin);
  return Ok(validation::ValidatePolicyResponseJson(page, bounds.next_token));
}

}  // namespace perimeter::api
