// GenerateFindingRecommendation and GetFindingRecommendation (Access Analyzer API Reference, the
// two operations, "RecommendedStep", "UnusedPermissionsRecommendedStep", "RecommendationError"):
// the least-privilege recommendation of an UnusedPermission finding, built by
// unused::RecommendPolicies from the principal's identity-based policies as the import left them
// in the catalog (service::ResourceCatalog::FindPrincipal).
//
// AWS generates a recommendation asynchronously; Perimeter computes it within the request, but
// keeps AWS's states: the record is stored IN_PROGRESS (startedAt) before the computation and
// SUCCEEDED or FAILED (completedAt) after it, so a GetFindingRecommendation racing the generation
// sees IN_PROGRESS. A recommendation is never a guess: a principal the import does not hold, a
// managed policy it names but does not hold, or a policy that cannot be read makes it FAILED with
// an error saying which (docs/server.md, "Finding recommendations").
#include <optional>
#include <string>
#include <vector>

#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/internal/operation_support.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/finding.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"
#include "perimeter/unused/recommendation.h"

namespace perimeter::api {
namespace {

constexpr std::string_view kRecommendationType = "UnusedPermissionRecommendation";

// The error of a FAILED recommendation (RecommendationError: code and message). AWS documents no
// codes; these name what Perimeter could not read [PROP].
struct RecommendationFailure {
  std::string code;
  std::string message;
};

// The stored record: GetFindingRecommendation's response without nextToken, every step listed.
std::string RecommendationJson(std::string_view resource_arn, std::string_view status,
                               absl::Time started, std::optional<absl::Time> completed,
                               const std::optional<RecommendationFailure>& failure,
                               const std::vector<unused::RecommendedStep>& steps) {
  json::Writer w;
  w.BeginObject().Key("startedAt").String(Timestamp(started));
  if (completed) w.Key("completedAt").String(Timestamp(*completed));
  if (failure) {
    w.Key("error").BeginObject().Key("code").String(failure->code);
    w.Key("message").String(failure->message).EndObject();
  }
  w.Key("resourceArn").String(resource_arn);
  w.Key("recommendedSteps").BeginArray();
  for (const unused::RecommendedStep& step : steps) {
    w.BeginObject().Key("unusedPermissionsRecommendedStep").BeginObject();
    w.Key("recommendedAction").String(unused::RecommendedActionName(step.action));
    if (step.recommended_policy) w.Key("recommendedPolicy").String(*step.recommended_policy);
    w.Key("existingPolicyId").String(step.existing_policy_id);
    w.EndObject().EndObject();
  }
  w.EndArray();
  w.Key("recommendationType").String(kRecommendationType).Key("status").String(status);
  w.EndObject();
  return std::move(w).Take();
}

// The recommendation of `finding` (an UnusedPermission finding) for `principal`, or why there is
// none.
struct Outcome {
  std::vector<unused::RecommendedStep> steps;
  std::optional<RecommendationFailure> failure;
};

Outcome Recommend(const std::optional<unused::IamPrincipal>& principal,
                  const findings::Finding& finding) {
  if (!principal) {
    return {{},
            RecommendationFailure{"PRINCIPAL_NOT_FOUND",
                                  base::Concat("The imported inventory holds no IAM principal ",
                                               finding.resource, " with its policies")}};
  }
  if (!principal->missing_policies.empty()) {
    return {
        {},
        RecommendationFailure{
            "POLICY_NOT_FOUND",
            base::Concat("The imported inventory does not hold the managed policy ",
                         principal->missing_policies.front(), " attached to ", principal->arn)}};
  }
  findings::UnusedAccessFinding unused{finding.type, finding.resource, finding.resource_type,
                                       finding.resource_owner_account, finding.unused_details};
  unused::Recommendation recommendation = unused::RecommendPolicies(*principal, unused);
  if (!recommendation.problems.empty()) {
    return {{},
            RecommendationFailure{
                "POLICY_UNREADABLE",
                base::Concat("A policy of ", principal->arn,
                             " could not be read: ", recommendation.problems.front())}};
  }
  return {std::move(recommendation.steps), std::nullopt};
}

}  // namespace

ApiResponse AccessAnalyzerService::GenerateFindingRecommendation(const Caller& caller,
                                                                 const RestRequest& request) {
  API_ASSIGN_OR_RETURN(store::Analyzer analyzer,
                       FindByArn(caller, "analyzerArn", request.Query("analyzerArn")));
  API_RETURN_IF_ERROR(FindingsBlocked(analyzer));
  const std::string& id = request.labels.at("id");
  // The model gives GenerateFindingRecommendation no ResourceNotFoundException: a finding that is
  // not an UnusedPermission finding of this analyzer is a ValidationException on the id.
  auto invalid = [&id](std::string message) {
    return RestJsonError(ValidationError(message, "fieldValidationFailed", {{"id", message}}));
  };
  absl::StatusOr<std::optional<findings::FindingRecord>> record =
      store_.GetFinding(analyzer.arn, id);
  if (!record.ok()) return Internal(record.status());
  if (!record->has_value()) return invalid(base::Concat("Finding ", id, " not found"));
  const findings::Finding& finding = (*record)->finding;
  if (finding.type != findings::FindingType::kUnusedPermission) {
    return invalid(
        base::Concat("Recommendations are generated for UnusedPermission findings only; ",
                     "finding ", id, " is ", findings::FindingTypeName(finding.type)));
  }
  absl::Time started = absl::FromUnixMillis(clock_.Now());
  absl::Status stored =
      store_.PutFindingRecommendation({analyzer.arn, id,
                                       RecommendationJson(finding.resource, "IN_PROGRESS", started,
                                                          std::nullopt, std::nullopt, {})});
  if (!stored.ok()) return Internal(stored);
  Outcome outcome = Recommend(catalog_()->FindPrincipal(finding.resource), finding);
  absl::Time completed = absl::FromUnixMillis(clock_.Now());
  stored = store_.PutFindingRecommendation(
      {analyzer.arn, id,
       RecommendationJson(finding.resource, outcome.failure ? "FAILED" : "SUCCEEDED", started,
                          completed, outcome.failure, outcome.steps)});
  if (!stored.ok()) return Internal(stored);
  return Ok();
}

ApiResponse AccessAnalyzerService::GetFindingRecommendation(const Caller& caller,
                                                            const RestRequest& request) {
  RequestReader reader("");
  std::optional<int64_t> max_results = QueryInt(request, "maxResults", reader);
  if (!reader.ok()) return RestJsonError(reader.error());
  API_ASSIGN_OR_RETURN(store::Analyzer analyzer,
                       FindByArn(caller, "analyzerArn", request.Query("analyzerArn")));
  API_RETURN_IF_ERROR(FindingsBlocked(analyzer));
  const std::string& id = request.labels.at("id");
  absl::StatusOr<std::optional<store::FindingRecommendationRecord>> stored =
      store_.GetFindingRecommendation(analyzer.arn, id);
  if (!stored.ok()) return Internal(stored.status());
  if (!stored->has_value()) {
    return RestJsonError(
        NotFoundError(base::Concat("Recommendation for finding ", id, " not found"), id,
                      std::string(kFindingResourceType)));
  }
  json::ParseResult parsed = json::Parse((*stored)->json);
  std::optional<json::Value> steps = parsed.ok() && parsed.document.root().is_object()
                                         ? parsed.document.root().Find("recommendedSteps")
                                         : std::nullopt;
  if (!steps || !steps->is_array()) {
    return Internal(absl::InternalError("corrupt stored finding recommendation"));
  }
  API_ASSIGN_OR_RETURN(Bounds bounds,
                       PageOf(steps->size(), request.Query("nextToken"), max_results));
  json::Writer w;
  w.BeginObject();
  for (json::Value member : parsed.document.root().members()) {
    w.Key(member.key());
    if (member.key() != "recommendedSteps") {
      w.Copy(member);
      continue;
    }
    w.BeginArray();
    size_t index = 0;
    for (json::Value step : member.children()) {
      if (index >= bounds.begin && index < bounds.end) w.Copy(step);
      ++index;
    }
    w.EndArray();
  }
  if (bounds.next_token) w.Key("nextToken").String(*bounds.next_token);
  w.EndObject();
  return Ok(std::move(w).Take());
}

}  // namespace perimeter::api
