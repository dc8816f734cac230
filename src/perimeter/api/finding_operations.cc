#include <algorithm>
#include <map>
#include <set>

#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/internal/operation_support.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/finding_json.h"
#include "perimeter/findings/lifecycle.h"
#include "perimeter/findings/listing.h"
#include "perimeter/json/writer.h"

namespace perimeter::api {

ApiResponse AccessAnalyzerService::ListFindings(const Caller& caller, const RestRequest& request,
                                                bool v2) {
  RequestReader reader(request.body);
  auto [analyzer_arn, next_token, max_results, filter] = ReadFindingListMembers(reader);
  findings::FindingSort sort;
  if (std::optional<json::Value> value = reader.Member("sort")) {
    std::vector<base::Issue> issues;
    std::optional<findings::FindingSort> parsed = findings::ParseFindingSort(*value, issues);
    reader.AddIssues("sort", issues);
    if (parsed) sort = *parsed;
  }
  if (!reader.ok()) return RestJsonError(reader.error());
  API_ASSIGN_OR_RETURN(store::Analyzer found, FindByArn(caller, "analyzerArn", analyzer_arn));
  API_RETURN_IF_ERROR(FindingsBlocked(found));
  // Keyset pagination in the store (store::FindingPageQuery): the same pages as findings::Paginate
  // over the sorted, filtered listing, without loading the analyzer's other findings.
  store::FindingPageQuery query;
  query.sort = sort;
  if (max_results && *max_results < 1) {
    return RestJsonError(ValidationError("maxResults must be at least 1", "fieldValidationFailed",
                                         {{"maxResults", "maxResults must be at least 1"}}));
  }
  query.limit = static_cast<size_t>(std::min<int64_t>(
      max_results.value_or(findings::kDefaultMaxResults), findings::kMaxMaxResults));
  if (next_token) {
    absl::StatusOr<findings::PageToken> token = findings::DecodePageToken(*next_token);
    std::string message;
    if (!token.ok()) {
      message = std::string(token.status().message());
    } else if (token->sort.attribute != sort.attribute || token->sort.order != sort.order) {
      message = "nextToken was issued for another sort";
    }
    if (!message.empty()) {
      return RestJsonError(
          ValidationError(message, "fieldValidationFailed", {{"nextToken", message}}));
    }
    query.after = std::move(*token);
  }
  if (!filter->empty()) query.filter = &*filter;
  absl::StatusOr<store::FindingPage> page = store_.ListFindingsPage(found.arn, query);
  if (!page.ok()) return Internal(page.status());
  std::optional<std::string> token;
  if (page->more) {
    const findings::FindingRecord& last = page->entries.back()->summary;
    token = findings::EncodePageToken(
        findings::PageToken{sort, findings::SortValue(last, sort.attribute), last.id()});
  }
  // The store keeps each finding's JSON: a ListFindings page is its texts joined; ListFindingsV2
  // needs only the summaries.
  if (v2) {
    std::vector<findings::FindingRecord> summaries;
    summaries.reserve(page->entries.size());
    for (const auto& entry : page->entries) summaries.push_back(entry->summary);
    return Ok(findings::ListFindingsV2ResponseJson(summaries, token));
  }
  std::vector<std::string_view> objects;
  objects.reserve(page->entries.size());
  for (const auto& entry : page->entries) objects.push_back(entry->finding_json);
  return Ok(findings::ListFindingsResponseJsonFromObjects(objects, token));
}

ApiResponse AccessAnalyzerService::GetFinding(const Caller& caller, const RestRequest& request,
                                              bool v2) {
  API_ASSIGN_OR_RETURN(store::Analyzer found,
                       FindByArn(caller, "analyzerArn", request.Query("analyzerArn")));
  API_RETURN_IF_ERROR(FindingsBlocked(found));
  const std::string& id = request.labels.at("id");
  auto not_found = [&id] {
    return RestJsonError(NotFoundError(base::Concat("Finding ", id, " not found"), id,
                                       std::string(kFindingResourceType)));
  };
  if (!v2) {
    // GetFinding's `finding` is what the store keeps for listings.
    absl::StatusOr<std::shared_ptr<const store::ListedFinding>> listed =
        store_.GetListedFinding(found.arn, id);
    if (!listed.ok()) return Internal(listed.status());
    if (*listed == nullptr) return not_found();
    return Ok(findings::GetFindingResponseJsonFromObject((*listed)->finding_json));
  }
  absl::StatusOr<std::optional<findings::FindingRecord>> record = store_.GetFinding(found.arn, id);
  if (!record.ok()) return Internal(record.status());
  if (!record->has_value()) return not_found();
  return Ok(findings::GetFindingV2ResponseJson(**record));
}

ApiResponse AccessAnalyzerService::UpdateFindings(const Caller& caller,
                                                  const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> analyzer_arn = reader.String("analyzerArn", true);
  std::optional<std::string> status_name = reader.String("status", true);
  std::optional<std::vector<std::string>> ids = reader.Strings("ids");
  std::optional<std::string> resource_arn = reader.String("resourceArn");
  std::optional<std::string> token = reader.String("clientToken");
  std::optional<findings::FindingStatus> status =
      status_name ? findings::ParseFindingStatus(*status_name) : std::nullopt;
  if (status_name && (!status || *status == findings::FindingStatus::kResolved)) {
    reader.Violation("status", "Member must satisfy enum value set: [ACTIVE, ARCHIVED]");
  }
  if (reader.ok() && !ids && !resource_arn) {
    reader.Violation("ids", "Either ids or resourceArn must be specified");
  }
  if (ids && resource_arn)
    reader.Violation("resourceArn", "Specify either ids or resourceArn, not both");
  if (!reader.ok()) return RestJsonError(reader.error());
  // Read, checked and written in one transaction (store::ModifyFindings): the analysis cannot write
  // an older copy of these findings between the read and the write, nor revert this change after
  // it.
  absl::Time now = absl::FromUnixMillis(clock_.Now());
  auto decide = [&](const store::FindingsSnapshot& snapshot, std::optional<AwsError>& refusal)
      -> absl::StatusOr<std::optional<store::FindingChanges>> {
    std::vector<findings::FindingRecord> targets;
    if (ids) {
      for (const std::string& id : *ids) {
        auto it =
            std::find_if(snapshot.findings.begin(), snapshot.findings.end(),
                         [&](const findings::FindingRecord& record) { return record.id() == id; });
        if (it == snapshot.findings.end()) {
          refusal = NotFoundError(base::Concat("Finding ", id, " not found"), id,
                                  std::string(kFindingResourceType));
          return std::nullopt;
        }
        if (std::none_of(
                targets.begin(), targets.end(),
                [&](const findings::FindingRecord& record) { return record.id() == id; })) {
          targets.push_back(*it);
        }
      }
    } else {
      for (const findings::FindingRecord& record : snapshot.findings) {
        if (record.status != findings::FindingStatus::kResolved) targets.push_back(record);
      }
    }
    store::FindingChanges changes;
    // The status history names who archived or unarchived (docs/console.md).
    changes.cause =
        store::StatusCause{store::StatusChangeCause::kUpdateFindings, caller.principal_arn};
    for (findings::FindingRecord& record : targets) {
      absl::StatusOr<bool> updated = findings::UpdateFindingStatus(record, *status, now);
      if (!updated.ok()) {
        refusal = ValidationError(
            base::Concat("Finding ", record.id(), ": ", std::string(updated.status().message())),
            "fieldValidationFailed", {{"ids", std::string(updated.status().message())}});
        return std::nullopt;
      }
      if (*updated) changes.records.push_back(record);
    }
    return changes;
  };
  store::FindingSelection selection;
  if (ids) {
    selection.ids = *ids;
  } else {
    selection.resource_arn = *resource_arn;
  }
  return ModifyFindingsOnce(caller, request, token, analyzer_arn, selection, decide);
}

ApiResponse AccessAnalyzerService::GetFindingsStatistics(const Caller& caller,
                                                         const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> analyzer_arn = reader.String("analyzerArn", true);
  if (!reader.ok()) return RestJsonError(reader.error());
  API_ASSIGN_OR_RETURN(store::Analyzer found, FindByArn(caller, "analyzerArn", analyzer_arn));
  API_RETURN_IF_ERROR(FindingsBlocked(found));
  const store::Analyzer& analyzer = found;
  // Counted by the store (an aggregate query for SQLite), not by loading the findings.
  absl::StatusOr<store::FindingCounts> counted = store_.CountFindings(analyzer.arn);
  if (!counted.ok()) return Internal(counted.status());
  struct PerType {
    int64_t public_count = 0, cross_account = 0, errors = 0;
  };
  std::map<std::string, PerType> per_type;
  int64_t active = 0, archived = 0, resolved = 0;
  absl::Time last = analyzer.created_at;
  if (counted->latest) last = std::max(last, *counted->latest);
  for (const store::FindingGroupCount& group : counted->groups) {
    switch (group.status) {
      case findings::FindingStatus::kActive: {
        active += group.count;
        PerType& counts = per_type[group.resource_type];
        if (group.error) {
          counts.errors += group.count;
        } else if (group.is_public) {
          counts.public_count += group.count;
        } else {
          counts.cross_account += group.count;
        }
        break;
      }
      case findings::FindingStatus::kArchived:
        archived += group.count;
        break;
      case findings::FindingStatus::kResolved:
        resolved += group.count;
        break;
    }
  }
  json::Writer w;
  w.BeginObject().Key("findingsStatistics").BeginArray().BeginObject();
  if (store::IsExternalAccessType(analyzer.type)) {
    w.Key("externalAccessFindingsStatistics")
        .BeginObject()
        .Key("resourceTypeStatistics")
        .BeginObject();
    for (const auto& [type, counts] : per_type) {
      w.Key(type).BeginObject().Key("totalActivePublic").Int(counts.public_count);
      w.Key("totalActiveCrossAccount")
          .Int(counts.cross_account)
          .Key("totalActiveErrors")
          .Int(counts.errors);
      w.EndObject();
    }
    w.EndObject();
  } else if (analyzer.type == store::AnalyzerType::kAccountUnusedAccess ||
             analyzer.type == store::AnalyzerType::kOrganizationUnusedAccess) {
    // Per finding type and per account, from the findings: the store's counts group by resource
    // type (API Reference, "UnusedAccessFindingsStatistics", "UnusedAccessTypeStatistics",
    // "FindingAggregationAccountDetails": topAccounts holds one to ten accounts).
    absl::StatusOr<std::vector<findings::FindingRecord>> listed = store_.ListFindings(analyzer.arn);
    if (!listed.ok()) return Internal(listed.status());
    std::map<std::string, int64_t> per_finding_type, per_account;
    for (const findings::FindingRecord& record : *listed) {
      if (record.status != findings::FindingStatus::kActive) continue;
      ++per_finding_type[std::string(findings::FindingTypeName(record.finding.type))];
      ++per_account[record.finding.resource_owner_account];
    }
    w.Key("unusedAccessFindingsStatistics").BeginObject();
    w.Key("unusedAccessTypeStatistics").BeginArray();
    for (const auto& [type, total] : per_finding_type) {
      w.BeginObject().Key("unusedAccessType").String(type).Key("total").Int(total).EndObject();
    }
    w.EndArray();
    if (!per_account.empty()) {
      std::vector<std::pair<std::string, int64_t>> accounts(per_account.begin(), per_account.end());
      std::stable_sort(accounts.begin(), accounts.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      if (accounts.size() > 10) accounts.resize(10);
      w.Key("topAccounts").BeginArray();
      for (const auto& [account, total] : accounts) {
        w.BeginObject().Key("account").String(account).Key("numberOfActiveFindings").Int(total);
        w.EndObject();
      }
      w.EndArray();
    }
  } else {
    w.Key("internalAccessFindingsStatistics")
        .BeginObject()
        .Key("resourceTypeStatistics")
        .BeginObject()
        .EndObject();
  }
  w.Key("totalActiveFindings").Int(active).Key("totalArchivedFindings").Int(archived);
  w.Key("totalResolvedFindings").Int(resolved);
  w.EndObject().EndObject().EndArray();
  w.Key("lastUpdatedAt").String(Timestamp(last));
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::ListAnalyzedResources(const Caller& caller,
                                                         const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> analyzer_arn = reader.String("analyzerArn", true);
  std::optional<std::string> resource_type = reader.String("resourceType");
  std::optional<std::string> next_token = reader.String("nextToken");
  std::optional<int64_t> max_results = reader.Int("maxResults");
  if (!reader.ok()) return RestJsonError(reader.error());
  API_ASSIGN_OR_RETURN(store::Analyzer found, FindByArn(caller, "analyzerArn", analyzer_arn));
  API_RETURN_IF_ERROR(FindingsBlocked(found));
  const store::Analyzer& analyzer = found;
  std::shared_ptr<const service::Environment> environment = environment_();
  std::vector<service::ResourceSummary> selected;
  if (store::IsExternalAccessType(analyzer.type)) {
    for (service::ResourceSummary& resource : catalog_()->Resources()) {
      if (!service::InScope(analyzer, resource, *environment)) continue;
      if (resource_type && resource.type != *resource_type) continue;
      selected.push_back(std::move(resource));
    }
  }
  std::sort(selected.begin(), selected.end(),
            [](const auto& a, const auto& b) { return a.arn < b.arn; });
  API_ASSIGN_OR_RETURN(Bounds bounds, PageOf(selected.size(), next_token, max_results));
  json::Writer w;
  w.BeginObject().Key("analyzedResources").BeginArray();
  for (size_t i = bounds.begin; i < bounds.end; ++i) {
    w.BeginObject().Key("resourceArn").String(selected[i].arn);
    w.Key("resourceOwnerAccount").String(selected[i].owner_account);
    w.Key("resourceType").String(selected[i].type).EndObject();
  }
  w.EndArray();
  if (bounds.next_token) w.Key("nextToken").String(*bounds.next_token);
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::GetAnalyzedResource(const Caller& caller,
                                                       const RestRequest& request) {
  API_ASSIGN_OR_RETURN(store::Analyzer found,
                       FindByArn(caller, "analyzerArn", request.Query("analyzerArn")));
  API_RETURN_IF_ERROR(FindingsBlocked(found));
  const store::Analyzer& analyzer = found;
  std::optional<std::string> resource_arn = request.Query("resourceArn");
  if (!resource_arn) {
    return RestJsonError(RequestReader::FieldError("resourceArn", "Member must not be null"));
  }
  // The claim on the ARN this analyzer sees (an ARN without an account may have one per owner).
  std::optional<service::ResourceSummary> resource;
  std::shared_ptr<const service::Environment> environment = environment_();
  for (service::ResourceSummary& claim : catalog_()->FindClaims(*resource_arn)) {
    if (!resource && service::InScope(analyzer, claim, *environment)) resource = std::move(claim);
  }
  if (!resource || !store::IsExternalAccessType(analyzer.type)) {
    return RestJsonError(
        NotFoundError(base::Concat("Analyzed resource ", *resource_arn, " not found"),
                      *resource_arn, "AWS::AccessAnalyzer::AnalyzedResource"));
  }
  absl::StatusOr<std::vector<findings::FindingRecord>> records =
      store_.ListFindingsForResource(analyzer.arn, *resource_arn);
  if (!records.ok()) return Internal(records.status());
  absl::Time created = analyzer.created_at;
  absl::Time analyzed = analyzer.last_resource_analyzed_at.value_or(analyzer.created_at);
  absl::Time updated = created;
  bool is_public = false;
  std::set<std::string> actions, shared_via;
  std::optional<std::string> status, error;
  bool first = true;
  for (const findings::FindingRecord& record : *records) {
    if (first || record.created_at < created) created = record.created_at;
    first = false;
    analyzed = std::max(analyzed, record.analyzed_at);
    updated = std::max(updated, record.updated_at);
    if (record.status == findings::FindingStatus::kResolved) continue;
    if (record.finding.error) error = *record.finding.error;
    if (record.status == findings::FindingStatus::kActive) status = "ACTIVE";
    if (!status) status = "ARCHIVED";
    is_public = is_public || record.finding.is_public;
    actions.insert(record.finding.actions.begin(), record.finding.actions.end());
    for (const findings::FindingSource& source : record.finding.sources) {
      shared_via.insert(std::string(findings::FindingSourceTypeName(source.type)));
    }
  }
  json::Writer w;
  w.BeginObject().Key("resource").BeginObject();
  w.Key("resourceArn").String(resource->arn).Key("resourceType").String(resource->type);
  w.Key("createdAt").String(Timestamp(created)).Key("analyzedAt").String(Timestamp(analyzed));
  w.Key("updatedAt").String(Timestamp(updated)).Key("isPublic").Bool(is_public);
  w.Key("actions").StringArray(std::vector<std::string>(actions.begin(), actions.end()));
  w.Key("sharedVia").StringArray(std::vector<std::string>(shared_via.begin(), shared_via.end()));
  if (status) w.Key("status").String(*status);
  w.Key("resourceOwnerAccount").String(resource->owner_account);
  if (error) w.Key("error").String(*error);
  w.EndObject().EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::StartResourceScan(const Caller& caller,
                                                     const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> analyzer_arn = reader.String("analyzerArn", true);
  std::optional<std::string> resource_arn = reader.String("resourceArn", true);
  reader.String("resourceOwnerAccount");
  if (!reader.ok()) return RestJsonError(reader.error());
  API_ASSIGN_OR_RETURN(store::Analyzer found, FindByArn(caller, "analyzerArn", analyzer_arn));
  API_RETURN_IF_ERROR(FindingsBlocked(found));
  schedule_(service::ScanJob{found.arn, *resource_arn});
  return Ok();
}

}  // namespace perimeter::api
