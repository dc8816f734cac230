#include "perimeter/resources/inventory.h"

#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/findings/finding_record.h"
#include "perimeter/policy/arn.h"
#include "perimeter/resources/internal/config_reader.h"
#include "perimeter/resources/registry.h"

namespace perimeter::resources {
namespace internal {

// A string member of a record, "" when absent or not a string (for messages only).
std::string ReadText(const json::Value &record, std::string_view key) {
  std::optional<json::Value> value = record.Find(key);
  return value && value->is_string() ? std::string(value->text()) : "";
}

class InventoryReader {
 public:
  explicit InventoryReader(Inventory &inventory) : inventory_(inventory) {}

  Inventory &inventory() { return inventory_; }

  void ReadRecord(const std::shared_ptr<const json::Document> &document, const json::Value &record,
                  const RecordLocation &location) {
    ++inventory_.records;
    Diagnostics diagnostics(location);
    bool kept = false;
    ObjectReader reader(record, "record", diagnostics);
    if (reader.is_object()) {
      std::optional<std::string> kind = reader.String("kind", true);
      if (kind == "resource") {
        kept = ReadResource(document, reader, location, diagnostics);
      } else if (kind == "account") {
        kept = ReadAccount(reader, diagnostics);
      } else if (kind == "organization") {
        kept = ReadOrganization(reader, diagnostics);
      } else if (kind == "managedPolicy") {
        kept = ReadManagedPolicy(reader, diagnostics);
      } else if (kind == "collectionError") {
        // What `perimeter collect` could not read (docs/collect.md): the inventory has a gap there,
        // so the run must not pass as if it were complete. Reported as an error, never dropped.
        std::string what = base::Concat(
            "the collector could not read ", record.Find("resource") ? "" : "the list of ",
            ReadText(record, "service"), " ", ReadText(record, "operation"),
            record.Find("resource") ? base::Concat(" of ", ReadText(record, "resource")) : "",
            record.Find("accountId") ? base::Concat(" in account ", ReadText(record, "accountId"))
                                     : "",
            record.Find("region") ? base::Concat(" (", ReadText(record, "region"), ")") : "", ": ",
            ReadText(record, "errorKind"), ": ", ReadText(record, "message"));
        diagnostics.Error(internal::kCollectionGap, record.Find("kind")->position(),
                          std::move(what));
      } else if (kind == "principal" || kind == "group") {
        kept = ReadPrincipal(reader, diagnostics, kind == "group");
      } else if (kind == "organizationPolicy") {
        kept = ReadOrganizationPolicy(reader, diagnostics);
      } else if (kind.has_value()) {
        diagnostics.Error(internal::kInvalidValue, record.Find("kind")->position(),
                          base::Concat("unknown record kind \"", *kind,
                                       "\": expected \"resource\", \"account\", "
                                       "\"organization\", \"managedPolicy\", \"principal\", "
                                       "\"group\" or \"organizationPolicy\""));
      }
    }
    if (!kept) ++inventory_.skipped_records;
    for (base::Issue &issue : diagnostics.TakeIssues())
      inventory_.issues.push_back(std::move(issue));
  }

 private:
  bool ReadResource(const std::shared_ptr<const json::Document> &document, ObjectReader &reader,
                    const RecordLocation &location, Diagnostics &diagnostics) {
    Resource resource;
    resource.arn = reader.String("resourceArn", true).value_or("");
    if (std::optional<json::Value> arn = reader.value().Find("resourceArn");
        arn.has_value() && arn->is_string()) {
      if (!policy::ParseArn(resource.arn).has_value()) {
        diagnostics.Error(internal::kInvalidValue, arn->position(),
                          base::Concat("resourceArn is not an ARN: \"", resource.arn, "\""));
      }
    }
    std::optional<std::string> type_name = reader.String("resourceType");
    resource.owner_account = reader.String("resourceOwnerAccount", true).value_or("");
    if (std::optional<json::Value> owner = reader.value().Find("resourceOwnerAccount");
        owner.has_value() && owner->is_string() &&
        !internal::IsAccountIdText(resource.owner_account)) {
      diagnostics.Error(internal::kInvalidValue, owner->position(),
                        "resourceOwnerAccount must be a 12-digit account id");
    }
    resource.region = reader.String("region").value_or("");
    const ResourceModule *module = nullptr;
    if (std::optional<json::Value> configuration = reader.Object("configuration", true)) {
      if (configuration->size() != 1) {
        diagnostics.Error(internal::kInvalidValue, configuration->position(),
                          base::Concat("configuration must hold exactly one member "
                                       "(s3Bucket, iamRole, kmsKey, ...), "
                                       "not ",
                                       configuration->size()));
      } else {
        json::Value member = *configuration->members().begin();
        module = FindModuleByMember(member.key());
        if (module == nullptr) {
          std::string known;
          for (const ResourceModule &m : AllResourceModules())
            known += base::Concat(known.empty() ? "" : ", ", m.configuration_member);
          diagnostics.Error(internal::kUnknownField, member.key_position(),
                            base::Concat("unknown configuration member \"", member.key(),
                                         "\" (known: ", known, ")"));
        } else {
          resource.type = module->type;
          resource.configuration = member;
          for (base::Issue &issue : module->check(member, location))
            diagnostics.Add(std::move(issue));
        }
      }
    }
    if (type_name.has_value()) {
      const ResourceModule *named = FindModuleByTypeName(*type_name);
      json::Value at = *reader.value().Find("resourceType");
      if (named == nullptr) {
        diagnostics.Error(internal::kInvalidValue, at.position(),
                          base::Concat("resourceType \"", *type_name,
                                       "\" is not a type Access Analyzer analyzes"));
      } else if (module != nullptr && named != module) {
        diagnostics.Error(
            internal::kInvalidValue, at.position(),
            base::Concat("resourceType \"", *type_name,
                         "\" does not agree with the configuration member \"",
                         module->configuration_member, "\" (", module->type_name, ")"));
      }
    }
    reader.Finish();
    if (diagnostics.has_errors() || module == nullptr) return false;
    resource.position = location.Locate(reader.value().position());
    if (!arns_.insert(resource.arn).second) {
      diagnostics.Add(DuplicateResourceIssue(resource));
      return false;
    }
    resource.document = document;
    resource.source_name = inventory_.source_name;
    resource.location = location;
    inventory_.resources.push_back(std::move(resource));
    return true;
  }

  bool ReadAccount(ObjectReader &reader, Diagnostics &diagnostics) {
    AccountSettings account;
    account.account_id = reader.String("accountId", true).value_or("");
    if (std::optional<json::Value> id = reader.value().Find("accountId");
        id.has_value() && id->is_string() && !internal::IsAccountIdText(account.account_id)) {
      diagnostics.Error(internal::kInvalidValue, id->position(),
                        "accountId must be a 12-digit account id");
    }
    if (std::optional<json::Value> block = reader.Member("s3PublicAccessBlock")) {
      ObjectReader block_reader(*block, "s3PublicAccessBlock", diagnostics);
      if (block_reader.is_object()) {
        S3PublicAccessBlock settings;
        settings.block_public_acls = block_reader.Bool("blockPublicAcls").value_or(false);
        settings.ignore_public_acls = block_reader.Bool("ignorePublicAcls").value_or(false);
        settings.block_public_policy = block_reader.Bool("blockPublicPolicy").value_or(false);
        settings.restrict_public_buckets =
            block_reader.Bool("restrictPublicBuckets").value_or(false);
        account.s3_public_access_block = settings;
      }
      block_reader.Finish();
    }
    account.enabled_regions =
        reader.StringList("enabledRegions").value_or(std::vector<std::string>{});
    account.canonical_user_id = reader.String("canonicalUserId");
    reader.Finish();
    if (diagnostics.has_errors()) return false;
    if (!accounts_.insert(account.account_id).second) {
      diagnostics.Error(
          internal::kDuplicate, reader.value().position(),
          base::Concat("the account ", account.account_id, " already has an account record"));
      return false;
    }
    account.position = diagnostics.location().Locate(reader.value().position());
    inventory_.accounts.push_back(std::move(account));
    return true;
  }

  bool ReadOrganization(ObjectReader &reader, Diagnostics &diagnostics) {
    OrganizationRecord record;
    record.organization.id = reader.String("organizationId", true).value_or("");
    record.organization.management_account = reader.String("managementAccount", true).value_or("");
    if (std::optional<json::Value> accounts = reader.Member("accounts")) {
      if (!accounts->is_array()) {
        diagnostics.Error(internal::kWrongType, accounts->position(), "accounts must be an array");
      } else {
        size_t index = 0;
        for (const json::Value &value : accounts->children()) {
          ObjectReader member_reader(value, base::Concat("accounts[", index++, "]"), diagnostics);
          reasoning::OrganizationMember member;
          member.account_id = member_reader.String("accountId", true).value_or("");
          member.ou_path = member_reader.String("ouPath").value_or("");
          member_reader.Finish();
          if (member_reader.is_object() && !internal::IsAccountIdText(member.account_id)) {
            diagnostics.Error(internal::kInvalidValue, value.position(),
                              "accountId must be a 12-digit account id");
          }
          record.organization.members.push_back(std::move(member));
        }
      }
    }
    reader.Finish();
    if (diagnostics.has_errors()) return false;
    record.position = diagnostics.location().Locate(reader.value().position());
    inventory_.organizations.push_back(std::move(record));
    return true;
  }

  // A `kind: "managedPolicy"` record: IAM's ManagedPolicyDetail in camelCase (docs/inventory.md).
  bool ReadManagedPolicy(ObjectReader &reader, Diagnostics &diagnostics) {
    ManagedPolicy policy;
    policy.account_id = reader.String("accountId", true).value_or("");
    policy.arn = reader.String("arn", true).value_or("");
    policy.policy_name = reader.String("policyName", true).value_or("");
    policy.policy_id = reader.String("policyId").value_or("");
    policy.path = reader.String("path").value_or("/");
    policy.default_version_id = reader.String("defaultVersionId", true).value_or("");
    policy.description = reader.String("description");
    policy.attachment_count = Count(reader, "attachmentCount", diagnostics);
    policy.permissions_boundary_usage_count =
        Count(reader, "permissionsBoundaryUsageCount", diagnostics);
    policy.is_attachable = reader.Bool("isAttachable").value_or(true);
    policy.create_date = Timestamp(reader, "createDate", diagnostics);
    policy.update_date = Timestamp(reader, "updateDate", diagnostics);
    if (std::optional<json::Value> versions = reader.Member("policyVersionList", true)) {
      if (!versions->is_array()) {
        diagnostics.Error(internal::kWrongType, versions->position(),
                          "policyVersionList must be an array");
      } else {
        size_t index = 0;
        for (const json::Value &value : versions->children()) {
          ObjectReader version_reader(value, base::Concat("policyVersionList[", index++, "]"),
                                      diagnostics);
          ManagedPolicyVersion version;
          version.version_id = version_reader.String("versionId", true).value_or("");
          version.is_default_version = version_reader.Bool("isDefaultVersion").value_or(false);
          version.create_date = Timestamp(version_reader, "createDate", diagnostics);
          if (std::optional<internal::PolicySource> document =
                  internal::ReadPolicyMember(version_reader, "document", true)) {
            version.document = document->value.is_string()
                                   ? std::string(document->value.text())
                                   : std::string(document->value.source_text());
          }
          version_reader.Finish();
          policy.versions.push_back(std::move(version));
        }
      }
    }
    reader.Finish();
    if (diagnostics.has_errors()) return false;
    // arn:PARTITION:iam::ACCOUNT:policy/..., of the record's account or AWS's own.
    std::optional<policy::Arn> arn = policy::ParseArn(policy.arn);
    if (!arn || arn->service != "iam" || !arn->resource.starts_with("policy/") ||
        (arn->account != policy.account_id && arn->account != "aws") ||
        !internal::IsAccountIdText(policy.account_id)) {
      diagnostics.Error(
          internal::kInvalidValue, reader.value().position(),
          base::Concat("arn ", policy.arn, " is not a managed policy ARN of account ",
                       policy.account_id, " or of AWS (arn:aws:iam::aws:policy/...)"));
      return false;
    }
    if (!managed_policies_.insert(policy.account_id + " " + policy.arn).second) {
      diagnostics.Error(internal::kDuplicate, reader.value().position(),
                        base::Concat("the managed policy ", policy.arn, " of account ",
                                     policy.account_id, " already has a record"));
      return false;
    }
    policy.position = diagnostics.location().Locate(reader.value().position());
    inventory_.managed_policies.push_back(std::move(policy));
    return true;
  }

  // The text of a policy member (a JSON string or object), or nullopt with an error.
  static std::optional<std::string> PolicyText(const json::Value &value, std::string_view what,
                                               Diagnostics &diagnostics) {
    if (value.is_string()) return std::string(value.text());
    if (value.is_object()) return std::string(value.source_text());
    diagnostics.Error(internal::kWrongType, value.position(),
                      base::Concat(what, " must be a policy (a JSON string or object)"));
    return std::nullopt;
  }

  // A `kind: "principal"` (IAM role or user) or `kind: "group"` record (docs/inventory.md).
  bool ReadPrincipal(ObjectReader &reader, Diagnostics &diagnostics, bool group) {
    IamPrincipalRecord record;
    record.arn = reader.String("arn", true).value_or("");
    if (std::optional<json::Value> policies = reader.Object("inlinePolicies")) {
      for (const json::Value &policy : policies->members()) {
        if (std::optional<std::string> text =
                PolicyText(policy, base::Concat("inlinePolicies.", policy.key()), diagnostics))
          record.inline_policies[std::string(policy.key())] = *text;
      }
    }
    record.attached_managed_policies =
        reader.StringList("attachedManagedPolicies").value_or(std::vector<std::string>{});
    if (!group) {
      record.groups = reader.StringList("groups").value_or(std::vector<std::string>{});
      record.permissions_boundary = reader.String("permissionsBoundary");
      if (std::optional<json::Value> tags = reader.Object("tags")) {
        for (const json::Value &tag : tags->members()) {
          if (!tag.is_string()) {
            diagnostics.Error(internal::kWrongType, tag.position(),
                              base::Concat("tags.", tag.key(), " must be a string"));
            continue;
          }
          record.tags[std::string(tag.key())] = std::string(tag.text());
        }
      }
    }
    reader.Finish();
    if (diagnostics.has_errors()) return false;
    std::optional<policy::Arn> arn = policy::ParseArn(record.arn);
    std::string_view expected = group ? "group/" : "";
    bool shaped =
        arn.has_value() && arn->service == "iam" && internal::IsAccountIdText(arn->account) &&
        (group ? arn->resource.starts_with(expected)
               : arn->resource.starts_with("role/") || arn->resource.starts_with("user/"));
    if (!shaped) {
      diagnostics.Error(internal::kInvalidValue, reader.value().position(),
                        base::Concat("arn ", record.arn, " is not the ARN of an IAM ",
                                     group ? "group" : "role or user"));
      return false;
    }
    record.account_id = arn->account;
    if (!principal_arns_.insert(record.arn).second) {
      diagnostics.Error(internal::kDuplicate, reader.value().position(),
                        base::Concat(record.arn, " already has a record"));
      return false;
    }
    record.position = diagnostics.location().Locate(reader.value().position());
    (group ? inventory_.groups : inventory_.principals).push_back(std::move(record));
    return true;
  }

  // A `kind: "organizationPolicy"` record: an SCP or RCP and its targets (docs/inventory.md).
  bool ReadOrganizationPolicy(ObjectReader &reader, Diagnostics &diagnostics) {
    OrganizationPolicyRecord record;
    std::optional<std::string> type = reader.String("policyType", true);
    record.id = reader.String("id", true).value_or("");
    record.name = reader.String("name").value_or("");
    if (std::optional<json::Value> content = reader.Member("content", true)) {
      record.content = PolicyText(*content, "content", diagnostics).value_or("");
    }
    record.targets = reader.StringList("targets", true).value_or(std::vector<std::string>{});
    reader.Finish();
    if (type == "SERVICE_CONTROL_POLICY") {
      record.type = OrganizationPolicyType::kServiceControlPolicy;
    } else if (type == "RESOURCE_CONTROL_POLICY") {
      record.type = OrganizationPolicyType::kResourceControlPolicy;
    } else if (type.has_value()) {
      diagnostics.Error(internal::kInvalidValue, reader.value().Find("policyType")->position(),
                        "policyType must be SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY");
    }
    for (const std::string &target : record.targets) {
      if (!target.starts_with("r-") && !target.starts_with("ou-") &&
          !internal::IsAccountIdText(target)) {
        diagnostics.Error(internal::kInvalidValue, reader.value().position(),
                          base::Concat("target ", target,
                                       " is not a root (r-...), an OU (ou-...) or an account id"));
      }
    }
    if (diagnostics.has_errors()) return false;
    if (!organization_policies_.insert(record.id).second) {
      diagnostics.Error(
          internal::kDuplicate, reader.value().position(),
          base::Concat("the organization policy ", record.id, " already has a record"));
      return false;
    }
    record.position = diagnostics.location().Locate(reader.value().position());
    inventory_.organization_policies.push_back(std::move(record));
    return true;
  }

  // A non-negative integer member, 0 when absent.
  static int64_t Count(ObjectReader &reader, std::string_view key, Diagnostics &diagnostics) {
    std::optional<json::Value> value = reader.Member(key);
    if (!value) return 0;
    int64_t count = -1;
    if (value->is_number()) {
      std::string_view text = value->text();
      if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos &&
          text.size() < 16) {
        count = std::stoll(std::string(text));
      }
    }
    if (count < 0) {
      diagnostics.Error(internal::kWrongType, value->position(),
                        base::Concat(key, " must be a non-negative integer"));
      return 0;
    }
    return count;
  }

  // An RFC 3339 timestamp member ("2024-05-01T12:00:00Z"), the Unix epoch when absent.
  static absl::Time Timestamp(ObjectReader &reader, std::string_view key,
                              Diagnostics &diagnostics) {
    std::optional<json::Value> value = reader.Member(key);
    if (!value) return absl::UnixEpoch();
    std::optional<absl::Time> time;
    if (value->is_string()) time = findings::ParseTimestamp(value->text());
    if (!time) {
      diagnostics.Error(internal::kInvalidValue, value->position(),
                        base::Concat(key, " must be an RFC 3339 timestamp"));
      return absl::UnixEpoch();
    }
    return *time;
  }

  Inventory &inventory_;
  std::set<std::string> managed_policies_;
  std::set<std::string> principal_arns_;
  std::set<std::string> organization_policies_;
  std::set<std::string> arns_;
  std::set<std::string> accounts_;
};

}  // namespace internal

namespace {

void AddParseIssues(Inventory &inventory, std::vector<base::Issue> issues,
                    const RecordLocation &location) {
  for (base::Issue &issue : issues) {
    issue.position = location.Locate(issue.position);
    if (issue.code.empty()) issue.code = std::string(internal::kSyntax);
    inventory.issues.push_back(std::move(issue));
  }
}

}  // namespace

const AccountSettings *Inventory::FindAccount(std::string_view account_id) const {
  for (const AccountSettings &account : accounts) {
    if (account.account_id == account_id) return &account;
  }
  return nullptr;
}

const ManagedPolicy *Inventory::FindManagedPolicy(std::string_view account_id,
                                                  std::string_view arn) const {
  for (const ManagedPolicy &policy : managed_policies) {
    if (policy.account_id == account_id && policy.arn == arn) return &policy;
  }
  return nullptr;
}

Inventory ReadInventory(std::string source_name, std::string_view text) {
  Inventory inventory;
  inventory.source_name = std::move(source_name);
  internal::InventoryReader reader(inventory);
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '[') {
    // One JSON array of records: positions are already file positions.
    json::ParseResult parsed = json::Parse(std::string(text));
    if (!parsed.ok()) {
      // The unreadable document counts as one record, skipped, so records = read + skipped holds.
      ++inventory.records;
      ++inventory.skipped_records;
      AddParseIssues(inventory, std::move(parsed.issues), RecordLocation{});
      return inventory;
    }
    auto document = std::make_shared<const json::Document>(std::move(parsed.document));
    for (const json::Value &record : document->root().children())
      reader.ReadRecord(document, record, RecordLocation{});
    return inventory;
  }
  InventoryLineReader line_reader(inventory);
  size_t offset = 0;
  uint32_t line_number = 0;
  while (offset <= text.size()) {
    size_t end = text.find('\n', offset);
    if (end == std::string_view::npos) end = text.size();
    ++line_number;
    line_reader.ReadLine(text.substr(offset, end - offset), line_number,
                         static_cast<uint32_t>(offset));
    if (end == text.size()) break;
    offset = end + 1;
  }
  return inventory;
}

InventoryLineReader::InventoryLineReader(Inventory &inventory)
    : reader_(std::make_unique<internal::InventoryReader>(inventory)) {}

InventoryLineReader::~InventoryLineReader() = default;

void InventoryLineReader::ReadLine(std::string_view line, uint32_t line_number, uint32_t offset) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
  RecordLocation location{line_number, 1, offset};
  json::ParseResult parsed = json::Parse(std::string(line));
  if (!parsed.ok()) {
    ++reader_->inventory().records;
    ++reader_->inventory().skipped_records;
    AddParseIssues(reader_->inventory(), std::move(parsed.issues), location);
    return;
  }
  auto document = std::make_shared<const json::Document>(std::move(parsed.document));
  reader_->ReadRecord(document, document->root(), location);
}

base::Issue DuplicateResourceIssue(const Resource &resource) {
  return base::Issue{base::Severity::kError, std::string(internal::kDuplicate), resource.position,
                     base::Concat("the resource ", resource.arn, " is already in the inventory")};
}

namespace {

// The end of the JSON string that starts at `at` (a '"'), past its closing quote; npos if it does
// not end on the line. Sets `escaped` when it holds a backslash.
size_t SkipString(std::string_view text, size_t at, bool &escaped) {
  for (size_t i = at + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      escaped = true;
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

size_t SkipSpace(std::string_view text, size_t at) {
  while (at < text.size() &&
         (text[at] == ' ' || text[at] == '\t' || text[at] == '\r' || text[at] == '\n')) {
    ++at;
  }
  return at;
}

// The end of the JSON value that starts at `at`, without checking it beyond its brackets and
// strings; npos if it does not end on the line.
size_t SkipValue(std::string_view text, size_t at) {
  int depth = 0;
  for (size_t i = at; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      bool escaped = false;
      i = SkipString(text, i, escaped);
      if (i == std::string_view::npos) return i;
      --i;
      if (depth == 0) return i + 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth < 0) return i;  // the end of the enclosing object: a scalar ended here
      if (depth == 0) return i + 1;
    } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r')) {
      return i;  // the end of a scalar
    }
  }
  return depth == 0 ? text.size() : std::string_view::npos;
}

}  // namespace

bool IsResourceRecordLine(std::string_view line) {
  size_t at = SkipSpace(line, 0);
  if (at >= line.size() || line[at] != '{') return false;
  at = SkipSpace(line, at + 1);
  while (at < line.size() && line[at] == '"') {
    bool escaped = false;
    size_t key_end = SkipString(line, at, escaped);
    if (key_end == std::string_view::npos || escaped) return false;
    std::string_view key = line.substr(at + 1, key_end - at - 2);
    at = SkipSpace(line, key_end);
    if (at >= line.size() || line[at] != ':') return false;
    at = SkipSpace(line, at + 1);
    if (key == "kind") return line.substr(at).starts_with("\"resource\"");
    at = SkipValue(line, at);
    if (at == std::string_view::npos) return false;
    at = SkipSpace(line, at);
    if (at >= line.size() || line[at] != ',') return false;
    at = SkipSpace(line, at + 1);
  }
  return false;
}

}  // namespace perimeter::resources
