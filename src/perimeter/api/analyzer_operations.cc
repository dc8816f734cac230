#include <algorithm>
#include <map>

#include "perimeter/analysis/internal_access_analysis.h"
#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/internal/operation_support.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/json/writer.h"

namespace perimeter::api {

namespace {

constexpr size_t kMaxOrganizationAnalyzers = 5;
constexpr size_t kMaxTags = 50;
constexpr int kDefaultUnusedAccessAge = 90;

void WriteAnalyzer(json::Writer& w, const store::Analyzer& analyzer) {
  w.BeginObject();
  w.Key("arn").String(analyzer.arn);
  w.Key("name").String(analyzer.name);
  w.Key("type").String(store::AnalyzerTypeName(analyzer.type));
  w.Key("createdAt").String(Timestamp(analyzer.created_at));
  if (!analyzer.last_resource_analyzed.empty()) {
    w.Key("lastResourceAnalyzed").String(analyzer.last_resource_analyzed);
  }
  if (analyzer.last_resource_analyzed_at) {
    w.Key("lastResourceAnalyzedAt").String(Timestamp(*analyzer.last_resource_analyzed_at));
  }
  w.Key("tags").StringMap(analyzer.tags);
  w.Key("status").String(store::AnalyzerStatusName(analyzer.status));
  if (analyzer.status_reason) {
    w.Key("statusReason")
        .BeginObject()
        .Key("code")
        .String(store::StatusReasonCodeName(*analyzer.status_reason));
    w.EndObject();
  }
  if (!analyzer.configuration_json.empty()) w.Key("configuration").Raw(analyzer.configuration_json);
  w.EndObject();
}

// Validates the AnalyzerConfiguration union for `type`; returns its JSON (defaulted for unused
// access), or "" when the type takes none.
std::optional<std::string> Configuration(store::AnalyzerType type, std::optional<json::Value> value,
                                         RequestReader& reader) {
  bool unused = type == store::AnalyzerType::kAccountUnusedAccess ||
                type == store::AnalyzerType::kOrganizationUnusedAccess;
  bool internal = type == store::AnalyzerType::kAccountInternalAccess ||
                  type == store::AnalyzerType::kOrganizationInternalAccess;
  if (!value) {
    if (unused)
      return base::Concat(R"({"unusedAccess":{"unusedAccessAge":)", kDefaultUnusedAccessAge, "}}");
    return std::string();
  }
  if (!value->is_object() || value->size() != 1) {
    reader.Violation("configuration", "Member must have exactly one member set");
    return std::nullopt;
  }
  json::Value member = *value->members().begin();
  if ((member.key() == "unusedAccess" && !unused) ||
      (member.key() == "internalAccess" && !internal) ||
      (member.key() != "unusedAccess" && member.key() != "internalAccess") || !member.is_object()) {
    reader.Violation("configuration", base::Concat("Configuration ", member.key(),
                                                   " is not supported for analyzer type ",
                                                   store::AnalyzerTypeName(type)));
    return std::nullopt;
  }
  if (member.key() == "unusedAccess") {
    if (std::optional<json::Value> age = member.Find("unusedAccessAge")) {
      int days = age->is_number() ? std::atoi(std::string(age->text()).c_str()) : 0;
      if (days < 1 || days > 365) {
        reader.Violation("configuration.unusedAccess.unusedAccessAge",
                         "Member must be between 1 and 365");
        return std::nullopt;
      }
    }
  }
  if (member.key() == "internalAccess" && member.Find("analysisRule")) {
    // InternalAccessConfiguration: the analysis reads the rule as it is stored, so it must parse.
    absl::StatusOr<analysis::InternalAccessRule> rule =
        analysis::ParseInternalAccessRule(member.source_text());
    if (!rule.ok()) {
      reader.Violation("configuration.internalAccess.analysisRule",
                       std::string(rule.status().message()));
      return std::nullopt;
    }
  }
  return std::string(value->source_text());
}

// Checks a tag map against AWS's tag rules (50 tags; keys 1..128, values 0..256 characters).
void CheckTags(const std::vector<std::pair<std::string, std::string>>& tags,
               RequestReader& reader) {
  if (tags.size() > kMaxTags) reader.Violation("tags", "Member must have at most 50 entries");
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > 128)
      reader.Violation("tags", "Tag keys must have length between 1 and 128");
    if (value.size() > 256) reader.Violation("tags", "Tag values must have length at most 256");
  }
}
}  // namespace

ApiResponse AccessAnalyzerService::CreateAnalyzer(const Caller& caller,
                                                  const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> name = reader.String("analyzerName", true);
  std::optional<std::string> type_name = reader.String("type", true);
  std::optional<std::string> token = reader.String("clientToken");
  std::optional<std::vector<std::pair<std::string, std::string>>> tags = reader.StringMap("tags");
  if (name && !MatchesAnalyzerName(*name)) {
    reader.Violation("analyzerName",
                     "Member must satisfy regular expression pattern: [A-Za-z_][A-Za-z0-9_.-]*");
  }
  std::optional<store::AnalyzerType> type =
      type_name ? store::ParseAnalyzerType(*type_name) : std::nullopt;
  if (type_name && !type) {
    reader.Violation(
        "type",
        "Member must satisfy enum value set: [ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, "
        "ORGANIZATION_UNUSED_ACCESS, ACCOUNT_INTERNAL_ACCESS, ORGANIZATION_INTERNAL_ACCESS]");
  }
  if (tags) CheckTags(*tags, reader);
  std::optional<std::string> configuration;
  if (type) configuration = Configuration(*type, reader.Member("configuration"), reader);
  // Inline archive rules.
  struct InlineRule {
    std::string name;
    std::string filter_json;
  };
  std::vector<InlineRule> rules;
  if (std::optional<json::Value> list = reader.Member("archiveRules")) {
    if (!list->is_array()) {
      reader.Violation("archiveRules", "Member must be a list");
    } else {
      for (json::Value rule : list->children()) {
        std::optional<json::Value> rule_name =
            rule.is_object() ? rule.Find("ruleName") : std::nullopt;
        std::optional<json::Value> filter = rule.is_object() ? rule.Find("filter") : std::nullopt;
        if (!rule_name || !rule_name->is_string() || !MatchesRuleName(rule_name->text())) {
          reader.Violation(
              "archiveRules.member.ruleName",
              "Member must satisfy regular expression pattern: [A-Za-z][A-Za-z0-9_.-]*");
          continue;
        }
        if (!filter) {
          reader.Violation("archiveRules.member.filter", "Member must not be null");
          continue;
        }
        std::vector<base::Issue> issues;
        findings::ParseFindingFilter(*filter, findings::FilterUse::kArchiveRule, issues);
        reader.AddIssues("archiveRules.member.filter", issues);
        rules.push_back(
            InlineRule{std::string(rule_name->text()), std::string(filter->source_text())});
      }
      if (rules.size() > kMaxArchiveRules)
        reader.Violation("archiveRules", "Member must have at most 100 entries");
    }
  }
  if (!reader.ok()) return RestJsonError(reader.error());

  std::lock_guard lock(write_mutex_);
  API_ASSIGN_OR_RETURN(std::optional<std::string> seen, SeenToken(caller, request, token));
  if (seen) {
    absl::StatusOr<std::optional<store::Analyzer>> existing = store_.GetAnalyzer(*seen);
    if (existing.ok() && existing->has_value()) {
      json::Writer w;
      w.BeginObject().Key("arn").String(*seen).EndObject();
      return Ok(std::move(w).Take());
    }
  }
  std::string arn = AnalyzerArn(caller.region, caller.account_id, *name);
  absl::StatusOr<std::vector<store::Analyzer>> all = store_.ListAnalyzers();
  if (!all.ok()) return Internal(all.status());
  std::shared_ptr<const service::Environment> environment = environment_();
  size_t same_type = 0;
  for (const store::Analyzer& analyzer : *all) {
    if (analyzer.arn == arn) {
      return RestJsonError(ConflictError(base::Concat("Analyzer ", *name, " already exists"), *name,
                                         std::string(kAnalyzerResourceType)));
    }
    if (analyzer.type != *type || analyzer.region != caller.region) continue;
    if (store::IsOrganizationType(*type)) {
      if (environment->IsMember(analyzer.account_id)) ++same_type;
    } else if (analyzer.account_id == caller.account_id) {
      ++same_type;
    }
  }
  store::Analyzer analyzer;
  analyzer.arn = arn;
  analyzer.account_id = caller.account_id;
  analyzer.region = caller.region;
  analyzer.name = *name;
  analyzer.type = *type;
  analyzer.created_at = absl::FromUnixMillis(clock_.Now());
  analyzer.configuration_json = *configuration;
  if (tags) analyzer.tags = std::map<std::string, std::string>(tags->begin(), tags->end());
  if (store::IsOrganizationType(*type)) {
    if (std::optional<OrganizationBlock> block =
            OrganizationBlocker(caller.account_id, *environment, store_)) {
      return RestJsonError(block->error);
    }
  }
  size_t quota = store::IsOrganizationType(*type) ? kMaxOrganizationAnalyzers : 1;
  if (same_type >= quota) {
    return RestJsonError(QuotaExceededError(
        base::Concat("You have reached the quota of ", quota, " analyzer", quota == 1 ? "" : "s",
                     " of type ", store::AnalyzerTypeName(*type), " in ", caller.region),
        *name, std::string(kAnalyzerResourceType)));
  }
  if (absl::Status status = store_.PutAnalyzer(analyzer); !status.ok()) return Internal(status);
  for (const InlineRule& rule : rules) {
    store::ArchiveRuleRecord record{arn, rule.name, rule.filter_json, analyzer.created_at,
                                    analyzer.created_at};
    if (absl::Status status = store_.PutArchiveRule(record); !status.ok()) return Internal(status);
  }
  RememberToken(caller, request, token, arn);
  schedule_(service::ScanJob{arn, std::nullopt});
  json::Writer w;
  w.BeginObject().Key("arn").String(arn).EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::GetAnalyzer(const Caller& caller, const RestRequest& request) {
  API_ASSIGN_OR_RETURN(store::Analyzer analyzer,
                       FindByName(caller, request.labels.at("analyzerName")));
  json::Writer w;
  w.BeginObject().Key("analyzer");
  WriteAnalyzer(w, analyzer);
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::ListAnalyzers(const Caller& caller, const RestRequest& request) {
  RequestReader reader("");
  std::optional<int64_t> max_results = QueryInt(request, "maxResults", reader);
  std::optional<std::string> type_name = request.Query("type");
  std::optional<store::AnalyzerType> type =
      type_name ? store::ParseAnalyzerType(*type_name) : std::nullopt;
  if (type_name && !type) reader.Violation("type", "Member must satisfy enum value set");
  if (!reader.ok()) return RestJsonError(reader.error());
  absl::StatusOr<std::vector<store::Analyzer>> all = store_.ListAnalyzers();
  if (!all.ok()) return Internal(all.status());
  std::vector<const store::Analyzer*> mine;
  for (const store::Analyzer& analyzer : *all) {
    if (analyzer.account_id != caller.account_id || analyzer.region != caller.region) continue;
    if (type && analyzer.type != *type) continue;
    mine.push_back(&analyzer);
  }
  API_ASSIGN_OR_RETURN(Bounds bounds, PageOf(mine.size(), request.Query("nextToken"), max_results));
  json::Writer w;
  w.BeginObject().Key("analyzers").BeginArray();
  for (size_t i = bounds.begin; i < bounds.end; ++i) WriteAnalyzer(w, *mine[i]);
  w.EndArray();
  if (bounds.next_token) w.Key("nextToken").String(*bounds.next_token);
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::DeleteAnalyzer(const Caller& caller,
                                                  const RestRequest& request) {
  std::lock_guard lock(write_mutex_);
  std::optional<std::string> token = request.Query("clientToken");
  API_ASSIGN_OR_RETURN(std::optional<std::string> seen, SeenToken(caller, request, token));
  if (seen) return Ok();
  API_ASSIGN_OR_RETURN(store::Analyzer analyzer,
                       FindByName(caller, request.labels.at("analyzerName")));
  if (absl::Status status = store_.DeleteAnalyzer(analyzer.arn); !status.ok()) {
    return Internal(status);
  }
  RememberToken(caller, request, token, "");
  return Ok();
}

ApiResponse AccessAnalyzerService::UpdateAnalyzer(const Caller& caller,
                                                  const RestRequest& request) {
  API_ASSIGN_OR_RETURN(store::Analyzer found,
                       FindByName(caller, request.labels.at("analyzerName")));
  store::Analyzer analyzer = found;
  RequestReader reader(request.body);
  std::optional<json::Value> value = reader.Member("configuration");
  std::optional<std::string> configuration;
  if (store::IsExternalAccessType(analyzer.type)) {
    if (value)
      reader.Violation("configuration", "Analyzers of this type have no configuration to update");
  } else {
    configuration = Configuration(analyzer.type, value, reader);
  }
  if (!reader.ok()) return RestJsonError(reader.error());
  if (configuration && value) {
    analyzer.configuration_json = *configuration;
    // Only the configuration: fields the analysis writes meanwhile stay as it wrote them.
    absl::StatusOr<bool> written =
        store_.ModifyAnalyzer(analyzer.arn, [&](store::Analyzer& current) {
          current.configuration_json = *configuration;
          return true;
        });
    if (!written.ok()) return Internal(written.status());
    if (!*written) {  // deleted since FindByName
      return RestJsonError(NotFoundError(base::Concat("Analyzer ", analyzer.name, " not found"),
                                         analyzer.name, std::string(kAnalyzerResourceType)));
    }
    schedule_(service::ScanJob{analyzer.arn, std::nullopt});  // what it analyzes changed
  }
  json::Writer w;
  w.BeginObject();
  if (!analyzer.configuration_json.empty()) w.Key("configuration").Raw(analyzer.configuration_json);
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::Tags(const Caller& caller, const RestRequest& request) {
  const std::string& arn = request.labels.at("resourceArn");
  std::optional<ParsedAnalyzerArn> parsed = ParseAnalyzerArn(arn);
  if (!parsed || parsed->account != caller.account_id || parsed->region != caller.region) {
    return RestJsonError(NotFoundError(base::Concat("Resource ", arn, " not found"), arn,
                                       std::string(kAnalyzerResourceType)));
  }
  API_ASSIGN_OR_RETURN(store::Analyzer found, FindByName(caller, parsed->name));
  store::Analyzer analyzer = found;
  if (request.operation == "ListTagsForResource") {
    json::Writer w;
    w.BeginObject().Key("tags").StringMap(analyzer.tags).EndObject();
    return Ok(std::move(w).Take());
  }
  RequestReader reader(request.body);
  // The tags are changed on the analyzer as stored at the write (store::Store::ModifyAnalyzer), not
  // on the copy read above: a concurrent write to its other fields is kept.
  absl::StatusOr<bool> written;
  if (request.operation == "TagResource") {
    std::optional<std::vector<std::pair<std::string, std::string>>> tags =
        reader.StringMap("tags", true);
    if (!reader.ok()) return RestJsonError(reader.error());
    written = store_.ModifyAnalyzer(analyzer.arn, [&](store::Analyzer& current) {
      std::map<std::string, std::string> merged = current.tags;
      for (const auto& [key, value] : *tags) merged[key] = value;
      CheckTags(std::vector<std::pair<std::string, std::string>>(merged.begin(), merged.end()),
                reader);
      if (!reader.ok()) return false;
      current.tags = std::move(merged);
      return true;
    });
    if (!reader.ok()) return RestJsonError(reader.error());
  } else {
    std::vector<std::string> keys = request.QueryAll("tagKeys");
    if (keys.empty()) {
      reader.Violation("tagKeys", "Member must not be null");
      return RestJsonError(reader.error());
    }
    written = store_.ModifyAnalyzer(analyzer.arn, [&](store::Analyzer& current) {
      for (const std::string& key : keys) current.tags.erase(key);
      return true;
    });
  }
  if (!written.ok()) return Internal(written.status());
  if (!*written) {  // deleted since FindByName
    return RestJsonError(NotFoundError(base::Concat("Resource ", arn, " not found"), arn,
                                       std::string(kAnalyzerResourceType)));
  }
  return Ok();
}

}  // namespace perimeter::api
