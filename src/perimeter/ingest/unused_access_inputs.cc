#include "perimeter/ingest/unused_access_inputs.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "perimeter/base/text.h"
#include "perimeter/ingest/internal/converters.h"
#include "perimeter/json/document.h"

namespace perimeter::ingest {
namespace {

using unused::LastUsed;

std::string_view TrimLeft(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  return start == std::string_view::npos ? std::string_view() : text.substr(start);
}

std::string_view TrimRight(std::string_view text) {
  size_t end = text.find_last_not_of(" \t\r\n");
  return end == std::string_view::npos ? std::string_view() : text.substr(0, end + 1);
}

bool StartsWith(std::string_view text, std::string_view prefix) { return text.starts_with(prefix); }

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The pieces of `text` between `separator`s (empty pieces kept).
std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      out.push_back(text.substr(start));
      return out;
    }
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// AWS's outputs write times as ISO 8601 with an offset ("2024-05-01T12:00:00Z",
// "2024-05-01T12:00:00+00:00").
std::optional<absl::Time> ParseAwsTime(std::string_view text) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &error)) return t;
  return std::nullopt;
}

std::optional<std::string> StringMember(const json::Value& object, std::string_view key) {
  std::optional<json::Value> value = object.Find(key);
  if (!value.has_value() || !value->is_string()) return std::nullopt;
  return std::string(value->text());
}

std::map<std::string, std::string> Tags(const json::Value& object) {
  std::map<std::string, std::string> tags;
  std::optional<json::Value> list = object.Find("Tags");
  if (!list.has_value() || !list->is_array()) return tags;
  for (const json::Value& tag : list->children()) {
    if (!tag.is_object()) continue;
    std::optional<std::string> key = StringMember(tag, "Key");
    std::optional<std::string> value = StringMember(tag, "Value");
    if (key.has_value()) tags[*key] = value.value_or("");
  }
  return tags;
}

// A policy document as IAM returns it (URL-encoded JSON text) or as the CLI prints it (an object).
std::optional<std::string> PolicyText(const json::Value& value) {
  if (value.is_object()) return std::string(value.source_text());
  if (!value.is_string()) return std::nullopt;
  std::string_view text = value.text();
  if (TrimLeft(text).starts_with("{")) return std::string(text);
  return internal::UrlDecode(text);
}

struct PolicyEntry {
  std::string name;
  std::string document;
};

}  // namespace

std::optional<UnusedAccessInputKind> DetectUnusedAccessInput(std::string_view text) {
  std::string_view head = TrimLeft(text);
  if (StartsWith(head, "user,arn,")) return UnusedAccessInputKind::kCredentialReport;
  if (!StartsWith(head, "{")) return std::nullopt;
  std::string_view first_line = head.substr(0, head.find('\n'));
  if (Contains(first_line, "\"kind\"")) return UnusedAccessInputKind::kActivity;
  if (Contains(head.substr(0, 4096), "\"ReportFormat\"") ||
      Contains(head.substr(0, 4096), "\"Content\"")) {
    return UnusedAccessInputKind::kCredentialReport;
  }
  if (Contains(text, "\"RoleDetailList\"") || Contains(text, "\"UserDetailList\"")) {
    return UnusedAccessInputKind::kAuthorizationDetails;
  }
  return std::nullopt;
}

bool UnusedAccessInputs::has_errors() const {
  for (const FileIssue& issue : issues_) {
    if (issue.issue.severity == base::Severity::kError) return true;
  }
  return false;
}

void UnusedAccessInputs::Error(const std::string& source_name, base::SourcePosition position,
                               std::string code, std::string message, base::Severity severity) {
  issues_.push_back(
      {source_name, base::Issue{severity, std::move(code), position, std::move(message)}});
}

void UnusedAccessInputs::Add(UnusedAccessInputKind kind, const std::string& source_name,
                             std::string_view text) {
  switch (kind) {
    case UnusedAccessInputKind::kAuthorizationDetails:
      AddAuthorizationDetails(source_name, text);
      return;
    case UnusedAccessInputKind::kCredentialReport:
      AddCredentialReport(source_name, text);
      return;
    case UnusedAccessInputKind::kActivity:
      AddActivity(source_name, text);
      return;
  }
}

void UnusedAccessInputs::AddAuthorizationDetails(const std::string& source_name,
                                                 std::string_view text) {
  json::ParseResult parsed = json::Parse(std::string(text));
  if (!parsed.ok()) {
    for (base::Issue& issue : parsed.issues) issues_.push_back({source_name, std::move(issue)});
    return;
  }
  json::Value root = parsed.document.root();
  if (!root.is_object()) {
    Error(source_name, root.position(), "unused.wrong-type",
          "get-account-authorization-details output must be an object");
    return;
  }
  if (std::optional<json::Value> truncated = root.Find("IsTruncated");
      truncated.has_value() && truncated->is_bool() && truncated->boolean()) {
    Error(source_name, truncated->position(), "unused.truncated",
          "the output is truncated (IsTruncated): give every page");
  }
  // Managed policies: ARN -> default version's document.
  std::map<std::string, std::string> managed;
  if (std::optional<json::Value> policies = root.Find("Policies");
      policies && policies->is_array()) {
    for (const json::Value& policy : policies->children()) {
      if (!policy.is_object()) continue;
      std::optional<std::string> arn = StringMember(policy, "Arn");
      std::optional<std::string> default_version = StringMember(policy, "DefaultVersionId");
      std::optional<json::Value> versions = policy.Find("PolicyVersionList");
      if (!arn.has_value() || !versions.has_value() || !versions->is_array()) continue;
      for (const json::Value& version : versions->children()) {
        if (!version.is_object()) continue;
        std::optional<json::Value> is_default = version.Find("IsDefaultVersion");
        bool chosen = (is_default && is_default->is_bool() && is_default->boolean()) ||
                      (default_version && StringMember(version, "VersionId") == default_version);
        std::optional<json::Value> document = version.Find("Document");
        if (!chosen || !document.has_value()) continue;
        std::optional<std::string> text_of = PolicyText(*document);
        if (!text_of.has_value()) {
          Error(source_name, document->position(), "unused.policy",
                base::Concat("the document of ", *arn, " cannot be read"));
          continue;
        }
        managed[*arn] = *text_of;
      }
    }
  }
  // Inline policies of a detail entry (RolePolicyList, UserPolicyList, GroupPolicyList).
  auto inline_policies = [&](const json::Value& entry, std::string_view list_name) {
    std::vector<PolicyEntry> out;
    std::optional<json::Value> list = entry.Find(list_name);
    if (!list.has_value() || !list->is_array()) return out;
    for (const json::Value& policy : list->children()) {
      if (!policy.is_object()) continue;
      std::optional<std::string> name = StringMember(policy, "PolicyName");
      std::optional<json::Value> document = policy.Find("PolicyDocument");
      std::optional<std::string> text_of =
          document.has_value() ? PolicyText(*document) : std::nullopt;
      if (!name.has_value() || !text_of.has_value()) {
        Error(source_name, policy.position(), "unused.policy",
              base::Concat("an entry of ", list_name,
                           " has no readable PolicyName and PolicyDocument"));
        continue;
      }
      out.push_back({*name, *text_of});
    }
    return out;
  };
  auto attached = [&](const json::Value& entry, unused::IamPrincipal& principal) {
    std::optional<json::Value> list = entry.Find("AttachedManagedPolicies");
    if (!list.has_value() || !list->is_array()) return;
    for (const json::Value& policy : list->children()) {
      std::optional<std::string> arn =
          policy.is_object() ? StringMember(policy, "PolicyArn") : std::nullopt;
      if (!arn.has_value()) continue;
      auto it = managed.find(*arn);
      if (it == managed.end()) {
        principal.missing_policies.push_back(*arn);
      } else {
        principal.policies.push_back({*arn, true, it->second});
      }
    }
  };
  // Groups: name -> (inline policies, attached) applied to their users.
  std::map<std::string, json::Value> groups;
  if (std::optional<json::Value> list = root.Find("GroupDetailList"); list && list->is_array()) {
    for (const json::Value& group : list->children()) {
      if (std::optional<std::string> name =
              group.is_object() ? StringMember(group, "GroupName") : std::nullopt) {
        groups.emplace(*name, group);
      }
    }
  }
  auto common = [&](const json::Value& entry, unused::PrincipalKind kind,
                    std::string_view what) -> std::optional<unused::IamPrincipal> {
    unused::IamPrincipal principal;
    principal.kind = kind;
    std::optional<std::string> arn = StringMember(entry, "Arn");
    if (!arn.has_value() || internal::ArnAccount(*arn).empty()) {
      Error(source_name, entry.position(), "unused.missing-field",
            base::Concat("an entry of ", what, " has no Arn"));
      return std::nullopt;
    }
    principal.arn = *arn;
    principal.account = internal::ArnAccount(*arn);
    principal.tags = Tags(entry);
    if (std::optional<std::string> created = StringMember(entry, "CreateDate")) {
      principal.created = ParseAwsTime(*created);
      if (!principal.created.has_value()) {
        Error(source_name, entry.Find("CreateDate")->position(), "unused.time",
              base::Concat("CreateDate \"", *created, "\" is not an ISO 8601 time"));
      }
    }
    std::optional<std::string> path = StringMember(entry, "Path");
    principal.service_linked = path.has_value() && path->starts_with("/aws-service-role/");
    return principal;
  };
  if (std::optional<json::Value> roles = root.Find("RoleDetailList"); roles && roles->is_array()) {
    for (const json::Value& role : roles->children()) {
      if (!role.is_object()) continue;
      std::optional<unused::IamPrincipal> principal =
          common(role, unused::PrincipalKind::kIamRole, "RoleDetailList");
      if (!principal.has_value()) continue;
      for (PolicyEntry& entry : inline_policies(role, "RolePolicyList")) {
        principal->policies.push_back({entry.name, false, std::move(entry.document)});
      }
      attached(role, *principal);
      // IAM API Reference, "RoleLastUsed": an object without LastUsedDate means the role was not
      // used within the tracking period (400 days); without the member, nothing is known.
      if (std::optional<json::Value> last = role.Find("RoleLastUsed"); last && last->is_object()) {
        std::optional<std::string> date = StringMember(*last, "LastUsedDate");
        if (!date.has_value()) {
          principal->role_last_used = LastUsed::Never();
        } else if (std::optional<absl::Time> when = ParseAwsTime(*date)) {
          principal->role_last_used = LastUsed::At(*when);
        } else {
          Error(source_name, last->position(), "unused.time",
                base::Concat("RoleLastUsed.LastUsedDate \"", *date, "\" is not an ISO 8601 time"));
        }
      }
      principals_.push_back(std::move(*principal));
    }
  }
  if (std::optional<json::Value> users = root.Find("UserDetailList"); users && users->is_array()) {
    for (const json::Value& user : users->children()) {
      if (!user.is_object()) continue;
      std::optional<unused::IamPrincipal> principal =
          common(user, unused::PrincipalKind::kIamUser, "UserDetailList");
      if (!principal.has_value()) continue;
      for (PolicyEntry& entry : inline_policies(user, "UserPolicyList")) {
        principal->policies.push_back({entry.name, false, std::move(entry.document)});
      }
      attached(user, *principal);
      if (std::optional<json::Value> list = user.Find("GroupList"); list && list->is_array()) {
        for (const json::Value& name : list->children()) {
          if (!name.is_string()) continue;
          auto group = groups.find(std::string(name.text()));
          if (group == groups.end()) {
            principal->missing_policies.push_back(base::Concat("of the group ", name.text()));
            continue;
          }
          for (PolicyEntry& entry : inline_policies(group->second, "GroupPolicyList")) {
            principal->policies.push_back({entry.name, false, std::move(entry.document)});
          }
          attached(group->second, *principal);
        }
      }
      principals_.push_back(std::move(*principal));
    }
  }
}

void UnusedAccessInputs::AddCredentialReport(const std::string& source_name,
                                             std::string_view text) {
  std::string csv;
  std::string_view head = TrimLeft(text);
  if (StartsWith(head, "{")) {
    // `aws iam get-credential-report` prints {"Content": <base64 CSV>, "ReportFormat": "text/csv",
    // "GeneratedTime": ...} (IAM API Reference, "GetCredentialReport").
    json::ParseResult parsed = json::Parse(std::string(text));
    if (!parsed.ok()) {
      for (base::Issue& issue : parsed.issues) issues_.push_back({source_name, std::move(issue)});
      return;
    }
    std::optional<json::Value> content = parsed.document.root().Find("Content");
    if (!content.has_value() || !content->is_string() ||
        !absl::Base64Unescape(std::string(content->text()), &csv)) {
      Error(source_name, parsed.document.root().position(), "unused.credential-report",
            "the credential report has no base64 Content");
      return;
    }
  } else {
    csv = std::string(text);
  }
  std::vector<std::string_view> lines;
  for (std::string_view line : Split(csv, '\n')) {
    if (!TrimRight(line).empty()) lines.push_back(line);
  }
  if (lines.empty()) return;
  std::vector<std::string> header;
  for (std::string_view cell : Split(TrimRight(lines[0]), ',')) {
    header.emplace_back(cell);
  }
  auto column = [&](std::string_view name) -> std::optional<size_t> {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    return std::nullopt;
  };
  std::optional<size_t> arn_column = column("arn");
  if (!arn_column.has_value()) {
    Error(source_name, {}, "unused.credential-report", "the credential report has no arn column");
    return;
  }
  for (size_t line = 1; line < lines.size(); ++line) {
    std::vector<std::string> cells;
    for (std::string_view cell : Split(TrimRight(lines[line]), ',')) {
      cells.emplace_back(cell);
    }
    auto cell = [&](std::string_view name) -> std::optional<std::string> {
      std::optional<size_t> index = column(name);
      if (!index.has_value() || *index >= cells.size()) return std::nullopt;
      return cells[*index];
    };
    base::SourcePosition position{static_cast<uint32_t>(line + 1), 1, 0};
    // A date, or a word that says it was never used ("N/A", "no_information"); anything else
    // (including a missing column) stays unknown.
    auto last_used = [&](std::string_view name) -> LastUsed {
      std::optional<std::string> value = cell(name);
      if (!value.has_value()) return LastUsed::Unknown();
      if (*value == "N/A" || *value == "no_information") return LastUsed::Never();
      if (std::optional<absl::Time> when = ParseAwsTime(*value)) return LastUsed::At(*when);
      Error(source_name, position, "unused.time",
            base::Concat(name, " \"", *value, "\" is neither a time, N/A nor no_information"));
      return LastUsed::Unknown();
    };
    auto time_of = [&](std::string_view name) -> std::optional<absl::Time> {
      std::optional<std::string> value = cell(name);
      return value.has_value() ? ParseAwsTime(*value) : std::nullopt;
    };
    std::optional<std::string> arn = cell("arn");
    if (!arn.has_value() || cell("user") == "<root_account>") continue;
    ReportRow row;
    row.user_created = time_of("user_creation_time");
    if (std::optional<std::string> enabled = cell("password_enabled")) {
      if (*enabled == "true" || *enabled == "false") row.password_enabled = *enabled == "true";
    }
    row.password_changed = time_of("password_last_changed");
    row.password_last_used = last_used("password_last_used");
    for (int n = 1; n <= 2; ++n) {
      std::string prefix = base::Concat("access_key_", n);
      std::optional<std::string> active = cell(base::Concat(prefix, "_active"));
      std::optional<absl::Time> rotated = time_of(base::Concat(prefix, "_last_rotated"));
      if (!active.has_value()) continue;
      if (*active == "false" && !rotated.has_value()) continue;  // no such key
      unused::AccessKey key;
      key.id = prefix;
      key.active = *active == "true";
      key.created = rotated;
      key.last_used = last_used(base::Concat(prefix, "_last_used_date"));
      row.keys.push_back(std::move(key));
    }
    report_[*arn] = std::move(row);
  }
}

void UnusedAccessInputs::AddActivity(const std::string& source_name, std::string_view text) {
  uint32_t line_number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (TrimRight(line).empty()) continue;
    base::SourcePosition line_position{line_number, 1, 0};
    json::ParseResult parsed = json::Parse(std::string(line));
    if (!parsed.ok()) {
      Error(source_name, line_position, "unused.syntax", "the line is not a JSON object");
      continue;
    }
    json::Value record = parsed.document.root();
    std::optional<std::string> kind =
        record.is_object() ? StringMember(record, "kind") : std::nullopt;
    std::optional<json::Value> details = record.is_object() ? record.Find("details") : std::nullopt;
    if (!details.has_value() || !details->is_object()) {
      Error(source_name, line_position, "unused.missing-field", "the record has no details object");
      continue;
    }
    if (kind == "serviceLastAccessed") {
      std::optional<std::string> arn = StringMember(record, "principalArn");
      std::optional<json::Value> list = details->Find("ServicesLastAccessed");
      if (!arn.has_value() || !list.has_value() || !list->is_array()) {
        Error(source_name, line_position, "unused.missing-field",
              "a serviceLastAccessed record needs principalArn and details.ServicesLastAccessed");
        continue;
      }
      if (std::optional<std::string> status = StringMember(*details, "JobStatus");
          status.has_value() && *status != "COMPLETED") {
        Error(source_name, line_position, "unused.incomplete",
              base::Concat("the job is ", *status, ", not COMPLETED: its data is not used"));
        continue;
      }
      std::vector<unused::ServiceActivity>& services = services_[*arn];
      for (const json::Value& entry : list->children()) {
        if (!entry.is_object()) continue;
        std::optional<std::string> service = StringMember(entry, "ServiceNamespace");
        if (!service.has_value()) continue;
        unused::ServiceActivity activity;
        activity.service_namespace = *service;
        // IAM API Reference, "ServiceLastAccessed": LastAuthenticated is absent when the
        // principal did not use the service within the tracking period.
        std::optional<std::string> when = StringMember(entry, "LastAuthenticated");
        std::optional<absl::Time> parsed_when = when ? ParseAwsTime(*when) : std::nullopt;
        activity.last_authenticated = parsed_when
                                          ? LastUsed::At(*parsed_when)
                                          : (when ? LastUsed::Unknown() : LastUsed::Never());
        if (std::optional<json::Value> tracked = entry.Find("TrackedActionsLastAccessed");
            tracked && tracked->is_array()) {
          std::map<std::string, LastUsed> actions;
          for (const json::Value& action : tracked->children()) {
            std::optional<std::string> name =
                action.is_object() ? StringMember(action, "ActionName") : std::nullopt;
            if (!name.has_value()) continue;
            std::optional<std::string> at = StringMember(action, "LastAccessedTime");
            std::optional<absl::Time> at_time = at ? ParseAwsTime(*at) : std::nullopt;
            std::string full = Contains(*name, ":") ? *name : base::Concat(*service, ":", *name);
            actions[full] =
                at_time ? LastUsed::At(*at_time) : (at ? LastUsed::Unknown() : LastUsed::Never());
          }
          activity.actions = std::move(actions);
        }
        services.push_back(std::move(activity));
      }
    } else if (kind == "accessKeyLastUsed") {
      std::optional<std::string> arn = StringMember(record, "userArn");
      std::optional<std::string> id = StringMember(record, "accessKeyId");
      std::optional<json::Value> last = details->Find("AccessKeyLastUsed");
      if (!arn.has_value() || !id.has_value() || !last.has_value() || !last->is_object()) {
        Error(
            source_name, line_position, "unused.missing-field",
            "an accessKeyLastUsed record needs userArn, accessKeyId and details.AccessKeyLastUsed");
        continue;
      }
      unused::AccessKey key;
      key.id = *id;
      key.active = StringMember(record, "status").value_or("Active") == "Active";
      if (std::optional<std::string> created = StringMember(record, "createDate")) {
        key.created = ParseAwsTime(*created);
      }
      // IAM API Reference, "AccessKeyLastUsed": LastUsedDate is absent (and ServiceName "N/A")
      // when the key was never used.
      std::optional<std::string> date = StringMember(*last, "LastUsedDate");
      std::optional<absl::Time> when = date ? ParseAwsTime(*date) : std::nullopt;
      key.last_used = when ? LastUsed::At(*when) : (date ? LastUsed::Unknown() : LastUsed::Never());
      keys_[*arn].push_back(std::move(key));
    } else {
      Error(source_name, line_position, "unused.kind",
            "kind must be \"serviceLastAccessed\" or \"accessKeyLastUsed\"");
    }
  }
}

std::vector<unused::IamPrincipal> UnusedAccessInputs::Principals() {
  std::vector<unused::IamPrincipal> out = principals_;
  std::map<std::string, bool> known;
  for (unused::IamPrincipal& principal : out) {
    known[principal.arn] = true;
    if (auto it = services_.find(principal.arn); it != services_.end()) {
      principal.services = it->second;
    }
    if (principal.kind != unused::PrincipalKind::kIamUser) continue;
    if (auto it = report_.find(principal.arn); it != report_.end()) {
      const ReportRow& row = it->second;
      principal.password_enabled = row.password_enabled;
      principal.password_changed = row.password_changed;
      principal.password_last_used = row.password_last_used;
      principal.access_keys = row.keys;
      if (!principal.created.has_value()) principal.created = row.user_created;
    }
    // Keys named by accessKeyLastUsed records carry their ids: they replace the report's slots.
    if (auto it = keys_.find(principal.arn); it != keys_.end()) principal.access_keys = it->second;
  }
  auto warn_unknown = [&](const std::string& arn, std::string_view what) {
    if (!known.contains(arn)) {
      Error("", {}, "unused.unknown-principal",
            base::Concat(what, " for ", arn,
                         ", which no get-account-authorization-details input names: not analyzed"),
            base::Severity::kWarning);
    }
  };
  for (const auto& [arn, row] : report_) warn_unknown(arn, "a credential report row");
  for (const auto& [arn, services] : services_) warn_unknown(arn, "service last accessed details");
  for (const auto& [arn, keys] : keys_) warn_unknown(arn, "access key last used data");
  return out;
}

}  // namespace perimeter::ingest
