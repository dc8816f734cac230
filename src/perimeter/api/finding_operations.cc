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
  // GetFindingV2 pages findingDetails (maxResults, nextToken): an UnusedPermission finding has one
  // entry per unused service; the other types have one.
  RequestReader reader("");
  std::optional<int64_t> max_results = QueryInt(request, "maxResults", reader);
  if (!reader.ok()) return RestJsonError(reader.error());
  absl::StatusOr<std::optional<findings::FindingRecord>> record = store_.GetFinding(found.arn, id);
  if (!record.ok()) return Internal(record.status());
  if (!record->has_value()) return not_found();
  findings::FindingRecord& found_record = **record;
  std::vector<findings::UnusedFindingDetails>& details = found_record.finding.unused_details;
  API_ASSIGN_OR_RETURN(
      Bounds bounds,
      PageOf(findings::IsUnusedAccessType(found_record.finding.type) ? details.size() : 1,
             request.Query("nextToken"), max_results));
  if (findings::IsUnusedAccessType(found_record.finding.type)) {
    details = std::vector<findings::UnusedFindingDetails>(details.begin() + bounds.begin,
                                                          details.begin() + bounds.end);
  }
  std::string body = findings::GetFindingV2ResponseJson(found_record);
  if (bounds.next_token) {
    // The response object with nextToken as its last member.
    body.pop_back();
    body.append(",\"nextToken\":");
    json::AppendQuotedValidUtf8(body, *bounds.next_token);
    body.push_back('}');
  }
  return Ok(std::move(body));
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
  // The union member of the analyzer's family, each with its totals by status (API Reference,
  // "FindingsStatistics", "ExternalAccessFindingsStatistics", "InternalAccessFindingsStatistics",
  // "UnusedAccessFindingsStatistics").
  struct ExternalCounts {
    int64_t public_count = 0, cross_account = 0, errors = 0;  // active findings
  };
  struct StatusCounts {
    int64_t active = 0, archived = 0, resolved = 0;
    void Add(findings::FindingStatus status, int64_t count) {
      switch (status) {
        case findings::FindingStatus::kActive:
          active += count;
          break;
        case findings::FindingStatus::kArchived:
          archived += count;
          break;
        case findings::FindingStatus::kResolved:
          resolved += count;
          break;
      }
    }
  };
  struct AccountCounts {
    int64_t active = 0;
    std::map<std::string, int64_t> per_type;  // FindingAggregationAccountDetails.details
  };
  StatusCounts totals;
  std::map<std::string, ExternalCounts> external;        // by resource type, active findings
  std::map<std::string, StatusCounts> internal;          // by resource type
  std::map<std::string, int64_t> unused_types;           // by unused access type, active findings
  std::map<std::string, AccountCounts> unused_accounts;  // by account, active findings
  absl::Time last = analyzer.created_at;
  if (counted->latest) last = std::max(last, *counted->latest);
  for (const store::FindingGroupCount& group : counted->groups) {
    totals.Add(group.status, group.count);
    internal[group.resource_type].Add(group.status, group.count);
    if (group.status != findings::FindingStatus::kActive) continue;
    ExternalCounts& counts = external[group.resource_type];
    if (group.error) {
      counts.errors += group.count;
    } else if (group.is_public) {
      counts.public_count += group.count;
    } else {
      counts.cross_account += group.count;
    }
    std::string type(findings::FindingTypeName(group.finding_type));
    unused_types[type] += group.count;
    AccountCounts& account = unused_accounts[group.owner];
    account.active += group.count;
    account.per_type[type] += group.count;
  }
  json::Writer w;
  w.BeginObject().Key("findingsStatistics").BeginArray().BeginObject();
  switch (analyzer.type) {
    case store::AnalyzerType::kAccount:
    case store::AnalyzerType::kOrganization:
      w.Key("externalAccessFindingsStatistics").BeginObject();
      w.Key("resourceTypeStatistics").BeginObject();
      for (const auto& [type, counts] : external) {
        w.Key(type).BeginObject().Key("totalActivePublic").Int(counts.public_count);
        w.Key("totalActiveCrossAccount").Int(counts.cross_account);
        w.Key("totalActiveErrors").Int(counts.errors).EndObject();
      }
      w.EndObject();
      break;
    case store::AnalyzerType::kAccountInternalAccess:
    case store::AnalyzerType::kOrganizationInternalAccess:
      // InternalAccessResourceTypeDetails: every status, per resource type.
      w.Key("internalAccessFindingsStatistics").BeginObject();
      w.Key("resourceTypeStatistics").BeginObject();
      for (const auto& [type, counts] : internal) {
        w.Key(type).BeginObject().Key("totalActiveFindings").Int(counts.active);
        w.Key("totalArchivedFindings").Int(counts.archived);
        w.Key("totalResolvedFindings").Int(counts.resolved).EndObject();
      }
      w.EndObject();
      break;
    case store::AnalyzerType::kAccountUnusedAccess:
    case store::AnalyzerType::kOrganizationUnusedAccess: {
      // Active findings per unused access type, and topAccounts: the one to ten accounts with the
      // most active findings ("FindingAggregationAccountDetails"), ties by account id, each with
      // its count per type.
      w.Key("unusedAccessFindingsStatistics").BeginObject();
      w.Key("unusedAccessTypeStatistics").BeginArray();
      for (const auto& [type, total] : unused_types) {
        w.BeginObject().Key("unusedAccessType").String(type).Key("total").Int(total).EndObject();
      }
      w.EndArray();
      if (!unused_accounts.empty()) {
        std::vector<std::pair<std::string, const AccountCounts*>> accounts;
        for (const auto& [account, counts] : unused_accounts)
          accounts.emplace_back(account, &counts);
        std::stable_sort(accounts.begin(), accounts.end(), [](const auto& a, const auto& b) {
          return a.second->active > b.second->active;
        });
        if (accounts.size() > 10) accounts.resize(10);
        w.Key("topAccounts").BeginArray();
        for (const auto& [account, counts] : accounts) {
          w.BeginObject().Key("account").String(account);
          w.Key("numberOfActiveFindings").Int(counts->active).Key("details").BeginObject();
          for (const auto& [type, count] : counts->per_type) w.Key(type).Int(count);
          w.EndObject().EndObject();
        }
        w.EndArray();
      }
      break;
    }
  }
  w.Key("totalActiveFindings").Int(totals.active).Key("totalArchivedFindings").Int(totals.archived);
  w.Key("totalResolvedFindings").Int(totals.resolved);
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
