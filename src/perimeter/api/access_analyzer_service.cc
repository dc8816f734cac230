#include "perimeter/api/access_analyzer_service.h"

#include <algorithm>

#include "perimeter/api/internal/operation_support.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "perimeter/service/organization_analyzers.h"

namespace perimeter::api {

// The operations Perimeter implements, by name (the HTTP bindings of every operation of the model
// are in rest_bindings.cc). The handlers are in analyzer_operations.cc, archive_rule_operations.cc,
// finding_operations.cc, policy_check_operations.cc and access_preview_operations.cc.
// A member of the class, so that the table reaches the private handlers.
const AccessAnalyzerService::OperationTable& AccessAnalyzerService::Operations() {
  using S = AccessAnalyzerService;
  static const OperationTable table = {
      // Analyzers and their tags.
      {"CreateAnalyzer",
       [](S& s, const Caller& c, const RestRequest& r) { return s.CreateAnalyzer(c, r); }},
      {"GetAnalyzer",
       [](S& s, const Caller& c, const RestRequest& r) { return s.GetAnalyzer(c, r); }},
      {"ListAnalyzers",
       [](S& s, const Caller& c, const RestRequest& r) { return s.ListAnalyzers(c, r); }},
      {"DeleteAnalyzer",
       [](S& s, const Caller& c, const RestRequest& r) { return s.DeleteAnalyzer(c, r); }},
      {"UpdateAnalyzer",
       [](S& s, const Caller& c, const RestRequest& r) { return s.UpdateAnalyzer(c, r); }},
      {"TagResource", [](S& s, const Caller& c, const RestRequest& r) { return s.Tags(c, r); }},
      {"UntagResource", [](S& s, const Caller& c, const RestRequest& r) { return s.Tags(c, r); }},
      {"ListTagsForResource",
       [](S& s, const Caller& c, const RestRequest& r) { return s.Tags(c, r); }},
      // Archive rules.
      {"CreateArchiveRule",
       [](S& s, const Caller& c, const RestRequest& r) {
         return s.CreateOrUpdateArchiveRule(c, r, true);
       }},
      {"UpdateArchiveRule",
       [](S& s, const Caller& c, const RestRequest& r) {
         return s.CreateOrUpdateArchiveRule(c, r, false);
       }},
      {"GetArchiveRule",
       [](S& s, const Caller& c, const RestRequest& r) { return s.GetArchiveRule(c, r); }},
      {"ListArchiveRules",
       [](S& s, const Caller& c, const RestRequest& r) { return s.ListArchiveRules(c, r); }},
      {"DeleteArchiveRule",
       [](S& s, const Caller& c, const RestRequest& r) { return s.DeleteArchiveRule(c, r); }},
      {"ApplyArchiveRule",
       [](S& s, const Caller& c, const RestRequest& r) { return s.ApplyArchiveRule(c, r); }},
      // Findings and analyzed resources.
      {"ListFindings",
       [](S& s, const Caller& c, const RestRequest& r) { return s.ListFindings(c, r, false); }},
      {"ListFindingsV2",
       [](S& s, const Caller& c, const RestRequest& r) { return s.ListFindings(c, r, true); }},
      {"GetFinding",
       [](S& s, const Caller& c, const RestRequest& r) { return s.GetFinding(c, r, false); }},
      {"GetFindingV2",
       [](S& s, const Caller& c, const RestRequest& r) { return s.GetFinding(c, r, true); }},
      {"UpdateFindings",
       [](S& s, const Caller& c, const RestRequest& r) { return s.UpdateFindings(c, r); }},
      {"GetFindingsStatistics",
       [](S& s, const Caller& c, const RestRequest& r) { return s.GetFindingsStatistics(c, r); }},
      {"GenerateFindingRecommendation",
       [](S& s, const Caller& c, const RestRequest& r) {
         return s.GenerateFindingRecommendation(c, r);
       }},
      {"GetFindingRecommendation",
       [](S& s, const Caller& c, const RestRequest& r) {
         return s.GetFindingRecommendation(c, r);
       }},
      {"ListAnalyzedResources",
       [](S& s, const Caller& c, const RestRequest& r) { return s.ListAnalyzedResources(c, r); }},
      {"GetAnalyzedResource",
       [](S& s, const Caller& c, const RestRequest& r) { return s.GetAnalyzedResource(c, r); }},
      {"StartResourceScan",
       [](S& s, const Caller& c, const RestRequest& r) { return s.StartResourceScan(c, r); }},
      // Access previews.
      {"CreateAccessPreview",
       [](S& s, const Caller& c, const RestRequest& r) { return s.CreateAccessPreview(c, r); }},
      {"GetAccessPreview",
       [](S& s, const Caller& c, const RestRequest& r) { return s.GetAccessPreview(c, r); }},
      {"ListAccessPreviews",
       [](S& s, const Caller& c, const RestRequest& r) { return s.ListAccessPreviews(c, r); }},
      {"ListAccessPreviewFindings",
       [](S& s, const Caller& c, const RestRequest& r) {
         return s.ListAccessPreviewFindings(c, r);
       }},
      // Custom policy checks (no analyzer, no caller state).
      {"CheckNoNewAccess",
       [](S&, const Caller&, const RestRequest& r) { return CheckNoNewAccess(r); }},
      {"CheckNoPublicAccess",
       [](S&, const Caller&, const RestRequest& r) { return CheckNoPublicAccess(r); }},
      {"CheckAccessNotGranted",
       [](S&, const Caller&, const RestRequest& r) { return CheckAccessNotGranted(r); }},
      {"ValidatePolicy", [](S&, const Caller&, const RestRequest& r) { return ValidatePolicy(r); }},
  };
  return table;
}

ApiResponse AccessAnalyzerService::Handle(const Caller& caller, const RestRequest& request) {
  const OperationTable& operations = Operations();
  auto it = operations.find(request.operation);
  if (it == operations.end()) {
    return RestJsonError(ValidationError(
        base::Concat("Perimeter does not implement ", request.operation, " yet"), "notSupported"));
  }
  return it->second(*this, caller, request);
}

ApiResult<store::Analyzer> AccessAnalyzerService::FindByName(const Caller& caller,
                                                             std::string_view name) {
  absl::StatusOr<std::optional<store::Analyzer>> analyzer =
      store_.GetAnalyzer(AnalyzerArn(caller.region, caller.account_id, name));
  if (!analyzer.ok()) return InternalError(std::string(analyzer.status().message()));
  if (!analyzer->has_value()) {
    return NotFoundError(base::Concat("Analyzer ", name, " not found"), std::string(name),
                         std::string(kAnalyzerResourceType));
  }
  return std::move(**analyzer);
}

ApiResult<store::Analyzer> AccessAnalyzerService::FindByArn(const Caller& caller,
                                                            std::string_view field,
                                                            const std::optional<std::string>& arn) {
  std::optional<ParsedAnalyzerArn> parsed = arn ? ParseAnalyzerArn(*arn) : std::nullopt;
  if (!parsed) {
    std::string message = arn ? "Member must satisfy regular expression pattern: "
                                "[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:analyzer/.{1,255}"
                              : "Member must not be null";
    return RequestReader::FieldError(field, message);
  }
  if (parsed->account != caller.account_id || parsed->region != caller.region) {
    return NotFoundError(base::Concat("Analyzer ", *arn, " not found"), *arn,
                         std::string(kAnalyzerResourceType));
  }
  return FindByName(caller, parsed->name);
}

namespace {

std::string TokenScope(const Caller& caller, std::string_view operation, std::string_view token) {
  return base::Concat(caller.account_id, "/", caller.region, "/", operation, "/", token);
}

// What makes two requests "the same" for a client token: the operation, the path labels, the query
// and the body's top-level members, without the token itself and independent of member order.
std::string RequestFingerprint(const RestRequest& request) {
  std::string text = base::Concat(request.operation, "\n");
  for (const auto& [name, value] : request.labels)
    text.append(base::Concat(name, "=", value, "\n"));
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& entry : request.query) {
    if (entry.first != "clientToken") query.push_back(entry);
  }
  std::sort(query.begin(), query.end());
  for (const auto& [name, value] : query) text.append(base::Concat("?", name, "=", value, "\n"));
  json::ParseResult body = json::Parse(request.body.empty() ? std::string("{}") : request.body);
  if (body.ok() && body.document.root().is_object()) {
    std::vector<std::pair<std::string_view, std::string_view>> members;
    for (json::Value member : body.document.root().members()) {
      if (member.key() != "clientToken") members.emplace_back(member.key(), member.source_text());
    }
    std::sort(members.begin(), members.end());
    for (const auto& [name, value] : members) text.append(base::Concat(name, ":", value, "\n"));
  } else {
    text.append(request.body);
  }
  return aws::sigv4::HexSha256(text);
}

}  // namespace

ApiResult<std::optional<std::string>> AccessAnalyzerService::SeenToken(
    const Caller& caller, const RestRequest& request, const std::optional<std::string>& token) {
  if (!token || token->empty()) return std::optional<std::string>();
  absl::StatusOr<std::optional<std::string>> seen =
      store_.GetClientToken(TokenScope(caller, request.operation, *token));
  if (!seen.ok() || !seen->has_value()) return std::optional<std::string>();
  // Remembered as "FINGERPRINT RESULT"; a token stored without a fingerprint matches any request.
  std::string_view remembered = **seen;
  size_t space = remembered.find(' ');
  if (space == 64) {
    if (remembered.substr(0, space) != RequestFingerprint(request)) {
      return ConflictError(
          base::Concat("Client token ", *token, " was already used for a different ",
                       request.operation, " request"),
          *token, "ClientToken");
    }
    remembered.remove_prefix(space + 1);
  }
  return std::optional<std::string>(remembered);
}

AccessAnalyzerService::TokenClaim::TokenClaim(AccessAnalyzerService& service, const Caller& caller,
                                              const RestRequest& request,
                                              const std::optional<std::string>& token)
    : service_(service) {
  if (!token || token->empty()) return;
  std::string scope = TokenScope(caller, request.operation, *token);
  std::unique_lock lock(service_.tokens_mutex_);
  service_.token_released_.wait(lock, [&] { return !service_.claimed_tokens_.contains(scope); });
  service_.claimed_tokens_.insert(scope);
  scope_ = std::move(scope);
}

AccessAnalyzerService::TokenClaim::~TokenClaim() {
  if (scope_.empty()) return;
  {
    std::lock_guard lock(service_.tokens_mutex_);
    service_.claimed_tokens_.erase(scope_);
  }
  service_.token_released_.notify_all();
}

void AccessAnalyzerService::RememberToken(const Caller& caller, const RestRequest& request,
                                          const std::optional<std::string>& token,
                                          std::string_view result) {
  if (!token || token->empty()) return;
  // Best effort: losing a token only makes a retry act like a new request, which AWS's own expiry
  // does too.
  (void)store_.PutClientToken(TokenScope(caller, request.operation, *token),
                              base::Concat(RequestFingerprint(request), " ", result));
}

ApiResponse AccessAnalyzerService::ModifyFindingsOnce(
    const Caller& caller, const RestRequest& request, const std::optional<std::string>& token,
    const std::optional<std::string>& analyzer_arn, const store::FindingSelection& selection,
    const FindingsDecision& decide) {
  TokenClaim claim(*this, caller, request, token);
  API_ASSIGN_OR_RETURN(std::optional<std::string> seen, SeenToken(caller, request, token));
  if (seen) return Ok();
  API_ASSIGN_OR_RETURN(store::Analyzer analyzer, FindByArn(caller, "analyzerArn", analyzer_arn));
  API_RETURN_IF_ERROR(FindingsBlocked(analyzer));
  std::optional<AwsError> refusal;
  absl::StatusOr<bool> written =
      store_.ModifyFindings(analyzer.arn, selection,
                            [&](const store::FindingsSnapshot& snapshot)
                                -> absl::StatusOr<std::optional<store::FindingChanges>> {
                              if ((refusal = FindingsBlocked(snapshot.analyzer)))
                                return std::nullopt;  // deregistered meanwhile
                              return decide(snapshot, refusal);
                            });
  if (!written.ok()) return Internal(written.status());
  API_RETURN_IF_ERROR(refusal);
  if (!*written) {  // deleted since FindByArn
    return RestJsonError(NotFoundError(base::Concat("Analyzer ", analyzer.arn, " not found"),
                                       analyzer.arn, std::string(kAnalyzerResourceType)));
  }
  RememberToken(caller, request, token, "");
  return Ok();
}

absl::Status AccessAnalyzerService::RefreshOrganizationAnalyzers() {
  std::lock_guard lock(write_mutex_);
  std::shared_ptr<const service::Environment> environment = environment_();
  return service::RefreshOrganizationAnalyzers(store_, *environment, schedule_);
}

}  // namespace perimeter::api
