#include "perimeter/ingest/internal/inventory_builder.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "perimeter/resources/registry.h"

namespace perimeter::ingest::internal {

InventoryBuilder::InventoryBuilder(std::string source_name)
    : source_name_(std::move(source_name)) {}

InventoryBuilder::Pending* InventoryBuilder::FindOrAdd(resources::ResourceType type,
                                                       std::string_view arn,
                                                       std::string_view owner_account,
                                                       std::string_view region,
                                                       base::SourcePosition position) {
  if (auto it = by_arn_.find(arn); it != by_arn_.end()) {
    Pending& existing = pending_[it->second];
    if (existing.type != type) {
      Error("ingest.duplicate", position,
            base::Concat(arn, " is already a ", resources::ResourceTypeName(existing.type),
                         ", not a ", resources::ResourceTypeName(type)));
      return nullptr;
    }
    return &existing;
  }
  by_arn_.emplace(std::string(arn), pending_.size());
  pending_.push_back(Pending{
      type, std::string(arn), std::string(owner_account), std::string(region), {}, 0, false, {}});
  return &pending_.back();
}

void InventoryBuilder::AddMember(resources::ResourceType type, std::string_view arn,
                                 std::string_view owner_account, std::string_view region,
                                 ConfigurationMember member, bool primary) {
  Pending* resource = FindOrAdd(type, arn, owner_account, region, member.position);
  if (resource == nullptr) return;
  for (const ConfigurationMember& existing : resource->members) {
    if (existing.name == member.name) {
      Error("ingest.duplicate", member.position,
            base::Concat(arn, " has its ", member.name, " given twice (first at ",
                         base::ToString(existing.position), ")"));
      return;
    }
  }
  if (primary && !resource->has_primary) {
    resource->has_primary = true;
    resource->primary = resource->members.size();
  }
  resource->members.push_back(std::move(member));
}

void InventoryBuilder::AddStatement(resources::ResourceType type, std::string_view arn,
                                    std::string_view owner_account, std::string_view region,
                                    std::string_view member_name, std::string statement_json,
                                    base::SourcePosition position) {
  Pending* resource = FindOrAdd(type, arn, owner_account, region, position);
  if (resource == nullptr) return;
  resource->statements[std::string(member_name)].emplace_back(std::move(statement_json), position);
}

void InventoryBuilder::AddAccount(resources::AccountSettings account) {
  accounts_.push_back(std::move(account));
}

void InventoryBuilder::Error(std::string_view code, base::SourcePosition position,
                             std::string message) {
  issues_.push_back(
      base::Issue{base::Severity::kError, std::string(code), position, std::move(message)});
}

void InventoryBuilder::Note(std::string_view code, base::SourcePosition position,
                            std::string message) {
  notes_.push_back(
      base::Issue{base::Severity::kWarning, std::string(code), position, std::move(message)});
}

bool IsUnknownAccountId(std::string_view account) {
  return account.size() == 12 && account.starts_with(kUnknownAccountPrefix) &&
         account != "000000000000" && account[10] >= '0' && account[10] <= '9' &&
         account[11] >= '0' && account[11] <= '9';
}

namespace {

// Every "{Name}" token of `text`.
std::vector<std::pair<size_t, size_t>> PlaceholderTokens(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    size_t close = text.find('}', open + 1);
    if (close == std::string_view::npos) break;
    std::string_view name = text.substr(open + 1, close - open - 1);
    bool simple = !name.empty() && name.find_first_of("{\\\":, ") == std::string_view::npos;
    if (simple) out.emplace_back(open, close + 1);
  }
  return out;
}

// Whether the token at [begin, end) of `text` stands where an account id goes.
bool InAccountPosition(std::string_view text, size_t begin, size_t end) {
  std::string_view before = text.substr(0, begin);
  std::string_view after = text.substr(end);
  if ((before.ends_with("iam::") || before.ends_with("sts::")) && after.starts_with(":"))
    return true;
  // A whole JSON string value: "{X}" or, inside a policy held as a string, \"{X}\".
  if (before.ends_with("\\\"")) return after.starts_with("\\\"");
  return before.ends_with("\"") && after.starts_with("\"");
}

std::string ReplaceAll(std::string text, const std::map<std::string, std::string>& replacements) {
  for (const auto& [from, to] : replacements) {
    for (size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  }
  return text;
}

}  // namespace

resources::Inventory InventoryBuilder::Finish(std::vector<base::Issue>& notes) {
  resources::Inventory inventory;
  inventory.source_name = source_name_;
  // Unknown accounts: find the placeholders in account positions, give each a reserved id.
  std::map<std::string, std::string> accounts;
  auto consider = [&](std::string_view text, bool whole_is_account) {
    for (auto [begin, end] : PlaceholderTokens(text)) {
      bool account = InAccountPosition(text, begin, end) ||
                     (whole_is_account && begin == 0 && end == text.size());
      std::string token(text.substr(begin, end - begin));
      if (account && !accounts.contains(token) && accounts.size() < 99) {
        accounts.emplace(token,
                         base::Concat(kUnknownAccountPrefix, accounts.size() + 1 < 10 ? "0" : "",
                                      accounts.size() + 1));
      }
    }
  };
  for (const Pending& pending : pending_) {
    consider(pending.owner_account, true);
    consider(pending.arn, false);
    for (const ConfigurationMember& member : pending.members) consider(member.json, false);
    for (const auto& [name, statements] : pending.statements) {
      for (const auto& statement : statements) consider(statement.first, false);
    }
  }
  for (const auto& [token, id] : accounts) {
    Note("ingest.unknown-account",
         pending_.empty()                   ? base::SourcePosition{}
         : pending_.front().members.empty() ? base::SourcePosition{}
                                            : pending_.front().members.front().position,
         base::Concat(token, " stands for an account the input does not name: analyzed as account ",
                      id,
                      ", which is outside every zone of trust, so access it is given is reported"));
  }
  if (!accounts.empty()) {
    for (Pending& pending : pending_) {
      pending.owner_account = ReplaceAll(pending.owner_account, accounts);
      pending.arn = ReplaceAll(pending.arn, accounts);
      for (ConfigurationMember& member : pending.members)
        member.json = ReplaceAll(member.json, accounts);
      for (auto& [name, statements] : pending.statements) {
        for (auto& statement : statements) statement.first = ReplaceAll(statement.first, accounts);
      }
    }
  }
  for (Pending& pending : pending_) {
    // Policies assembled from statements (Lambda permissions) become members now.
    for (auto& [name, statements] : pending.statements) {
      std::string policy = R"({"Version":"2012-10-17","Statement":[)";
      for (size_t i = 0; i < statements.size(); ++i) {
        if (i > 0) policy += ',';
        policy += statements[i].first;
      }
      policy += "]}";
      bool primary = !pending.has_primary;
      if (primary) {
        pending.has_primary = true;
        pending.primary = pending.members.size();
      }
      ConfigurationMember member{name, json::Quote(policy), statements.front().second};
      for (const auto& statement : statements)
        member.statement_positions.push_back(statement.second);
      pending.members.push_back(std::move(member));
    }
    if (pending.members.empty()) continue;
    const resources::ResourceModule& module = resources::ModuleFor(pending.type);
    // {"<union member>":{"m1":v1,"m2":v2}} on one line; remember where the primary value starts.
    std::string text = base::Concat("{", json::Quote(module.configuration_member), ":{");
    size_t primary_offset = 0;
    auto policies = std::make_shared<std::vector<resources::SynthesizedPolicy>>();
    for (size_t i = 0; i < pending.members.size(); ++i) {
      if (i > 0) text += ',';
      text += json::Quote(pending.members[i].name);
      text += ':';
      if (i == pending.primary) primary_offset = text.size();
      const uint32_t begin = static_cast<uint32_t>(text.size());
      text += pending.members[i].json;
      policies->push_back(resources::SynthesizedPolicy{
          begin, static_cast<uint32_t>(text.size()), pending.members[i].position,
          std::move(pending.members[i].statement_positions)});
    }
    text += "}}";
    const base::SourcePosition anchor = pending.members[pending.primary].position;
    json::ParseResult parsed = json::Parse(std::move(text));
    if (!parsed.ok()) {
      // The converters build every member from parsed values; a member that is not JSON is a bug,
      // but it is reported rather than trusted.
      Error("ingest.internal", anchor,
            base::Concat("could not build the configuration of ", pending.arn, ": ",
                         parsed.issues.front().message));
      ++skipped_;
      continue;
    }
    auto document = std::make_shared<const json::Document>(std::move(parsed.document));
    resources::RecordLocation location;
    // Unsigned wrap-around is intended: Locate adds the bases back, so the primary member's value
    // at (1, primary_offset + 1) lands exactly on `anchor`.
    location.line_base = anchor.line;
    location.column_base = anchor.column - static_cast<uint32_t>(primary_offset);
    location.offset_base = anchor.offset - static_cast<uint32_t>(primary_offset);
    location.policies = std::move(policies);
    json::Value member = *document->root().members().begin();
    std::vector<base::Issue> problems = module.check(member, location);
    bool bad = base::HasErrors(problems);
    for (base::Issue& issue : problems) {
      issue.message = base::Concat(pending.arn, ": ", issue.message);
      inventory.issues.push_back(std::move(issue));
    }
    if (bad) {
      ++skipped_;
      continue;
    }
    resources::Resource resource;
    resource.arn = pending.arn;
    resource.type = pending.type;
    resource.owner_account = pending.owner_account;
    resource.region = pending.region;
    resource.configuration = member;
    resource.document = std::move(document);
    resource.source_name = source_name_;
    resource.location = location;
    resource.position = anchor;
    inventory.resources.push_back(std::move(resource));
  }
  inventory.accounts = std::move(accounts_);
  inventory.principals = std::move(principals_);
  inventory.groups = std::move(groups_);
  inventory.managed_policies = std::move(managed_policies_);
  for (base::Issue& issue : issues_) inventory.issues.push_back(std::move(issue));
  std::stable_sort(inventory.issues.begin(), inventory.issues.end(),
                   [](const base::Issue& a, const base::Issue& b) {
                     return a.position.offset < b.position.offset;
                   });
  inventory.records = records_;
  inventory.skipped_records = skipped_;
  for (base::Issue& note : notes_) notes.push_back(std::move(note));
  return inventory;
}

}  // namespace perimeter::ingest::internal
