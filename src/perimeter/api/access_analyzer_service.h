// IAM Access Analyzer (restJson1, botocore accessanalyzer 2019-11-01) over the store: analyzers,
// tags, archive rules, findings, analyzed resources. Each operation takes the verified caller and
// the routed request, and answers AWS's response shape or AWS's error (aws_error.h).
//
// Rules (sources in docs/access-analyzer-rules.md and the API reference of each operation):
//  - an account sees only its own analyzers, in the region its request is signed for;
//  - analyzer names: [A-Za-z_][A-Za-z0-9_.-]{0,254}, unique per account and region (409 otherwise);
//    quotas (402): one analyzer per type per account and region, except ORGANIZATION-zone types, of
//    which an organization may have five per region;
//  - ORGANIZATION-zone analyzers only in the management account or the registered delegated
//    administrator for access-analyzer.amazonaws.com (403 "Account ... is not a delegated
//    administrator"), and only with trusted access enabled (400 "Service not enabled for AWS
//    Organizations"). When access is disabled or the administrator deregistered, existing ones
//    become DISABLED with statusReason AWS_SERVICE_ACCESS_DISABLED or
//    DELEGATED_ADMINISTRATOR_DEREGISTERED, and ACTIVE again when it is restored [PROP: AWS
//    documents the disabling only]. The findings of an analyzer DISABLED by
//    DELEGATED_ADMINISTRATOR_DEREGISTERED are not accessible (AccessDenied on every findings and
//    analyzed-resource operation) until the account is registered again (IAM User Guide, "Settings
//    for IAM Access Analyzer");
//  - writes never overwrite state they did not read: read-modify-writes go through
//    store::Store::ModifyAnalyzer / ModifyFindings / ModifyArchiveRules, atomic against the
//    background analysis and each other, so that concurrent writers do not queue behind a lock
//    here and the SQLite store commits them together (docs/server.md, "Mixed reads and writes");
//  - clientToken: a retried request with the same token answers like the first and changes nothing;
//  the
//    same token with different parameters is a ConflictException (409) [PROP: the model marks the
//    member idempotencyToken and AWS documents only the retry; Smithy's idempotency convention
//    rejects a mismatched reuse, and 409 is the model's error for it];
//  - archive rules: names [A-Za-z][A-Za-z0-9_.-]{0,254}, 100 per analyzer, filters as
//    findings/archive_rule.h; a new rule archives only new findings, ApplyArchiveRule is
//    retroactive;
//  - UpdateFindings: ACTIVE or ARCHIVED, by ids or by resourceArn (not both); RESOLVED findings
//  cannot
//    be changed.
#ifndef PERIMETER_API_ACCESS_ANALYZER_SERVICE_H_
#define PERIMETER_API_ACCESS_ANALYZER_SERVICE_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "perimeter/api/api_result.h"
#include "perimeter/api/aws_error.h"
#include "perimeter/api/caller.h"
#include "perimeter/api/rest_routes.h"
#include "perimeter/base/clock.h"
#include "perimeter/service/continuous_analysis.h"
#include "perimeter/service/environment.h"
#include "perimeter/store/store.h"

namespace perimeter::api {

class AccessAnalyzerService {
 public:
  AccessAnalyzerService(store::Store& store, service::EnvironmentSource environment,
                        service::CatalogSource catalog, const base::Clock& clock,
                        std::function<void(service::ScanJob)> schedule)
      : store_(store),
        environment_(std::move(environment)),
        catalog_(std::move(catalog)),
        clock_(clock),
        schedule_(std::move(schedule)) {}

  // Answers one operation (RestRequest::operation); an operation Perimeter does not implement is a
  // ValidationException with reason notSupported.
  ApiResponse Handle(const Caller& caller, const RestRequest& request);

  // Re-derives the status of every ORGANIZATION-zone analyzer from the organization's state
  // (trusted access, delegated administrators); schedules a scan of those that become ACTIVE again.
  absl::Status RefreshOrganizationAnalyzers();

 private:
  // The operation table: name -> handler.
  using OperationHandler = ApiResponse (*)(AccessAnalyzerService& service, const Caller& caller,
                                           const RestRequest& request);
  using OperationTable = std::map<std::string_view, OperationHandler, std::less<>>;
  static const OperationTable& Operations();

  // Handlers, one file per group: analyzer_operations.cc (analyzers, tags),
  // archive_rule_operations.cc, finding_operations.cc (findings, analyzed resources, scans),
  // finding_recommendation_operations.cc (recommendations of unused-access findings),
  // policy_check_operations.cc, access_preview_operations.cc.
  ApiResponse CreateAnalyzer(const Caller& caller, const RestRequest& request);
  ApiResponse GetAnalyzer(const Caller& caller, const RestRequest& request);
  ApiResponse ListAnalyzers(const Caller& caller, const RestRequest& request);
  ApiResponse DeleteAnalyzer(const Caller& caller, const RestRequest& request);
  ApiResponse UpdateAnalyzer(const Caller& caller, const RestRequest& request);
  ApiResponse Tags(const Caller& caller, const RestRequest& request);
  ApiResponse CreateOrUpdateArchiveRule(const Caller& caller, const RestRequest& request,
                                        bool create);
  ApiResponse GetArchiveRule(const Caller& caller, const RestRequest& request);
  ApiResponse ListArchiveRules(const Caller& caller, const RestRequest& request);
  ApiResponse DeleteArchiveRule(const Caller& caller, const RestRequest& request);
  ApiResponse ApplyArchiveRule(const Caller& caller, const RestRequest& request);
  ApiResponse ListFindings(const Caller& caller, const RestRequest& request, bool v2);
  ApiResponse GetFinding(const Caller& caller, const RestRequest& request, bool v2);
  ApiResponse UpdateFindings(const Caller& caller, const RestRequest& request);
  ApiResponse GetFindingsStatistics(const Caller& caller, const RestRequest& request);
  // finding_recommendation_operations.cc: the least-privilege recommendation of an UnusedPermission
  // finding (unused/recommendation.h), from the principal's policies in the catalog.
  ApiResponse GenerateFindingRecommendation(const Caller& caller, const RestRequest& request);
  ApiResponse GetFindingRecommendation(const Caller& caller, const RestRequest& request);
  ApiResponse ListAnalyzedResources(const Caller& caller, const RestRequest& request);
  ApiResponse GetAnalyzedResource(const Caller& caller, const RestRequest& request);
  ApiResponse StartResourceScan(const Caller& caller, const RestRequest& request);
  ApiResponse CreateAccessPreview(const Caller& caller, const RestRequest& request);
  ApiResponse GetAccessPreview(const Caller& caller, const RestRequest& request);
  ApiResponse ListAccessPreviews(const Caller& caller, const RestRequest& request);
  ApiResponse ListAccessPreviewFindings(const Caller& caller, const RestRequest& request);
  static ApiResponse CheckNoNewAccess(const RestRequest& request);
  static ApiResponse CheckNoPublicAccess(const RestRequest& request);
  static ApiResponse CheckAccessNotGranted(const RestRequest& request);
  static ApiResponse ValidatePolicy(const RestRequest& request);

  // The caller's analyzer named `name` / with ARN `arn`, or the AWS error.
  ApiResult<store::Analyzer> FindByName(const Caller& caller, std::string_view name);
  ApiResult<store::Analyzer> FindByArn(const Caller& caller, std::string_view field,
                                       const std::optional<std::string>& arn);
  // The preview `id` of the caller's analyzer `analyzer_arn`, or the AWS error.
  ApiResult<store::AccessPreviewRecord> FindAccessPreview(
      const Caller& caller, const std::optional<std::string>& analyzer_arn, std::string_view id);
  // What a client token says about `request`: a new request (nullopt), a retry of an earlier one
  // with the same parameters (that request's remembered result), or the token reused with different
  // parameters (ConflictException). Tokens are scoped by account, region and operation.
  ApiResult<std::optional<std::string>> SeenToken(const Caller& caller, const RestRequest& request,
                                                  const std::optional<std::string>& token);
  // The write path of ApplyArchiveRule and UpdateFindings: answers a retry of `token` as the first
  // request; finds the analyzer `analyzer_arn` (its findings accessible); then runs `decide` in one
  // store transaction over `selection` (store::Store::ModifyFindings), so that the analysis cannot
  // write an older copy of these findings between the read and the write, nor revert the change
  // after it. `decide` sets `refusal` (and returns nullopt) to answer an error instead; the
  // analyzer's findings becoming inaccessible meanwhile (FindingsBlocked) refuses the request
  // before `decide` runs.
  using FindingsDecision = std::function<absl::StatusOr<std::optional<store::FindingChanges>>(
      const store::FindingsSnapshot& snapshot, std::optional<AwsError>& refusal)>;
  ApiResponse ModifyFindingsOnce(const Caller& caller, const RestRequest& request,
                                 const std::optional<std::string>& token,
                                 const std::optional<std::string>& analyzer_arn,
                                 const store::FindingSelection& selection,
                                 const FindingsDecision& decide);
  // Remembers the token with the request's parameters and `result` (call after success).
  void RememberToken(const Caller& caller, const RestRequest& request,
                     const std::optional<std::string>& token, std::string_view result);
  // Holds a client token's scope from SeenToken to RememberToken: a retry that races its first
  // request waits for it and is answered as a retry, not run a second time. A request without a
  // token claims nothing.
  class TokenClaim {
   public:
    TokenClaim(AccessAnalyzerService& service, const Caller& caller, const RestRequest& request,
               const std::optional<std::string>& token);
    ~TokenClaim();
    TokenClaim(const TokenClaim&) = delete;
    TokenClaim& operator=(const TokenClaim&) = delete;

   private:
    AccessAnalyzerService& service_;
    std::string scope_;  // "" when no token
  };

  store::Store& store_;
  service::EnvironmentSource environment_;
  service::CatalogSource catalog_;
  const base::Clock& clock_;
  std::function<void(service::ScanJob)> schedule_;
  // Serialises the writes still decided outside the store, across their writes: CreateAnalyzer
  // (names and quotas over every analyzer), DeleteAnalyzer and the organization refresh. The other
  // writes decide inside the store's atomic Modify* calls and take no lock here.
  std::mutex write_mutex_;
  // The client-token scopes claimed now (TokenClaim).
  std::mutex tokens_mutex_;
  std::condition_variable token_released_;
  std::set<std::string, std::less<>> claimed_tokens_;
};

}  // namespace perimeter::api

#endif  // PERIMETER_API_ACCESS_ANALYZER_SERVICE_H_
