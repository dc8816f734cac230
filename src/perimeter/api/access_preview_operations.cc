// Access previews: CreateAccessPreview, GetAccessPreview, ListAccessPreviews,
// ListAccessPreviewFindings (API reference of each operation; docs/previews.md). The preview is
// computed by service/access_preview.h when it is created, synchronously (milliseconds for one
// resource), and stored once, COMPLETED or FAILED with its findings: CreateAccessPreview answers
// after that write, so a client that polls GetAccessPreview (as the IaC validators do) sees the
// final status at once, and no preview is ever left CREATING.
#include <algorithm>

#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/internal/operation_support.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/access_preview_finding.h"
#include "perimeter/findings/listing.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"
#include "perimeter/service/access_preview.h"

namespace perimeter::api {

namespace {

constexpr std::string_view kAccessPreviewResourceType = "AWS::AccessAnalyzer::AccessPreview";

// The model's AccessPreviewId pattern:
// [a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}.
std::string UuidFromHex(std::string_view hex) {
  return base::Concat(hex.substr(0, 8), "-", hex.substr(8, 4), "-4", hex.substr(13, 3), "-",
                      hex.substr(16, 4), "-", hex.substr(20, 12));
}

// The AccessPreview object (GetAccessPreview's accessPreview): id, analyzerArn, configurations as
// proposed, createdAt, status, statusReason. statusReason also carries a `message` (Perimeter's
// addition, which clients ignore) saying what was wrong.
std::string PreviewJson(std::string_view id, std::string_view analyzer_arn,
                        const json::Value& configurations, absl::Time created_at,
                        service::AccessPreviewStatus status,
                        const std::optional<service::AccessPreviewFailure>& failure,
                        std::string_view message) {
  json::Writer w;
  w.BeginObject().Key("id").String(id).Key("analyzerArn").String(analyzer_arn);
  w.Key("configurations").Copy(configurations);
  w.Key("createdAt").String(Timestamp(created_at));
  w.Key("status").String(service::AccessPreviewStatusName(status));
  if (failure) {
    w.Key("statusReason")
        .BeginObject()
        .Key("code")
        .String(service::AccessPreviewFailureName(*failure));
    if (!message.empty()) w.Key("message").String(message);
    w.EndObject();
  }
  w.EndObject();
  return std::move(w).Take();
}

}  // namespace

ApiResponse AccessAnalyzerService::CreateAccessPreview(const Caller& caller,
                                                       const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> analyzer_arn = reader.String("analyzerArn", true);
  std::optional<std::string> token = reader.String("clientToken");
  std::optional<json::Value> configurations = reader.Member("configurations");
  if (!configurations) {
    reader.Violation("configurations", "Member must not be null");
  } else if (!configurations->is_object()) {
    reader.Violation("configurations", "Member must be a map of resource ARN to Configuration");
  } else if (configurations->size() == 0) {
    reader.Violation("configurations", "Member must have at least 1 entry");
  } else {
    for (json::Value entry : configurations->members()) {
      if (!entry.is_object()) {
        reader.Violation(base::Concat("configurations.", entry.key()),
                         "Member must be a Configuration object");
      }
    }
  }
  if (!reader.ok()) return RestJsonError(reader.error());
  API_ASSIGN_OR_RETURN(std::optional<std::string> seen, SeenToken(caller, request, token));
  if (seen) return Ok(base::Concat("{\"id\":", json::Quote(*seen), "}"));
  API_ASSIGN_OR_RETURN(store::Analyzer analyzer, FindByArn(caller, "analyzerArn", analyzer_arn));
  // "You can only create an access preview for analyzers with an Account type and Active status"
  // (API reference, CreateAccessPreview.analyzerArn).
  if (analyzer.type != store::AnalyzerType::kAccount ||
      analyzer.status != store::AnalyzerStatus::kActive) {
    return RestJsonError(ValidationError(
        base::Concat("Access previews can be created only for ACTIVE analyzers of type ACCOUNT; ",
                     analyzer.arn, " is ", store::AnalyzerStatusName(analyzer.status), " ",
                     store::AnalyzerTypeName(analyzer.type)),
        "fieldValidationFailed",
        {{"analyzerArn", "Analyzer must be an ACTIVE analyzer of type ACCOUNT"}}));
  }
  std::vector<service::ProposedConfiguration> proposed;
  for (json::Value entry : configurations->members()) {
    proposed.push_back({std::string(entry.key()), std::string(entry.source_text())});
  }
  absl::Time now = absl::FromUnixMillis(clock_.Now());
  // A fresh id: a digest of the request and the time, unique among the analyzer's previews.
  std::string id;
  for (int attempt = 0;; ++attempt) {
    id = UuidFromHex(aws::sigv4::HexSha256(base::Concat(analyzer.arn, "\n", absl::ToUnixMicros(now),
                                                        "\n", attempt, "\n", request.body)));
    absl::StatusOr<std::optional<store::AccessPreviewRecord>> taken =
        store_.GetAccessPreview(analyzer.arn, id);
    if (!taken.ok()) return Internal(taken.status());
    if (!taken->has_value()) break;
  }
  absl::StatusOr<service::AccessPreviewResult> result = service::PreviewForAnalyzer(
      store_, analyzer, *environment_(), *catalog_(), proposed, id, now);
  if (!result.ok()) {
    service::AccessPreviewResult failed;
    failed.status = service::AccessPreviewStatus::kFailed;
    failed.failure = service::AccessPreviewFailure::kInternalError;
    failed.message = std::string(result.status().message());
    result = std::move(failed);
  }
  // Written once, in its final state: a preview is never left CREATING by a crash mid-way.
  store::AccessPreviewRecord record{analyzer.arn, id, now,
                                    PreviewJson(id, analyzer.arn, *configurations, now,
                                                result->status, result->failure, result->message),
                                    findings::EncodeAccessPreviewFindings(result->findings)};
  if (absl::Status status = store_.PutAccessPreview(record); !status.ok()) return Internal(status);
  RememberToken(caller, request, token, id);
  return Ok(base::Concat("{\"id\":", json::Quote(id), "}"));
}

ApiResult<store::AccessPreviewRecord> AccessAnalyzerService::FindAccessPreview(
    const Caller& caller, const std::optional<std::string>& analyzer_arn, std::string_view id) {
  API_ASSIGN_OR_RETURN(store::Analyzer analyzer, FindByArn(caller, "analyzerArn", analyzer_arn));
  absl::StatusOr<std::optional<store::AccessPreviewRecord>> record =
      store_.GetAccessPreview(analyzer.arn, id);
  if (!record.ok()) return InternalError(std::string(record.status().message()));
  if (!record->has_value()) {
    return NotFoundError(base::Concat("Access preview ", id, " not found"), std::string(id),
                         std::string(kAccessPreviewResourceType));
  }
  return std::move(**record);
}

ApiResponse AccessAnalyzerService::GetAccessPreview(const Caller& caller,
                                                    const RestRequest& request) {
  API_ASSIGN_OR_RETURN(store::AccessPreviewRecord record,
                       FindAccessPreview(caller, request.Query("analyzerArn"),
                                         request.labels.at("accessPreviewId")));
  return Ok(base::Concat("{\"accessPreview\":", record.preview_json, "}"));
}

ApiResponse AccessAnalyzerService::ListAccessPreviews(const Caller& caller,
                                                      const RestRequest& request) {
  RequestReader reader("");
  std::optional<int64_t> max_results = QueryInt(request, "maxResults", reader);
  if (!reader.ok()) return RestJsonError(reader.error());
  API_ASSIGN_OR_RETURN(store::Analyzer analyzer,
                       FindByArn(caller, "analyzerArn", request.Query("analyzerArn")));
  absl::StatusOr<std::vector<store::AccessPreviewRecord>> previews =
      store_.ListAccessPreviews(analyzer.arn);
  if (!previews.ok()) return Internal(previews.status());
  API_ASSIGN_OR_RETURN(Bounds bounds,
                       PageOf(previews->size(), request.Query("nextToken"), max_results));
  // AccessPreviewSummary: the AccessPreview without its configurations.
  json::Writer w;
  w.BeginObject().Key("accessPreviews").BeginArray();
  for (size_t i = bounds.begin; i < bounds.end; ++i) {
    json::ParseResult parsed = json::Parse((*previews)[i].preview_json);
    if (!parsed.ok() || !parsed.document.root().is_object()) {
      return Internal(absl::InternalError("corrupt access preview record"));
    }
    w.BeginObject();
    for (json::Value member : parsed.document.root().members()) {
      if (member.key() != "configurations") w.Key(member.key()).Copy(member);
    }
    w.EndObject();
  }
  w.EndArray();
  if (bounds.next_token) w.Key("nextToken").String(*bounds.next_token);
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::ListAccessPreviewFindings(const Caller& caller,
                                                             const RestRequest& request) {
  RequestReader reader(request.body);
  auto [analyzer_arn, next_token, max_results, filter] = ReadFindingListMembers(reader);
  if (!reader.ok()) return RestJsonError(reader.error());
  const std::string& id = request.labels.at("accessPreviewId");
  API_ASSIGN_OR_RETURN(store::AccessPreviewRecord record,
                       FindAccessPreview(caller, analyzer_arn, id));
  json::ParseResult preview = json::Parse(record.preview_json);
  std::optional<json::Value> status = preview.ok() && preview.document.root().is_object()
                                          ? preview.document.root().Find("status")
                                          : std::nullopt;
  if (!status || status->text() != "COMPLETED") {
    // Findings exist only for a COMPLETED preview; the model's error for a resource in the wrong
    // state is ConflictException.
    return RestJsonError(ConflictError(
        base::Concat("Access preview ", id, " is ", status ? status->text() : "unreadable",
                     ", not COMPLETED: it has no findings"),
        id, std::string(kAccessPreviewResourceType)));
  }
  std::vector<base::Issue> issues;
  std::optional<std::vector<findings::AccessPreviewFinding>> found =
      findings::DecodeAccessPreviewFindings(record.findings_json, issues);
  if (!found) return Internal(absl::InternalError("corrupt access preview findings"));
  // Filtered as ListFindings filters (the same keys and operators, on the preview's status and
  // id), ordered and paged as ListFindings without a sort (findings/listing.h).
  // (An init-capture: clang 14 cannot capture a structured binding.)
  std::erase_if(*found, [&finding_filter = filter](const findings::AccessPreviewFinding& preview) {
    return !finding_filter->Matches(preview.record);
  });
  findings::FindingSort sort;
  std::sort(found->begin(), found->end(), [&](const auto& a, const auto& b) {
    return findings::SortsBefore(a.record, b.record, sort);
  });
  std::vector<findings::FindingRecord> records;
  records.reserve(found->size());
  for (const findings::AccessPreviewFinding& preview : *found) records.push_back(preview.record);
  absl::StatusOr<findings::Page> page = findings::Paginate(
      records, sort, next_token,
      max_results ? std::optional<int>(static_cast<int>(*max_results)) : std::nullopt);
  if (!page.ok()) {
    std::string message(page.status().message());
    return RestJsonError(ValidationError(message, "fieldValidationFailed",
                                         {{next_token ? "nextToken" : "maxResults", message}}));
  }
  json::Writer w;
  w.BeginObject().Key("findings").BeginArray();
  for (size_t i = page->begin; i < page->end; ++i) {
    findings::WriteAccessPreviewFinding(w, (*found)[i], /*perimeter_extras=*/false);
  }
  w.EndArray();
  if (page->next_token) w.Key("nextToken").String(*page->next_token);
  w.EndObject();
  return Ok(std::move(w).Take());
}

}  // namespace perimeter::api
