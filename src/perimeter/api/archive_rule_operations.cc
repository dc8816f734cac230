#include <algorithm>
#include <set>

#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/internal/operation_support.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/finding_json.h"
#include "perimeter/findings/lifecycle.h"
#include "perimeter/json/writer.h"

namespace perimeter::api {

ApiResponse AccessAnalyzerService::CreateOrUpdateArchiveRule(const Caller& caller,
                                                             const RestRequest& request,
                                                             bool create) {
  API_ASSIGN_OR_RETURN(store::Analyzer found,
                       FindByName(caller, request.labels.at("analyzerName")));
  const store::Analyzer& analyzer = found;
  RequestReader reader(request.body);
  std::optional<std::string> rule_name =
      create ? reader.String("ruleName", true)
             : std::optional<std::string>(request.labels.at("ruleName"));
  std::optional<std::string> token = reader.String("clientToken");
  if (rule_name && !MatchesRuleName(*rule_name)) {
    reader.Violation("ruleName",
                     "Member must satisfy regular expression pattern: [A-Za-z][A-Za-z0-9_.-]*");
  }
  std::optional<findings::FindingFilter> filter =
      ReadFilter(reader, findings::FilterUse::kArchiveRule, true);
  if (!reader.ok()) return RestJsonError(reader.error());
  TokenClaim claim(*this, caller, request, token);
  API_ASSIGN_OR_RETURN(std::optional<std::string> seen, SeenToken(caller, request, token));
  if (seen) return Ok();
  absl::Time now = absl::FromUnixMillis(clock_.Now());
  store::ArchiveRuleRecord record{analyzer.arn, *rule_name,
                                  std::string(reader.Member("filter")->source_text()), now, now};
  // Decided on the rules as stored at the write (store::Store::ModifyArchiveRules): two requests
  // creating the same rule at once get one 200 and one 409, and the quota holds.
  std::optional<AwsError> refusal;
  absl::StatusOr<bool> written = store_.ModifyArchiveRules(
      analyzer.arn,
      [&](const store::Analyzer&, const std::vector<store::ArchiveRuleRecord>& rules)
          -> std::optional<store::ArchiveRuleChanges> {
        const store::ArchiveRuleRecord* existing = nullptr;
        for (const store::ArchiveRuleRecord& rule : rules) {
          if (rule.rule_name == *rule_name) existing = &rule;
        }
        if (create && existing != nullptr) {
          refusal = ConflictError(base::Concat("Archive rule ", *rule_name, " already exists"),
                                  *rule_name, std::string(kArchiveRuleResourceType));
        } else if (create && rules.size() >= kMaxArchiveRules) {
          refusal = QuotaExceededError(
              "You have reached the quota of 100 archive rules for this analyzer", *rule_name,
              std::string(kArchiveRuleResourceType));
        } else if (!create && existing == nullptr) {
          refusal = NotFoundError(base::Concat("Archive rule ", *rule_name, " not found"),
                                  *rule_name, std::string(kArchiveRuleResourceType));
        }
        if (refusal) return std::nullopt;
        if (!create) record.created_at = existing->created_at;
        return store::ArchiveRuleChanges{{record}, {}};
      });
  if (!written.ok()) return Internal(written.status());
  API_RETURN_IF_ERROR(refusal);
  if (!*written) {  // deleted since FindByName
    return RestJsonError(NotFoundError(base::Concat("Analyzer ", analyzer.name, " not found"),
                                       analyzer.name, std::string(kAnalyzerResourceType)));
  }
  RememberToken(caller, request, token, "");
  return Ok();
}

namespace {

void WriteArchiveRule(json::Writer& w, const store::ArchiveRuleRecord& rule) {
  w.BeginObject().Key("ruleName").String(rule.rule_name).Key("filter");
  json::ParseResult parsed = json::Parse(rule.filter_json);
  std::vector<base::Issue> issues;
  std::optional<findings::FindingFilter> filter =
      parsed.ok() ? findings::ParseFindingFilter(parsed.document.root(),
                                                 findings::FilterUse::kArchiveRule, issues)
                  : std::nullopt;
  w.Raw(filter ? findings::FilterToJson(*filter) : std::string("{}"));
  w.Key("createdAt").String(Timestamp(rule.created_at));
  w.Key("updatedAt").String(Timestamp(rule.updated_at));
  w.EndObject();
}

}  // namespace

ApiResponse AccessAnalyzerService::GetArchiveRule(const Caller& caller,
                                                  const RestRequest& request) {
  API_ASSIGN_OR_RETURN(store::Analyzer found,
                       FindByName(caller, request.labels.at("analyzerName")));
  const std::string& rule_name = request.labels.at("ruleName");
  absl::StatusOr<std::optional<store::ArchiveRuleRecord>> rule =
      store_.GetArchiveRule(found.arn, rule_name);
  if (!rule.ok()) return Internal(rule.status());
  if (!rule->has_value()) {
    return RestJsonError(NotFoundError(base::Concat("Archive rule ", rule_name, " not found"),
                                       rule_name, std::string(kArchiveRuleResourceType)));
  }
  json::Writer w;
  w.BeginObject().Key("archiveRule");
  WriteArchiveRule(w, **rule);
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::ListArchiveRules(const Caller& caller,
                                                    const RestRequest& request) {
  API_ASSIGN_OR_RETURN(store::Analyzer found,
                       FindByName(caller, request.labels.at("analyzerName")));
  RequestReader reader("");
  std::optional<int64_t> max_results = QueryInt(request, "maxResults", reader);
  if (!reader.ok()) return RestJsonError(reader.error());
  absl::StatusOr<std::vector<store::ArchiveRuleRecord>> rules = store_.ListArchiveRules(found.arn);
  if (!rules.ok()) return Internal(rules.status());
  API_ASSIGN_OR_RETURN(Bounds bounds,
                       PageOf(rules->size(), request.Query("nextToken"), max_results));
  json::Writer w;
  w.BeginObject().Key("archiveRules").BeginArray();
  for (size_t i = bounds.begin; i < bounds.end; ++i) WriteArchiveRule(w, (*rules)[i]);
  w.EndArray();
  if (bounds.next_token) w.Key("nextToken").String(*bounds.next_token);
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::DeleteArchiveRule(const Caller& caller,
                                                     const RestRequest& request) {
  std::optional<std::string> token = request.Query("clientToken");
  TokenClaim claim(*this, caller, request, token);
  API_ASSIGN_OR_RETURN(std::optional<std::string> seen, SeenToken(caller, request, token));
  if (seen) return Ok();
  API_ASSIGN_OR_RETURN(store::Analyzer found,
                       FindByName(caller, request.labels.at("analyzerName")));
  const std::string& rule_name = request.labels.at("ruleName");
  // Checked and deleted in one step: of two deletions at once, one answers 404.
  std::optional<bool> existed;  // none: the analyzer was deleted since FindByName
  absl::StatusOr<bool> written = store_.ModifyArchiveRules(
      found.arn,
      [&](const store::Analyzer&, const std::vector<store::ArchiveRuleRecord>& rules)
          -> std::optional<store::ArchiveRuleChanges> {
        existed = std::any_of(
            rules.begin(), rules.end(),
            [&](const store::ArchiveRuleRecord& rule) { return rule.rule_name == rule_name; });
        if (!*existed) return std::nullopt;
        return store::ArchiveRuleChanges{{}, {rule_name}};
      });
  if (!written.ok()) return Internal(written.status());
  if (!existed) {
    return RestJsonError(NotFoundError(base::Concat("Analyzer ", found.name, " not found"),
                                       found.name, std::string(kAnalyzerResourceType)));
  }
  if (!*existed) {
    return RestJsonError(NotFoundError(base::Concat("Archive rule ", rule_name, " not found"),
                                       rule_name, std::string(kArchiveRuleResourceType)));
  }
  RememberToken(caller, request, token, "");
  return Ok();
}

ApiResponse AccessAnalyzerService::ApplyArchiveRule(const Caller& caller,
                                                    const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> analyzer_arn = reader.String("analyzerArn", true);
  std::optional<std::string> rule_name = reader.String("ruleName", true);
  std::optional<std::string> token = reader.String("clientToken");
  if (!reader.ok()) return RestJsonError(reader.error());
  // The rule and the findings are read in the transaction that archives them
  // (store::ModifyFindings): a finding the analysis changes meanwhile is archived as it now stands,
  // not reverted.
  absl::Time now = absl::FromUnixMillis(clock_.Now());
  auto decide = [&](const store::FindingsSnapshot& snapshot, std::optional<AwsError>& refusal)
      -> absl::StatusOr<std::optional<store::FindingChanges>> {
    const store::ArchiveRuleRecord* rule = nullptr;
    for (const store::ArchiveRuleRecord& entry : snapshot.archive_rules) {
      if (entry.rule_name == *rule_name) rule = &entry;
    }
    if (rule == nullptr) {
      refusal = NotFoundError(base::Concat("Archive rule ", *rule_name, " not found"), *rule_name,
                              std::string(kArchiveRuleResourceType));
      return std::nullopt;
    }
    json::ParseResult parsed = json::Parse(rule->filter_json);
    std::vector<base::Issue> issues;
    std::optional<findings::FindingFilter> filter =
        parsed.ok() ? findings::ParseFindingFilter(parsed.document.root(),
                                                   findings::FilterUse::kArchiveRule, issues)
                    : std::nullopt;
    if (!filter) return absl::InternalError("stored archive rule does not parse");
    std::vector<findings::FindingRecord> records = snapshot.findings;
    std::vector<std::string> archived = findings::ApplyArchiveRuleToRecords(
        findings::ArchiveRule{*rule_name, std::move(*filter)}, records, now);
    std::set<std::string> changed(archived.begin(), archived.end());
    store::FindingChanges changes;
    changes.cause = store::StatusCause{store::StatusChangeCause::kArchiveRule, *rule_name};
    for (findings::FindingRecord& record : records) {
      if (changed.contains(record.id())) changes.records.push_back(std::move(record));
    }
    return changes;
  };
  return ModifyFindingsOnce(caller, request, token, analyzer_arn, store::FindingSelection{},
                            decide);
}

}  // namespace perimeter::api
